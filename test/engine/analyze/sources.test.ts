import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeImage, analyzeSource } from '../../../engine/analyze/analyze-image';
import type { ImageAnalysis } from '../../../engine/analyze/model';
import { writeReport } from '../../../engine/analyze/report';
import { openImage } from '../../../engine/analyze/sources/resolve';
import { hostPlatform } from '../../../engine/analyze/sources/select';
import { build } from '../../../engine/build/builder';
import { saveDockerArchive } from '../../../engine/image/docker-archive';
import { Store } from '../../../engine/image/store';
import { contextWith, tempDir } from '../../helpers/fixtures';
import { example } from '../../helpers/paths';
import { layerTar, legacyDockerArchive, tarFolder, writeLayout } from './images';

const noStore = async (): Promise<Store> => {
  throw new Error('the store should not be opened');
};

async function open(spec: string, options: { platform?: { os: string; architecture: string } } = {}): Promise<ImageAnalysis> {
  const source = await openImage(spec, { store: noStore, platform: options.platform });
  try {
    return await analyzeSource(source);
  } finally {
    await source.close();
  }
}

const names = (image: ImageAnalysis) => image.tree.children!.map((c) => c.name);

async function twoLayers() {
  return [await layerTar([{ file: '/a', data: 'a' }]), await layerTar([{ file: '/b', data: 'bb' }, { whiteout: '/a' }])];
}

test('an OCI layout folder, its OCI archive (plain and gzipped), with plain or gzip layers', async () => {
  const layers = await twoLayers();
  for (const gzip of [false, true]) {
    const dir = writeLayout([{ layers, gzip, name: 'docker.io/library/two:1' }]);
    const archive = await tarFolder(dir, path.join(tempDir(), 'oci.tar'));
    const gzArchive = await tarFolder(dir, path.join(tempDir(), 'oci.tar.gz'), { gzip: true });
    for (const [spec, kind] of [[dir, 'oci-layout'], [`oci:${dir}`, 'oci-layout'], [archive, 'oci-archive'], [`oci-archive:${archive}`, 'oci-archive'], [gzArchive, 'oci-archive']] as const) {
      const image = await open(spec);
      assert.deepEqual(names(image), ['b'], spec);
      assert.equal(image.source?.kind, kind, spec);
      assert.equal(image.name, 'two:1');
      assert.deepEqual(image.layers.map((l) => l.compression), gzip ? ['gzip', 'gzip'] : ['none', 'none']);
      assert.deepEqual(image.layers.map((l) => l.uncompressedSize), layers.map((l) => l.length));
      assert.equal(image.efficiency!.wastedBytes, 1);
    }
  }
});

test('a legacy docker save archive: manifest.json, <id>/layer.tar; one image of several by name; the other is the base', async () => {
  const base = [await layerTar([{ file: '/bin/sh', data: 'sh' }]), await layerTar([{ file: '/etc/os', data: 'os' }])];
  const app = [...base, await layerTar([{ file: '/app', data: 'app' }])];
  const history = [{ created_by: '/bin/sh -c #(nop) ADD file:abc in / ' }, { created_by: '/bin/sh -c echo os > /etc/os' }, { created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true }, { created_by: '|1 V=2 /bin/sh -c echo app > /app' }];
  const archive = await legacyDockerArchive([{ tags: ['base:1'], layers: base }, { tags: ['app:1'], layers: app, history }], path.join(tempDir(), 'legacy.tar'));
  await assert.rejects(open(archive), /holds 2 images \(base:1, app:1\); name one as .*:REF/);
  const image = await open(`docker-archive:${archive}:app:1`);
  assert.equal(image.source?.kind, 'docker-archive');
  assert.equal(image.name, 'app:1');
  assert.deepEqual(names(image), ['app', 'bin', 'etc']);
  const baseImage = await open(`docker-archive:${archive}:base:1`);
  assert.deepEqual(image.base, { layers: 2, how: 'image', ref: 'base:1', digest: baseImage.digest });
  assert.deepEqual(image.layers.map((l) => l.instruction), ['ADD file:abc in /', 'RUN echo os > /etc/os', 'RUN echo app > /app']);
  assert.deepEqual(image.history.map((h) => h.layer), [0, 1, undefined, 2]);
  assert.deepEqual(image.layers.map((l) => l.base), [true, true, false]);
  assert.match(image.digest, /^sha256:[0-9a-f]{64}$/);
  await assert.rejects(open(`docker-archive:${archive}:nope:1`), /no image named "nope:1" \(names: base:1, app:1\)/);
});

test('an index with one image per platform: the host platform by default, --platform for another', async () => {
  const amd = await layerTar([{ file: '/amd', data: '1' }]);
  const arm = await layerTar([{ file: '/arm', data: '2' }]);
  const host = hostPlatform();
  const other = host.architecture === 'arm64' ? { os: 'linux', architecture: 'amd64' } : { os: 'linux', architecture: 'arm64' };
  const dir = writeLayout([{ layers: [amd], platform: host }, { layers: [arm], platform: other }]);
  assert.deepEqual(names(await open(dir)), ['amd']);
  assert.deepEqual(names(await open(dir, { platform: other })), ['arm']);
  await assert.rejects(open(dir, { platform: { os: 'linux', architecture: 's390x' } }), /has no image for linux\/s390x \(it has: linux\/.*\); choose one with --platform/);
});

