import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { build } from '../../engine/build/builder';
import { jsonBytes } from '../../engine/image/digest';
import { MediaType, type Descriptor, type Digest, type ImageConfig, type Index, type Manifest } from '../../engine/image/oci';
import { RegistryClient } from '../../engine/image/registry/client';
import { layerDecompressor } from '../../engine/image/registry/compress';
import type { RegistryEvent } from '../../engine/image/registry/events';
import { hostPlatform } from '../../engine/image/registry/platform';
import { pullImage } from '../../engine/image/registry/pull';
import { pushImage } from '../../engine/image/registry/push';
import { Store } from '../../engine/image/store';
import { makeBusyboxImage, runSkipReason } from '../helpers/busybox';
import { contextWith } from '../helpers/fixtures';
import { assertStoreSound, scratchDir, freePort, layerwise, pushBusyboxWithSkopeo, registrySkipReason, startRegistry, type RunningRegistry } from '../helpers/registry';
import { ensureDocker, run } from '../helpers/tools';

const skip = registrySkipReason({ skopeo: true, busybox: true });

let reg: RunningRegistry;
let skopeoDigest: string;

before(async () => {
  if (skip) return;
  reg = await startRegistry();
  ({ digest: skopeoDigest } = await pushBusyboxWithSkopeo(reg.host));
});
after(async () => reg?.stop());

const json = (out: string) => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as RegistryEvent);

