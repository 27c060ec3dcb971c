/**
 * The container's writable layer compared with Docker's: the same command (modify a file of a
 * lower layer, chmod another, delete a third) under `layerwise run` and under a real dockerd's
 * `docker run`, then `docker diff`. Both list the same paths; ours adds the provenance, the
 * copy-up sizes and, committed, the whiteout GNU tar finds in the layer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from '../../engine/build/builder';
import { runContainer } from '../../engine/container/run-container';
import { saveDockerArchive } from '../../engine/image/docker-archive';
import { verifyStore } from '../../engine/image/store-maintenance';
import { Store } from '../../engine/image/store';
import { makeBusyboxImage, runSkipReason } from '../helpers/busybox';
import { contextWith, tempDir } from '../helpers/fixtures';
import { ensureDocker, run } from '../helpers/tools';

const DOCKER = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const COMMAND = ['sh', '-c', 'echo appended >> /data/notes.txt && chmod 600 /data/blob.bin && rm /data/old.txt'];

test('modify, chmod, delete: three changes with full copy-up sizes and a whiteout; docker diff lists the same paths', async (t) => {
  const skip = (await ensureDocker()) ?? runSkipReason();
  if (skip) return t.skip(skip);
  const store = await Store.open(tempDir());
  const id = process.pid;
  const busybox = `layerwise-run/busybox:${id}`;
  const image = `layerwise-run/cow:${id}`;
  const container = `layerwise-run-cow-${id}`;
  await makeBusyboxImage(store, busybox);
  const blob = Buffer.alloc(300_000, 7);
  const ctx = contextWith({ Dockerfile: `FROM ${busybox}\nCOPY notes.txt old.txt /data/\nCOPY blob.bin /data/\n`, 'notes.txt': 'first line\n', 'old.txt': 'old\n' });
  fs.writeFileSync(path.join(ctx, 'blob.bin'), blob);
  await build({ context: ctx, store, tag: image, sourceDateEpoch: 1700000000 });
  const before = (await store.resolve(image)).descriptor.digest;
  try {
    const archive = path.join(tempDir(), 'cow.tar');
    await saveDockerArchive(store, [await store.resolve(busybox), await store.resolve(image)], archive);
    run(DOCKER, ['load', '-i', archive]);
    const created = spawnSync(DOCKER, ['run', '--name', container, '--network', 'none', image, ...COMMAND], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(created.status, 0, created.stderr);
    const dockerDiff = run(DOCKER, ['diff', container]).split('\n').filter(Boolean).map((l) => [l[0], l.slice(2)] as const);

    const { run: ours } = await runContainer({ store, image, command: COMMAND, commit: `layerwise-run/cow-committed:${id}` });
    assert.equal(ours.exitCode, 0);
    // The same paths, with the same letters (A, C, D).
    const letter = { added: 'A', modified: 'C', deleted: 'D' } as const;
    assert.deepEqual(ours.changes.map((c) => [letter[c.kind], c.path]).sort(), [...dockerDiff].sort());
    // Exactly three changes besides /data itself (a folder whose entries changed, docker diff's C /data).
    const files = ours.changes.filter((c) => !(c.type === 'directory' && c.changed?.length === 0));
    const seen = files.map((c) => ({ path: c.path, kind: c.kind, fromLayer: c.fromLayer, lowerSize: c.lowerSize, copyUpBytes: c.copyUpBytes, hiddenBytes: c.hiddenBytes, changed: c.changed }));
    assert.deepEqual(seen, [
      { path: '/data/blob.bin', kind: 'modified', fromLayer: 2, lowerSize: blob.length, copyUpBytes: blob.length, hiddenBytes: undefined, changed: ['mode'] },
      { path: '/data/notes.txt', kind: 'modified', fromLayer: 1, lowerSize: 11, copyUpBytes: 11 + 'appended\n'.length, hiddenBytes: undefined, changed: ['content'] },
      { path: '/data/old.txt', kind: 'deleted', fromLayer: 1, lowerSize: 4, copyUpBytes: undefined, hiddenBytes: 4, changed: undefined },
    ]);
    assert.deepEqual(ours.summary.modified, { count: 2, bytes: blob.length + 20 });
    assert.deepEqual(ours.summary.deleted, { count: 1, bytes: 4 });
    // The committed layer holds the whiteout and the two whole copies, as GNU tar lists them.
    const committed = await store.resolve(ours.committed!.ref);
    assert.equal(committed.descriptor.digest, ours.committed!.digest);
    const listing = run('tar', ['-tvf', store.blobPath(ours.committed!.layer)]);
    assert.match(listing, /^-rw------- 0\/0 +300000 .* data\/blob\.bin$/m);
    assert.match(listing, /^-rw-r--r-- 0\/0 +20 .* data\/notes\.txt$/m);
    assert.match(listing, / data\/\.wh\.old\.txt$/m);
    // And Docker, running the committed image, sees what the container left.
    run(DOCKER, ['rm', '-f', container]);
    const committedTar = path.join(tempDir(), 'committed.tar');
    await saveDockerArchive(store, [committed], committedTar);
    run(DOCKER, ['load', '-i', committedTar]);
    const seenByDocker = spawnSync(DOCKER, ['run', '--rm', '--network', 'none', ours.committed!.ref, 'sh', '-c', 'cat /data/notes.txt; stat -c %a /data/blob.bin; ls /data'], { encoding: 'utf8' });
    assert.equal(seenByDocker.stdout, 'first line\nappended\n600\nblob.bin\nnotes.txt\n', seenByDocker.stderr);
    // The image itself never changed.
    assert.equal((await store.resolve(image)).descriptor.digest, before);
    assert.equal(ours.imageAfter.unchanged, true);
    assert.deepEqual((await verifyStore(store)).problems, []);
  } finally {
    spawnSync(DOCKER, ['rm', '-f', container], { stdio: 'ignore' });
    spawnSync(DOCKER, ['rmi', '-f', image, busybox, `docker.io/layerwise-run/cow-committed:${id}`, `layerwise-run/cow-committed:${id}`], { stdio: 'ignore' });
  }
});