test('our own builds from the store: Dockerfile lines from provenance, the FROM image as base; the Docker 25 save form', async () => {
  const store = await Store.open(tempDir());
  await build({ context: example('hello'), tag: 'hello:1', store, sourceDateEpoch: 1700000000 });
  const ctx = contextWith({ Dockerfile: 'FROM hello:1\nCOPY x /x\nCOPY y /y\n', x: 'x', y: 'yy' });
  await build({ context: ctx, tag: 'app:1', store, sourceDateEpoch: 1700000000 });
  const image = await analyzeImage(store, 'app:1');
  const helloDigest = (await store.resolve('hello:1')).descriptor.digest;
  // The extent comes from the build's record; the name and digest from the image with exactly those layers.
  assert.deepEqual(image.base, { layers: 1, how: 'provenance', ref: 'hello:1', digest: helloDigest });
  assert.deepEqual(image.layers.map((l) => [l.base, l.source?.range.start.line]), [[true, undefined], [false, 1], [false, 2]]);
  assert.equal(image.dockerfile, path.join(ctx, 'Dockerfile'));
  const hello = await analyzeImage(store, 'hello:1');
  assert.deepEqual(hello.base, { layers: 0, how: 'provenance' });
  // Saved as Docker 25+ does (index.json + manifest.json + blobs): the same tree, and the base found by its layers.
  const archive = path.join(tempDir(), 'both.tar');
  await saveDockerArchive(store, [await store.resolve('hello:1'), await store.resolve('app:1')], archive);
  const saved = await open(`${archive.replace(/^/, 'docker-archive:')}:app:1`);
  assert.equal(saved.source?.kind, 'docker-archive');
  assert.equal(saved.digest, image.digest);
  assert.deepEqual(saved.tree, image.tree);
  assert.deepEqual(saved.base, { layers: 1, how: 'image', ref: 'hello:1', digest: helloDigest });
});

test('a path that is not an image, and a name that is neither a path nor in the store', async () => {
  const notImage = contextWith({ 'x.tar': 'hello' });
  await assert.rejects(open(path.join(notImage, 'x.tar')), /not an image archive/);
  const store = await Store.open(tempDir());
  await assert.rejects(analyzeImage(store, 'missing:1'), /image "missing:1" is not in the store/);
});

test('base and own groups: named by the base image, sizes and waste summed per group, the JSON carries them', async () => {
  const store = await Store.open(tempDir());
  const baseCtx = contextWith({ Dockerfile: 'FROM scratch\nCOPY a b /etc/\nCOPY c /c\n', a: 'aaaa', b: 'bbbbbbbb', c: 'cc' });
  await build({ context: baseCtx, tag: 'base:1', store, sourceDateEpoch: 1700000000 });
  // The own layers rewrite /etc/a (its 4 base bytes hidden by own layers) and write /x twice (3 own bytes wasted).
  const ctx = contextWith({ Dockerfile: 'FROM base:1\nCOPY a2 /etc/a\nCOPY x /x\nCOPY x2 /x\n', a2: 'AAAAAA', x: 'xxx', x2: 'XXXXX' });
  await build({ context: ctx, tag: 'app:1', store, sourceDateEpoch: 1700000000 });
  const image = await analyzeImage(store, 'app:1');
  const baseDigest = (await store.resolve('base:1')).descriptor.digest;
  const [base, own] = image.groups!;
  const sumOf = (from: number, to: number, f: (l: (typeof image.layers)[number]) => number) => image.layers.slice(from, to).reduce((n, l) => n + f(l), 0);
  assert.deepEqual(
    { kind: base.kind, ref: base.ref, digest: base.digest, first: base.first, layers: base.layers, contentSize: base.contentSize, wasted: base.wastedBytes, hiddenByOwn: base.hiddenByOwn },
    { kind: 'base', ref: 'base:1', digest: baseDigest, first: 0, layers: 2, contentSize: 14, wasted: 4, hiddenByOwn: 4 },
  );
  assert.deepEqual(
    { kind: own.kind, first: own.first, layers: own.layers, contentSize: own.contentSize, wasted: own.wastedBytes, hidden: own.hiddenBytes, ref: own.ref },
    { kind: 'own', first: 2, layers: 3, contentSize: 14, wasted: 3, hidden: 7, ref: undefined },
  );
  assert.equal(base.size + own.size, image.size);
  assert.equal(base.size, sumOf(0, 2, (l) => l.size));
  assert.equal(own.changes, sumOf(2, 5, (l) => l.files.length));
  const chunks: Buffer[] = [];
  await writeReport(image, (c) => void chunks.push(Buffer.from(c)));
  assert.deepEqual(JSON.parse(Buffer.concat(chunks).toString()).groups, JSON.parse(JSON.stringify(image.groups)));
  // An image without a base: one own group; scratch with nothing: no groups.
  const plain = await analyzeImage(store, 'base:1');
  assert.deepEqual(plain.groups!.map((g) => [g.kind, g.first, g.layers]), [['own', 0, 2]]);
});