test('skopeo pushes busybox; layerwise pulls it, builds FROM it with a RUN, pushes the result (base layers mounted); skopeo and docker read it back', async (t) => {
  if (skip) return t.skip(skip);
  const store = await Store.open(scratchDir());
  const pulled = await layerwise(['pull', '--store', store.dir, '--progress', 'plain', `${reg.host}/busybox`]);
  assert.equal(pulled.code, 0, pulled.err);
  assert.match(pulled.out, new RegExp(`${reg.host}/busybox:latest  ${skopeoDigest}  linux/`));
  assert.match(pulled.err, /downloaded layer/);
  const base = await store.resolve(`${reg.host}/busybox:latest`);
  assert.equal(base.descriptor.digest, skopeoDigest);
  const baseManifest = await store.readJSON<Manifest>(base.descriptor.digest);
  // skopeo gzipped our uncompressed layer on the way up; the pull keeps it as it came.
  assert.deepEqual(baseManifest.layers.map((l) => l.mediaType), [MediaType.ociLayerGzip]);
  await assertStoreSound(store);

  // By digest: the tag names the digest.
  const byDigest = await layerwise(['pull', '--store', store.dir, '--progress', 'quiet', `${reg.host}/busybox@${skopeoDigest}`]);
  assert.equal(byDigest.code, 0, byDigest.err);
  assert.equal((await store.resolve(`${reg.host}/busybox@${skopeoDigest}`)).descriptor.digest, skopeoDigest);

  // A second pull finds everything in the store.
  const again = await layerwise(['pull', '--store', store.dir, '--progress', 'json', `${reg.host}/busybox`]);
  assert.equal(again.code, 0, again.err);
  assert.ok(json(again.err).filter((e) => e.type === 'blob').every((e) => e.type === 'blob' && e.phase === 'exists'));

  const runs = runSkipReason() === undefined;
  if (!runs) t.diagnostic(`no RUN here (${runSkipReason()}): the image is made with COPY instead`);
  const ctx = contextWith({
    Dockerfile: runs
      ? `FROM ${reg.host}/busybox\nRUN echo made by layerwise > /greeting && mkdir /data\nCMD ["cat", "/greeting"]\n`
      : `FROM ${reg.host}/busybox\nCOPY greeting /greeting\nCMD ["cat", "/greeting"]\n`,
    greeting: 'made by layerwise\n',
  });
  const { image } = await build({ context: ctx, store, tag: `${reg.host}/result:1` });
  const built = await store.readJSON<Manifest>(image.digest);
  assert.equal(built.layers[0].digest, baseManifest.layers[0].digest);
  assert.equal(built.layers[1].mediaType, MediaType.ociLayer);

  const pushed = await layerwise(['push', '--store', store.dir, '--compression', 'uncompressed', '--progress', 'json', `${reg.host}/result:1`]);
  assert.equal(pushed.code, 0, pushed.err);
  assert.equal(pushed.out.trim().split(/\s+/)[0], `${reg.host}/result:1@${image.digest}`);
  const events = json(pushed.err);
  const phase = (d: string) => events.find((e) => e.type === 'blob' && e.digest === d && e.phase !== 'start') as Extract<RegistryEvent, { type: 'blob' }> | undefined;
  assert.equal(phase(built.layers[0].digest)?.phase, 'mounted');
  assert.equal(phase(built.layers[0].digest)?.from, 'busybox');
  assert.equal(phase(built.layers[1].digest)?.phase, 'done');

  const info = JSON.parse(run('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/result:1`]));
  assert.equal(info.Digest, image.digest);
  assert.deepEqual(info.Layers, built.layers.map((l) => l.digest));
  const config = JSON.parse(run('skopeo', ['inspect', '--config', '--tls-verify=false', `docker://${reg.host}/result:1`]));
  assert.deepEqual(config.config.Cmd, ['cat', '/greeting']);

  // Pushing again: everything is there already.
  const twice = await layerwise(['push', '--store', store.dir, '--compression', 'none', '--progress', 'json', `${reg.host}/result:1`]);
  assert.equal(twice.code, 0, twice.err);
  assert.ok(json(twice.err).filter((e) => e.type === 'blob').every((e) => e.type === 'blob' && e.phase === 'exists'));

  const noDocker = await ensureDocker();
  if (noDocker) return t.diagnostic(`docker pull not checked: ${noDocker}`);
  const ref = `${reg.host}/result:1`;
  try {
    run('docker', ['pull', '-q', ref]);
    const [inspected] = JSON.parse(run('docker', ['image', 'inspect', ref]));
    assert.equal(inspected.Id, built.config.digest);
    assert.ok((inspected.RepoDigests as string[]).includes(`${reg.host}/result@${image.digest}`));
    const ran = spawnSync('docker', ['run', '--rm', ref], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(ran.status, 0, ran.stderr);
    assert.equal(ran.stdout, 'made by layerwise\n');
  } finally {
    spawnSync('docker', ['rmi', '-f', ref], { stdio: 'ignore' });
  }
});

test('a Docker schema 2 manifest (skopeo --format v2s2) is pulled with its Docker media types kept', async (t) => {
  if (skip) return t.skip(skip);
  run('skopeo', ['copy', '--quiet', '--format', 'v2s2', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${reg.host}/busybox:latest`, `docker://${reg.host}/busybox-docker:v2s2`]);
  const store = await Store.open(scratchDir());
  const r = await pullImage({ store, ref: `${reg.host}/busybox-docker:v2s2` });
  assert.equal(r.manifest.mediaType, MediaType.dockerManifest);
  const manifest = await store.readJSON<Manifest>(r.manifest.digest);
  assert.equal(manifest.config.mediaType, MediaType.dockerConfig);
  assert.deepEqual(manifest.layers.map((l) => l.mediaType), [MediaType.dockerLayerGzip]);
  const info = JSON.parse(run('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/busybox-docker:v2s2`]));
  assert.equal(r.manifest.digest, info.Digest);
  await assertStoreSound(store);
});

test('zstd layers (skopeo --dest-compress-format zstd) are pulled and verified as they come; reading them says Node 20 has no zstd', async (t) => {
  if (skip) return t.skip(skip);
  // A layer never pushed before (skopeo would reuse a gzip form it knows), uncompressed in our
  // store, so skopeo compresses it, with zstd.
  const src = await Store.open(scratchDir());
  const ctx = contextWith({ Dockerfile: 'FROM scratch\nCOPY f /f\n', f: `${process.pid} ${Date.now()} ${Math.random()}\n`.repeat(1000) });
  await build({ context: ctx, store: src, tag: 'zstd-src' });
  run('skopeo', ['copy', '--quiet', '--dest-compress-format', 'zstd', '--dest-tls-verify=false', `oci:${src.dir}:docker.io/library/zstd-src:latest`, `docker://${reg.host}/zstd:1`]);
  const store = await Store.open(scratchDir());
  const r = await pullImage({ store, ref: `${reg.host}/zstd:1` });
  const manifest = await store.readJSON<Manifest>(r.manifest.digest);
  assert.deepEqual(manifest.layers.map((l) => l.mediaType), [MediaType.ociLayerZstd]);
  const head = (await store.readBlob(manifest.layers[0].digest)).subarray(0, 4);
  assert.deepEqual([...head], [0x28, 0xb5, 0x2f, 0xfd], 'a zstd frame');
  await assertStoreSound(store);
  assert.throws(() => layerDecompressor(MediaType.ociLayerZstd), /zstd-compressed .*Node 20 has no zstd decompressor/);
  assert.equal(layerDecompressor(MediaType.ociLayer), undefined);
  // It pushes on as it is.
  const pushed = await pushImage({ store, source: `${reg.host}/zstd:1`, destination: `${reg.host}/zstd-copy:1` });
  assert.equal(pushed.digest, r.manifest.digest);
});

/** Variants of busybox for several platforms (same layers, configs saying other architectures), an attestation, and an index of them. */
async function pushMultiPlatform(store: Store, repo: string, indexType: string): Promise<{ byPlatform: Map<string, string>; attestation: string; index: Digest }> {
  const host = reg.host;
  const base = await pullImage({ store, ref: `${host}/busybox:latest` });
  const manifest = await store.readJSON<Manifest>(base.manifest.digest);
  const config = await store.readJSON<ImageConfig>(manifest.config.digest);
  const platforms = [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
    { os: 'linux', architecture: 'arm', variant: 'v7' },
    { os: 'linux', architecture: 'arm', variant: 'v6' },
  ];
  const entries: Descriptor[] = [];
  const byPlatform = new Map<string, string>();
  for (const p of platforms) {
    const cfg = await store.writeJSON({ ...config, architecture: p.architecture, variant: p.variant }, MediaType.ociConfig);
    const m = await store.writeJSON({ ...manifest, config: cfg }, MediaType.ociManifest);
    const label = [p.os, p.architecture, p.variant].filter(Boolean).join('-');
    await store.tag(`${host}/${repo}:${label}`, m);
    await pushImage({ store, source: `${host}/${repo}:${label}` });
    entries.push({ ...m, platform: p });
    byPlatform.set([p.os, p.architecture, p.architecture === 'arm64' ? undefined : p.variant].filter(Boolean).join('/'), m.digest);
  }
  // BuildKit's attestation entry, listed first on purpose.
  const statement = await store.writeBlob(Buffer.from('{"_type":"https://in-toto.io/Statement/v0.1"}'));
  const empty = await store.writeJSON({}, MediaType.ociConfig);
  const att = await store.writeJSON(
    { schemaVersion: 2, mediaType: MediaType.ociManifest, config: empty, layers: [{ mediaType: 'application/vnd.in-toto+json', ...statement }] },
    MediaType.ociManifest,
  );
  await store.tag(`${host}/${repo}:att`, att);
  await pushImage({ store, source: `${host}/${repo}:att` });
  const index: Index = {
    schemaVersion: 2,
    mediaType: indexType,
    manifests: [
      { ...att, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': entries[0].digest } },
      ...entries,
    ],
  };
  const bytes = jsonBytes(index);
  const digest = await new RegistryClient(host).repository(repo).putManifest('latest', bytes, indexType);
  return { byPlatform, attestation: att.digest, index: digest };
}

for (const [label, indexType] of [['an OCI index', MediaType.ociIndex], ['a Docker manifest list', MediaType.dockerManifestList]] as const) {
  test(`from ${label}: the host's platform by default, another with --platform, attestations never; an unknown platform names those there are`, async (t) => {
    if (skip) return t.skip(skip);
    const repo = indexType === MediaType.ociIndex ? 'multi-oci' : 'multi-docker';
    const { byPlatform, attestation, index } = await pushMultiPlatform(await Store.open(scratchDir()), repo, indexType);
    const store = await Store.open(scratchDir());
    const host = hostPlatform();
    const hostKey = [host.os, host.architecture, host.variant].filter(Boolean).join('/');
    if (byPlatform.has(hostKey)) {
      const r = await pullImage({ store, ref: `${reg.host}/${repo}` });
      assert.equal(r.manifest.digest, byPlatform.get(hostKey));
      assert.equal(r.index?.digest, index);
      assert.ok(await store.hasBlob(index), 'the index is stored too');
      assert.equal((await store.resolve(`${reg.host}/${repo}:latest`)).descriptor.digest, byPlatform.get(hostKey), 'the tag points at the image manifest');
    }
    for (const [spec, expected] of [['linux/arm64', 'linux/arm64'], ['linux/arm64/v8', 'linux/arm64'], ['linux/arm', 'linux/arm/v7'], ['linux/arm/v6', 'linux/arm/v6'], ['linux/amd64', 'linux/amd64']]) {
      const r = await pullImage({ store, ref: `${reg.host}/${repo}`, platform: spec });
      assert.equal(r.manifest.digest, byPlatform.get(expected), spec);
      assert.notEqual(r.manifest.digest, attestation);
    }
    const cli = await layerwise(['pull', '--store', store.dir, '--platform', 'linux/arm/v7', '--progress', 'plain', `${reg.host}/${repo}`]);
    assert.equal(cli.code, 0, cli.err);
    assert.match(cli.out, /linux\/arm\/v7/);
    assert.match(cli.err, /Platform linux\/arm\/v7/);
    const none = await layerwise(['pull', '--store', store.dir, '--platform', 'linux/riscv64', `${reg.host}/${repo}`]);
    assert.equal(none.code, 1);
    assert.match(none.err, /has no image for linux\/riscv64 \(it has linux\/amd64, linux\/arm64, linux\/arm\/v7, linux\/arm\/v6\); choose one with --platform/);
    assert.doesNotMatch(none.err, /unknown/);
    await assertStoreSound(store);
  });
}

test('clear errors: unknown repository or tag, bad reference, nothing listening, a platform a single-platform image is not', async (t) => {
  if (skip) return t.skip(skip);
  const store = scratchDir();
  const missing = await layerwise(['pull', '--store', store, `${reg.host}/nope:1`]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, new RegExp(`layerwise pull: not found: manifest nope:1 on ${reg.host}: (NAME|MANIFEST)_UNKNOWN`));
  const tag = await layerwise(['pull', '--store', store, `${reg.host}/busybox:nope`]);
  assert.match(tag.err, /not found: manifest busybox:nope/);
  const bad = await layerwise(['pull', '--store', store, `${reg.host}/Busy`]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /invalid reference format .*repository name must be lowercase/);
  const port = await freePort();
  const down = await layerwise(['pull', '--store', store, `127.0.0.1:${port}/x`], { LAYERWISE_REGISTRY_RETRIES: '2', LAYERWISE_REGISTRY_BACKOFF_MS: '10' });
  assert.equal(down.code, 1);
  assert.match(down.err, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*\\(after 3 attempts\\)`));
  const other = hostPlatform().architecture === 'arm64' ? 'linux/amd64' : 'linux/arm64';
  const single = await layerwise(['pull', '--store', store, '--platform', other, `${reg.host}/busybox`]);
  assert.equal(single.code, 1);
  assert.match(single.err, new RegExp(`is linux/${hostPlatform().architecture}, not ${other} \\(it is a single-platform image\\)`));
  const usage = await layerwise(['pull', '--store', store, '--platform', 'a/b/c/d', 'x']);
  assert.equal(usage.code, 2);
  const pushMissing = await layerwise(['push', '--store', store, `${reg.host}/not-in-store`]);
  assert.equal(pushMissing.code, 1);
  assert.match(pushMissing.err, /is not in the store/);
});

test('four pulls into one store at once (separate processes, shared layers): all succeed, every blob hashes to its name', async (t) => {
  if (skip) return t.skip(skip);
  const src = await Store.open(scratchDir());
  await makeBusyboxImage(src);
  // Two more images on the same base layer: uncompressed layers this time.
  for (const [i, name] of ['one', 'two'].entries()) {
    const ctx = contextWith({ Dockerfile: `FROM busybox\nCOPY f /f${i}\n`, f: `file ${i}\n`.repeat(10000) });
    await build({ context: ctx, store: src, tag: `${reg.host}/conc-${name}:latest` });
    await pushImage({ store: src, source: `${reg.host}/conc-${name}:latest` });
  }
  const store = await Store.open(scratchDir());
  const refs = [`${reg.host}/conc-one`, `${reg.host}/conc-two`, `${reg.host}/conc-one`, `${reg.host}/busybox`];
  const results = await Promise.all(refs.map((ref) => layerwise(['pull', '--store', store.dir, '--progress', 'quiet', ref])));
  for (const r of results) assert.equal(r.code, 0, r.err);
  assert.equal(await assertStoreSound(store) >= 7, true);
  const tags = (await store.images()).map((i) => i.ref).sort();
  assert.deepEqual(tags, [`${reg.host}/busybox:latest`, `${reg.host}/conc-one:latest`, `${reg.host}/conc-two:latest`]);
  // And in one process: the shared download happens once.
  const store2 = await Store.open(scratchDir());
  const events: RegistryEvent[] = [];
  await Promise.all(refs.map((ref) => pullImage({ store: store2, ref, onEvent: (e) => events.push(e) })));
  const started = events.filter((e) => e.type === 'blob' && e.phase === 'start').map((e) => (e as { digest: string }).digest);
  assert.equal(new Set(started).size, started.length, 'no blob downloaded twice');
  await assertStoreSound(store2);
});

test('push: chunked PATCH upload for a large blob, monolithic for small ones, --compress gzips once and reuses', async (t) => {
  if (skip) return t.skip(skip);
  const store = await Store.open(scratchDir());
  await makeBusyboxImage(store);
  const ctx = contextWith({ Dockerfile: 'FROM busybox\nCOPY big /big\n', big: 'x'.repeat(3 << 20) });
  const { image } = await build({ context: ctx, store, tag: `${reg.host}/chunked:1` });
  const events: RegistryEvent[] = [];
  const r = await pushImage({ store, source: `${reg.host}/chunked:1`, monolithicMax: 1 << 20, chunkSize: 1 << 20, mount: false, onEvent: (e) => events.push(e) });
  assert.equal(r.digest, image.digest);
  assert.equal(r.blobs.uploaded, 3);
  const manifest = await store.readJSON<Manifest>(image.digest);
  const big = manifest.layers[1];
  const all = events.filter((e) => e.type === 'progress' && e.digest === big.digest).map((e) => (e as { bytes: number }).bytes);
  // (An upload that had to start again, say on a kept-alive connection the server had closed, counts from its last start.)
  const steps = all.slice(all.lastIndexOf(1 << 20));
  assert.deepEqual(steps, Array.from({ length: Math.ceil(big.size / (1 << 20)) }, (_, i) => Math.min(big.size, (i + 1) << 20)));
  const info = JSON.parse(run('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/chunked:1`]));
  assert.equal(info.Digest, image.digest);

  // By default layers are gzipped: a new manifest; the store remembers the gzip digests.
  const first = await layerwise(['push', '--store', store.dir, '--progress', 'json', `${reg.host}/chunked:1`, `${reg.host}/chunked:gz`]);
  assert.equal(first.code, 0, first.err);
  const gzEvents = json(first.err).filter((e) => e.type === 'compress');
  assert.equal(gzEvents.filter((e) => e.type === 'compress' && e.phase === 'done').length, 2);
  const gz = JSON.parse(run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/chunked:gz`])) as Manifest;
  assert.deepEqual(gz.layers.map((l) => l.mediaType), [MediaType.ociLayerGzip, MediaType.ociLayerGzip]);
  assert.ok(gz.layers[1].size < big.size / 50, 'gzip shrank the repetitive layer');
  assert.equal(gz.config.digest, manifest.config.digest);
  const second = await layerwise(['push', '--store', store.dir, '--compress', '--progress', 'json', `${reg.host}/chunked:1`, `${reg.host}/chunked:gz2`]);
  assert.equal(second.code, 0, second.err);
  assert.deepEqual(json(second.err).filter((e) => e.type === 'compress').map((e) => (e as { phase: string }).phase), ['cached', 'cached']);
  assert.equal(second.out.split(/\s/)[0].split('@')[1], first.out.split(/\s/)[0].split('@')[1], 'same gzip bytes, same digest');
  // The gzipped image pulls back and its layers still match the config's diff_ids.
  const back = await Store.open(scratchDir());
  const pulled = await pullImage({ store: back, ref: `${reg.host}/chunked:gz` });
  const ctx2 = contextWith({ Dockerfile: `FROM ${reg.host}/chunked:gz\nCOPY small /small\n`, small: 'y' });
  const { image: onTop } = await build({ context: ctx2, store: back });
  assert.equal(onTop.layers.length, 3);
  assert.ok(onTop.layers[1].files.some((f) => f.path === '/big'));
  assert.equal(pulled.layers, 2);
});
