import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../../engine/analyze/analyze-image';
import type { FileNode, ImageAnalysis } from '../../../engine/analyze/model';
import { openLayoutImage } from '../../../engine/analyze/sources/layout';
import { layerTar, writeLayout, type Member } from './images';

async function analyze(layers: Member[][], options: { digests?: boolean } = {}): Promise<ImageAnalysis> {
  const dir = writeLayout([{ layers: await Promise.all(layers.map(layerTar)) }]);
  const source = await openLayoutImage(dir);
  try {
    return await analyzeSource(source, options);
  } finally {
    await source.close();
  }
}

function find(tree: FileNode, p: string): FileNode | undefined {
  let n: FileNode | undefined = tree;
  for (const part of p.split('/').filter(Boolean)) n = n?.children?.find((c) => c.name === part);
  return n;
}

const bytes = (n: number, c = 'x') => Buffer.alloc(n, c);
const change = (image: ImageAnalysis, layer: number, p: string) => image.layers[layer].files.find((f) => f.path === p);

test('a chmod in a later layer copies the whole file up: both copies counted, the later one live', async () => {
  const image = await analyze([
    [{ dir: '/a' }, { file: '/a/big', data: bytes(1000) }, { file: '/a/keep', data: bytes(10) }],
    [{ dir: '/a' }, { file: '/a/big', data: bytes(1000), mode: 0o600 }],
  ]);
  const big = find(image.tree, '/a/big')!;
  assert.equal(big.size, 1000);
  assert.equal(big.layer, 1);
  assert.equal(big.mode, 0o600);
  assert.deepEqual(big.history, [
    { layer: 0, kind: 'added', size: 1000, mode: 0o644 },
    { layer: 1, kind: 'modified', size: 1000, mode: 0o600, live: true },
  ]);
  assert.equal(big.wasted, 1000);
  assert.deepEqual({ live: change(image, 0, '/a/big')!.live, hiddenBy: change(image, 0, '/a/big')!.hiddenBy }, { live: false, hiddenBy: 1 });
  assert.deepEqual({ live: change(image, 1, '/a/big')!.live, hides: change(image, 1, '/a/big')!.hides, kind: change(image, 1, '/a/big')!.kind }, { live: true, hides: 1000, kind: 'modified' });
  assert.deepEqual(image.layers.map((l) => [l.wastedBytes, l.hiddenBytes]), [[1000, 0], [0, 1000]]);
  const e = image.efficiency!;
  assert.deepEqual([e.storedBytes, e.visibleBytes, e.wastedBytes], [2010, 1010, 1000]);
  assert.equal(e.efficiency, 1010 / 2010);
  // Layer 0 is the base (dive's assumption, nothing says more): the copy-up hides base bytes.
  assert.deepEqual(image.base, { layers: 1, how: 'first-layer' });
  assert.deepEqual([e.userSizeBytes, e.userWastedBytes, e.userWastedPercent, e.baseBytesHiddenByUser], [1000, 0, 0, 1000]);
  // dive: /a/big listed twice (1000 + 1000, min 1000), both copies counted as waste.
  assert.deepEqual(e.dive, { efficiency: (1000 + 10) / 2010, wastedBytes: 2000, userSizeBytes: 1000, userWastedPercent: 2 });
  assert.deepEqual(image.waste, [{ path: '/a/big', bytes: 1000, visible: true, copies: [{ layer: 0, kind: 'added', size: 1000, hiddenBy: 1 }, { layer: 1, kind: 'modified', size: 1000 }] }]);
});

test('rm -rf of a folder: everything below is waste, counted once; dive counts it twice and calls it efficient', async () => {
  const image = await analyze([
    [{ dir: '/d' }, { file: '/d/x', data: bytes(100) }, { dir: '/d/sub' }, { file: '/d/sub/y', data: bytes(200) }, { file: '/k', data: bytes(5) }],
    [{ whiteout: '/d' }],
  ]);
  assert.deepEqual(image.tree.children!.map((c) => c.name), ['k']);
  assert.equal(image.tree.size, 5);
  assert.equal(image.tree.wasted, 300);
  const del = change(image, 1, '/d')!;
  assert.deepEqual([del.kind, del.type, del.size, del.hides], ['deleted', 'directory', 0, 300]);
  assert.deepEqual(image.waste!.map((w) => [w.path, w.bytes, w.visible]), [['/d/sub/y', 200, false], ['/d/x', 100, false]]);
  assert.deepEqual(image.layers.map((l) => [l.wastedBytes, l.hiddenBytes]), [[300, 0], [0, 300]]);
  const e = image.efficiency!;
  assert.deepEqual([e.storedBytes, e.visibleBytes, e.wastedBytes], [305, 5, 300]);
  // dive sizes the whiteout as the whole folder (300) on top of its files: 605 "bytes", none wasted.
  assert.equal(e.dive.efficiency, 1);
  assert.equal(e.dive.wastedBytes, 0);
});

test('an opaque folder hides what lower layers had in it; dive ignores opaque markers', async () => {
  const image = await analyze([
    [{ dir: '/o' }, { file: '/o/a', data: bytes(50) }, { file: '/o/b', data: bytes(60) }],
    [{ dir: '/o' }, { opaque: '/o' }, { file: '/o/c', data: bytes(7) }],
  ]);
  assert.deepEqual(find(image.tree, '/o')!.children!.map((c) => c.name), ['c']);
  const opq = image.layers[1].files.find((f) => f.kind === 'opaque')!;
  assert.deepEqual([opq.path, opq.hides], ['/o', 110]);
  assert.equal(image.efficiency!.wastedBytes, 110);
  assert.deepEqual(find(image.tree, '/o')!.history.map((h) => [h.layer, h.kind]), [[0, 'added'], [1, 'opaque'], [1, 'modified']]);
  const a = image.waste!.find((w) => w.path === '/o/a')!;
  assert.deepEqual(a.copies, [{ layer: 0, kind: 'added', size: 50, hiddenBy: 1 }]);
  assert.equal(image.efficiency!.dive.wastedBytes, 0);
  assert.equal(image.efficiency!.dive.efficiency, 1);
});

