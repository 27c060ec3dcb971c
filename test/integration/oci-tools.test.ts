import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { build } from '../../engine/build/builder';
import { saveDockerArchive } from '../../engine/image/docker-archive';
import { writeOciLayout } from '../../engine/image/oci-layout-export';
import { exportForm } from '../../engine/image/export-form';
import { MediaType, type ImageConfig, type Manifest } from '../../engine/image/oci';
import { Store } from '../../engine/image/store';
import { contextWith, tempDir } from '../helpers/fixtures';
import { example } from '../helpers/paths';
import { ensureDocker, hasCommand, run } from '../helpers/tools';

test('skopeo reads the store as an OCI layout and sees our digest, config and layers', async (t) => {
  if (!hasCommand('skopeo')) return t.skip('skopeo is not installed (apt-get install skopeo)');
  const store = await Store.open(tempDir());
  const { image } = await build({ context: example('hello'), tag: 'hello', store });
  const info = JSON.parse(run('skopeo', ['inspect', `oci:${store.dir}:docker.io/library/hello:latest`]));
  assert.equal(info.Digest, image.digest);
  assert.equal(info.Os, 'linux');
  assert.deepEqual(info.Layers, image.layers.map((l) => l.digest));
  const config = JSON.parse(run('skopeo', ['inspect', '--config', `oci:${store.dir}:docker.io/library/hello:latest`]));
  assert.deepEqual(config.config.Entrypoint, ['/while.sh']);
  // The exported archive is an OCI archive as well.
  const archive = path.join(tempDir(), 'hello.tar');
  await saveDockerArchive(store, [await store.resolve('hello')], archive);
  const fromArchive = JSON.parse(run('skopeo', ['inspect', `oci-archive:${archive}`]));
  assert.equal(fromArchive.Digest, image.digest);
});

test('docker load takes our docker-archive; docker sees the same config, and running it fails as the lint rule says', async (t) => {
  const skip = await ensureDocker();
  if (skip) return t.skip(skip);
  const store = await Store.open(tempDir());
  const tag = `layerwise-test-hello:${process.pid}`;
  const { image } = await build({ context: example('hello'), tag, store });
  const archive = path.join(tempDir(), 'hello.tar');
  await saveDockerArchive(store, [await store.resolve(tag)], archive);
  try {
    assert.match(run('docker', ['load', '-i', archive]), new RegExp(`Loaded image: ${tag}`));
    const [inspected] = JSON.parse(run('docker', ['image', 'inspect', tag]));
    const manifest = await store.readJSON<Manifest>(image.digest);
    const config = await store.readJSON<ImageConfig>(manifest.config.digest);
    assert.equal(inspected.Id, manifest.config.digest);
    assert.deepEqual(inspected.RootFS.Layers, config.rootfs.diff_ids);
    assert.deepEqual(inspected.Config.Entrypoint, ['/while.sh']);
    assert.deepEqual(inspected.Config.Env, config.config.Env);
    assert.equal(inspected.Architecture, config.architecture);
    // The tutorial's failure, for real: while.sh was copied without the execute bit.
    const ran = spawnSync('docker', ['run', '--rm', tag], { encoding: 'utf8', timeout: 60_000 });
    assert.notEqual(ran.status, 0);
    assert.match(ran.stderr, /permission denied/);
  } finally {
    spawnSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' });
  }
});

test('with the execute bit fixed, docker sees mode 0755 in the layer', async (t) => {
  const skip = await ensureDocker();
  if (skip) return t.skip(skip);
  const ctx = contextWith({ Dockerfile: 'FROM scratch\nCOPY --chmod=755 run.sh /\nENTRYPOINT ["/run.sh"]\n', 'run.sh': '#!/bin/sh\necho hi\n' });
  const store = await Store.open(tempDir());
  const tag = `layerwise-test-chmod:${process.pid}`;
  await build({ context: ctx, tag, store });
  const archive = path.join(tempDir(), 'chmod.tar');
  // Exported as --output type=docker does by default: gzip layers, which docker load takes too.
  const exported = await exportForm(store, await store.resolve(tag), 'gzip');
  const layers = (await store.readJSON<Manifest>(exported.descriptor.digest)).layers;
  assert.deepEqual(layers.map((l) => l.mediaType), [MediaType.ociLayerGzip]);
  await saveDockerArchive(store, [exported], archive);
  try {
    run('docker', ['load', '-i', archive]);
    const id = run('docker', ['create', tag]).trim();
    const listing = spawnSync('sh', ['-c', `docker export ${id} | tar tvf - run.sh`], { encoding: 'utf8' });
    spawnSync('docker', ['rm', id], { stdio: 'ignore' });
    assert.match(listing.stdout, /^-rwxr-xr-x/);
  } finally {
    spawnSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' });
  }
});

test('skopeo reads an --output type=oci folder', async (t) => {
  if (!hasCommand('skopeo')) return t.skip('skopeo is not installed (apt-get install skopeo)');
  const store = await Store.open(tempDir());
  await build({ context: example('hello'), tag: 'hello', store });
  const dir = path.join(tempDir(), 'layout');
  await writeOciLayout(store, [await store.resolve('hello')], dir);
  const info = JSON.parse(run('skopeo', ['inspect', `oci:${dir}:latest`]));
  assert.equal(info.Digest, (await store.resolve('hello')).descriptor.digest);
  // The gzip form: skopeo sees the compressed manifest and the same config.
  const gzDir = path.join(tempDir(), 'gz-layout');
  const exported = await exportForm(store, await store.resolve('hello'), 'gzip');
  await writeOciLayout(store, [exported], gzDir);
  const gz = JSON.parse(run('skopeo', ['inspect', '--raw', `oci:${gzDir}:latest`])) as Manifest;
  assert.equal(gz.layers[0].mediaType, MediaType.ociLayerGzip);
  const stored = await store.readJSON<Manifest>((await store.resolve('hello')).descriptor.digest);
  assert.equal(gz.config.digest, stored.config.digest);
  assert.ok(gz.layers[0].size < stored.layers[0].size);
  const copied = path.join(tempDir(), 'copied');
  run('skopeo', ['copy', `oci:${gzDir}:latest`, `oci:${copied}:x`]);
});
