import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from '../../../engine/build/builder';
import { importImages } from '../../../engine/image/archive-import';
import { saveDockerArchive } from '../../../engine/image/docker-archive';
import { writeOciLayout } from '../../../engine/image/oci-layout-export';
import { Store } from '../../../engine/image/store';
import { verifyStore } from '../../../engine/image/store-maintenance';
import { tempDir } from '../../helpers/fixtures';
import { example } from '../../helpers/paths';
import { ensureDocker, hasCommand, run } from '../../helpers/tools';

async function built() {
  const store = await Store.open(tempDir());
  const { image } = await build({ context: example('hello'), tag: 'hello:1', store, sourceDateEpoch: 1700000000 });
  return { store, image };
}

test('our docker-archive and OCI layout round-trip into a fresh store with the same digest', async () => {
  const { store, image } = await built();
  const archive = path.join(tempDir(), 'a.tar');
  await saveDockerArchive(store, [await store.resolve('hello:1')], archive);
  const layout = path.join(tempDir(), 'layout');
  await writeOciLayout(store, [await store.resolve('hello:1')], layout);
  for (const source of [archive, layout]) {
    const fresh = await Store.open(tempDir());
    const [loaded] = await importImages(fresh, source);
    assert.equal(loaded.descriptor.digest, image.digest, source);
    assert.equal(loaded.ref, 'docker.io/library/hello:1');
    assert.deepEqual((await verifyStore(fresh)).problems, []);
  }
});

test('a tampered archive is refused and leaves no blob behind', async () => {
  const { store, image } = await built();
  const layout = path.join(tempDir(), 'layout');
  await writeOciLayout(store, [await store.resolve('hello:1')], layout);
  const layer = path.join(layout, 'blobs', 'sha256', image.layers[0].digest.slice(7));
  fs.rmSync(layer);
  fs.writeFileSync(layer, 'not the layer');
  const fresh = await Store.open(tempDir());
  await assert.rejects(importImages(fresh, layout), /does not match its digest/);
  assert.deepEqual((await fresh.images()).length, 0);
  assert.ok(!(await fresh.blobDigests()).includes(image.layers[0].digest));
});

test('skopeo oci-archive output imports', async (t) => {
  if (!hasCommand('skopeo')) return t.skip('skopeo is not installed');
  const { store, image } = await built();
  const out = path.join(tempDir(), 'skopeo.tar');
  run('skopeo', ['copy', `oci:${store.dir}:docker.io/library/hello:1`, `oci-archive:${out}:docker.io/library/hello:2`]);
  const fresh = await Store.open(tempDir());
  const [loaded] = await importImages(fresh, out);
  const config = await fresh.readJSON<{ config: { Entrypoint: string[] } }>((await fresh.readJSON<{ config: { digest: `sha256:${string}` } }>(loaded.descriptor.digest)).config.digest);
  assert.deepEqual(config.config.Entrypoint, image.config.Entrypoint);
});

test('real `docker save` output (legacy layout) imports with its tag and verifies', async (t) => {
  const skip = await ensureDocker();
  if (skip) return t.skip(skip);
  const { store } = await built();
  const tag = `layerwise-import-test:${process.pid}`;
  const archive = path.join(tempDir(), 'ours.tar');
  await saveDockerArchive(store, [await store.resolve('hello:1')], archive);
  run('docker', ['load', '-i', archive]);
  run('docker', ['tag', 'hello:1', tag]);
  const saved = path.join(tempDir(), 'docker-saved.tar');
  try {
    run('docker', ['save', '-o', saved, tag]);
    const fresh = await Store.open(tempDir());
    const [loaded] = await importImages(fresh, saved);
    assert.equal(loaded.ref, `docker.io/library/${tag}`);
    assert.deepEqual((await verifyStore(fresh)).problems, []);
    const { analyzeImage } = await import('../../../engine/analyze/analyze-image.js');
    const analysis = await analyzeImage(fresh, tag);
    assert.deepEqual(analysis.tree.children!.map((c) => c.name), ['hello.txt', 'while.sh']);
  } finally {
    spawnSync('docker', ['rmi', '-f', tag, 'hello:1'], { stdio: 'ignore' });
  }
});