test('hard links share bytes: a link keeps them visible after the original is deleted, folders count them once', async () => {
  const both = await analyze([[{ file: '/h1', data: bytes(30) }, { hardlink: '/h2', target: '/h1' }]]);
  assert.equal(find(both.tree, '/h2')!.type, 'hardlink');
  assert.equal(find(both.tree, '/h2')!.size, 30);
  assert.equal(both.tree.size, 30);
  assert.equal(both.efficiency!.storedBytes, 30);

  const image = await analyze([[{ file: '/h1', data: bytes(30) }, { hardlink: '/h2', target: '/h1' }], [{ whiteout: '/h1' }]]);
  const h2 = find(image.tree, '/h2')!;
  assert.deepEqual([h2.type, h2.linkTarget, h2.size, h2.layer], ['hardlink', '/h1', 30, 0]);
  assert.equal(find(image.tree, '/h1'), undefined);
  assert.deepEqual(image.waste, []);
  assert.equal(change(image, 1, '/h1')!.hides, undefined);
  assert.deepEqual([image.efficiency!.visibleBytes, image.efficiency!.wastedBytes], [30, 0]);
});

test('deleted then added again; symlinks; a folder replaced by a file', async () => {
  const image = await analyze([
    [{ file: '/f', data: bytes(10) }, { symlink: '/s', target: 'f' }, { dir: '/x' }, { file: '/x/y', data: bytes(40) }],
    [{ whiteout: '/f' }, { file: '/x', data: bytes(5) }],
    [{ file: '/f', data: bytes(20) }],
  ]);
  const f = find(image.tree, '/f')!;
  assert.deepEqual(f.history, [
    { layer: 0, kind: 'added', size: 10, mode: 0o644 },
    { layer: 1, kind: 'deleted', size: 0 },
    { layer: 2, kind: 'added', size: 20, mode: 0o644, live: true },
  ]);
  const s = find(image.tree, '/s')!;
  assert.deepEqual([s.type, s.linkTarget, s.size], ['symlink', 'f', 0]);
  const x = find(image.tree, '/x')!;
  assert.deepEqual([x.type, x.size, x.layer], ['file', 5, 1]);
  assert.equal(change(image, 1, '/x')!.hides, 40);
  assert.deepEqual(image.waste!.map((w) => [w.path, w.bytes, w.visible]), [['/x/y', 40, false], ['/f', 10, true]]);
  const y = image.waste!.find((w) => w.path === '/x/y')!;
  assert.deepEqual(y.copies, [{ layer: 0, kind: 'added', size: 40, hiddenBy: 1 }]);
});

test('no double counting: a file deleted, then its folder; each byte hidden once, by the layer that hid it', async () => {
  const image = await analyze([
    [{ dir: '/q' }, { file: '/q/a', data: bytes(10) }, { file: '/q/b', data: bytes(20) }],
    [{ whiteout: '/q/a' }],
    [{ whiteout: '/q' }],
  ]);
  assert.deepEqual(image.layers.map((l) => [l.wastedBytes, l.hiddenBytes]), [[30, 0], [0, 10], [0, 20]]);
  assert.equal(image.efficiency!.wastedBytes, 30);
  assert.deepEqual(image.layers[2].files.map((f) => [f.path, f.kind, f.hides]), [['/q', 'deleted', 20]]);
});

test('a file rewritten twice: every earlier copy is waste; dive counts the live copy too', async () => {
  const image = await analyze([[{ file: '/m', data: bytes(100) }], [{ file: '/m', data: bytes(200) }], [{ file: '/m', data: bytes(300) }]]);
  assert.equal(image.efficiency!.wastedBytes, 300);
  assert.deepEqual(image.layers.map((l) => l.hiddenBytes), [0, 100, 200]);
  assert.equal(image.efficiency!.dive.wastedBytes, 600);
  assert.equal(image.efficiency!.dive.efficiency, 100 / 600);
});

test('content digests when asked, none otherwise', async () => {
  const layers: Member[][] = [[{ file: '/a', data: 'hello\n' }, { file: '/e', data: '' }]];
  const plain = await analyze(layers);
  assert.equal(find(plain.tree, '/a')!.digest, undefined);
  const hashed = await analyze(layers, { digests: true });
  assert.equal(find(hashed.tree, '/a')!.digest, 'sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
  assert.equal(find(hashed.tree, '/e')!.digest, 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(hashed.layers[0].files[0].digest, find(hashed.tree, '/a')!.digest);
  assert.equal(hashed.contentDigests, true);
});

test('directory sizes add up what is visible below; implied parent folders appear', async () => {
  const image = await analyze([[{ file: '/usr/lib/x/a', data: bytes(3) }, { file: '/usr/lib/b', data: bytes(4) }, { file: '/c', data: bytes(5) }]]);
  assert.equal(find(image.tree, '/usr/lib/x')!.size, 3);
  assert.equal(find(image.tree, '/usr/lib')!.size, 7);
  assert.equal(find(image.tree, '/usr')!.type, 'directory');
  assert.equal(find(image.tree, '/usr')!.count, 4);
  assert.equal(image.tree.size, 12);
});
