/**
 * The proof that our builder makes Docker's images: every case under equivalence/ is built by
 * `docker build` (BuildKit) and by Layerwise from the same busybox base (made from Debian's
 * busybox-static and loaded into Docker), our image is loaded into Docker, and Docker's own
 * view of both (the exported filesystem, the config, the history) must be the same.
 *
 * Intended differences, not compared: file and folder mtimes (Docker keeps build-time times
 * for folders it creates; ours are SOURCE_DATE_EPOCH or the build start), and the blob bytes
 * themselves (tar header encodings differ; the diff_ids therefore differ too).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar-stream';
import { build } from '../../engine/build/builder';
import { saveDockerArchive } from '../../engine/image/docker-archive';
import { Store } from '../../engine/image/store';
import { makeBusyboxImage, runSkipReason } from '../helpers/busybox';
import { tempDir, prepareCase } from '../helpers/fixtures';
import { projectRoot } from '../helpers/paths';
import { ensureDocker, run } from '../helpers/tools';

const CASES = path.join(projectRoot(), 'test', 'integration', 'equivalence');
const RUNTIME_PATHS = ['/.dockerenv', '/etc/hostname', '/etc/hosts', '/etc/resolv.conf', '/etc/mtab', '/proc', '/sys', '/dev'];
// Debian's docker.io client drives the daemon's built-in BuildKit without buildx.
const DOCKER = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

interface FileFacts {
  type: string;
  mode: string;
  uid: number;
  gid: number;
  size: number;
  sha256?: string;
  link?: string;
}

/** Docker's view of an image's filesystem: `docker export` of a container made from it. */
async function exportedFilesystem(tag: string): Promise<Map<string, FileFacts>> {
  const id = run(DOCKER, ['create', tag, '/layerwise-never-runs']).trim();
  try {
    const child = spawn(DOCKER, ['export', id], { stdio: ['ignore', 'pipe', 'inherit'] });
    const extract = tar.extract();
    child.stdout.pipe(extract as unknown as NodeJS.WritableStream);
    const files = new Map<string, FileFacts>();
    for await (const entry of extract) {
      const h = entry.header;
      const p = '/' + h.name.replace(/^\.?\/*/, '').replace(/\/$/, '');
      const hash = createHash('sha256');
      for await (const chunk of entry) hash.update(chunk as Buffer);
      if (p === '/' || RUNTIME_PATHS.some((r) => p === r || p.startsWith(r + '/'))) continue;
      files.set(p, {
        type: h.type,
        mode: (h.mode! & 0o7777).toString(8),
        uid: h.uid!,
        gid: h.gid!,
        size: h.type === 'file' ? h.size! : 0,
        sha256: h.type === 'file' ? hash.digest('hex') : undefined,
        link: h.linkname ? h.linkname : undefined,
      });
    }
    return files;
  } finally {
    spawnSync(DOCKER, ['rm', id], { stdio: 'ignore' });
  }
}

function dockerConfig(tag: string): Record<string, unknown> {
  const [info] = JSON.parse(run(DOCKER, ['image', 'inspect', tag]));
  const c = info.Config;
  const pick = ['Env', 'Cmd', 'Entrypoint', 'WorkingDir', 'User', 'ExposedPorts', 'Volumes', 'Labels', 'StopSignal', 'Healthcheck', 'Shell', 'OnBuild'];
  const out: Record<string, unknown> = { Author: info.Author || undefined };
  for (const k of pick) {
    const v = c[k];
    out[k] = v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v && Object.keys(v).length === 0) ? undefined : v;
  }
  return out;
}

function dockerHistory(tag: string): string[] {
  return run(DOCKER, ['history', '--no-trunc', '--format', '{{.CreatedBy}}', tag]).trim().split('\n').reverse();
}

function describeDiff(theirs: Map<string, FileFacts>, ours: Map<string, FileFacts>): string[] {
  const out: string[] = [];
  for (const [p, f] of theirs) {
    const o = ours.get(p);
    if (!o) out.push(`missing in ours: ${p} ${JSON.stringify(f)}`);
    else if (JSON.stringify(o) !== JSON.stringify(f)) out.push(`differs: ${p}\n  docker: ${JSON.stringify(f)}\n  ours:   ${JSON.stringify(o)}`);
  }
  for (const p of ours.keys()) if (!theirs.has(p)) out.push(`extra in ours: ${p} ${JSON.stringify(ours.get(p))}`);
  return out;
}

/** Why these tests cannot run here (no Docker, no busybox-static, no sandbox), or undefined. */
async function missingTools(): Promise<string | undefined> {
  return (await ensureDocker()) ?? runSkipReason();
}

test('Layerwise builds the same images as docker build (BuildKit)', async (t) => {
  const skip = await missingTools();
  if (skip) return t.skip(skip);
  const probe = spawnSync(DOCKER, ['build', '-q', '-'], { input: 'FROM scratch\nENV A=1\n', env: { ...process.env, DOCKER_BUILDKIT: '1' }, encoding: 'utf8' });
  if (probe.status !== 0) return t.skip(`docker build with BuildKit is not available here: ${probe.stderr.trim()}`);

  const store = await Store.open(tempDir());
  const base = `layerwise-eq/busybox:${process.pid}`;
  await makeBusyboxImage(store, base);
  const baseTar = path.join(tempDir(), 'busybox.tar');
  await saveDockerArchive(store, [await store.resolve(base)], baseTar);
  run(DOCKER, ['load', '-i', baseTar]);
  const tags: string[] = [base];
  try {
    for (const name of fs.readdirSync(CASES).sort()) {
      await t.test(name, async () => {
        const dir = path.join(CASES, name);
        prepareCase(dir);
        const theirsTag = `layerwise-eq/docker-${name}:${process.pid}`;
        const oursTag = `layerwise-eq/ours-${name}:${process.pid}`;
        tags.push(theirsTag, oursTag);
        const built = spawnSync(DOCKER, ['build', '--build-arg', `BASE=${base}`, '-t', theirsTag, dir], { env: { ...process.env, DOCKER_BUILDKIT: '1' }, encoding: 'utf8' });
        assert.equal(built.status, 0, `docker build failed:\n${built.stderr}`);
        const { image } = await build({ context: dir, store, tag: oursTag, buildArgs: { BASE: base } });
        const archive = path.join(tempDir(), `${name}.tar`);
        await saveDockerArchive(store, [await store.resolve(image.digest)], archive);
        run(DOCKER, ['load', '-i', archive]);
        const diff = describeDiff(await exportedFilesystem(theirsTag), await exportedFilesystem(oursTag));
        assert.deepEqual(diff, [], `filesystems differ:\n${diff.join('\n')}`);
        assert.deepEqual(dockerConfig(oursTag), dockerConfig(theirsTag));
        assert.deepEqual(dockerHistory(oursTag), dockerHistory(theirsTag));
      });
    }
  } finally {
    spawnSync(DOCKER, ['rmi', '-f', ...tags], { stdio: 'ignore' });
  }
});

test('the tutorial image fails to start exactly as Docker\'s does when while.sh lacks +x', async (t) => {
  const skip = await missingTools();
  if (skip) return t.skip(skip);
  const store = await Store.open(tempDir());
  const base = `layerwise-eq/busybox-tutorial:${process.pid}`;
  await makeBusyboxImage(store, base);
  const ctx = tempDir();
  fs.cpSync(path.join(CASES, '15-tutorial'), ctx, { recursive: true });
  fs.chmodSync(path.join(ctx, 'while.sh'), 0o644);
  const tags = [base, `layerwise-eq/tutorial-ours:${process.pid}`, `layerwise-eq/tutorial-docker:${process.pid}`];
  try {
    const baseTar = path.join(tempDir(), 'b.tar');
    await saveDockerArchive(store, [await store.resolve(base)], baseTar);
    run(DOCKER, ['load', '-i', baseTar]);
    await build({ context: ctx, store, tag: tags[1], buildArgs: { BASE: base } });
    const archive = path.join(tempDir(), 'tutorial.tar');
    await saveDockerArchive(store, [await store.resolve(tags[1])], archive);
    run(DOCKER, ['load', '-i', archive]);
    assert.equal(spawnSync(DOCKER, ['build', '-q', '--build-arg', `BASE=${base}`, '-t', tags[2], ctx], { env: { ...process.env, DOCKER_BUILDKIT: '1' } }).status, 0);
    const ours = spawnSync(DOCKER, ['run', '--rm', tags[1]], { encoding: 'utf8', timeout: 60_000 });
    const theirs = spawnSync(DOCKER, ['run', '--rm', tags[2]], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(ours.status, theirs.status);
    assert.match(ours.stderr, /permission denied/);
    const errorLine = (text: string) => text.split('\n').find((l) => l.startsWith('docker: '));
    assert.equal(errorLine(ours.stderr), errorLine(theirs.stderr));
    // With the bit set, it runs and greets.
    fs.chmodSync(path.join(ctx, 'while.sh'), 0o755);
    await build({ context: ctx, store, tag: tags[1], buildArgs: { BASE: base } });
    await saveDockerArchive(store, [await store.resolve(tags[1])], archive);
    run(DOCKER, ['load', '-i', archive]);
    const greet = spawnSync(DOCKER, ['run', '--rm', '--entrypoint', 'timeout', tags[1], '2', '/while.sh'], { encoding: 'utf8', timeout: 60_000 });
    assert.match(greet.stdout, /hello world,sanchuang 1/);
  } finally {
    spawnSync(DOCKER, ['rmi', '-f', ...tags], { stdio: 'ignore' });
  }
});
