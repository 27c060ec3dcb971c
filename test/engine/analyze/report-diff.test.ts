import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../../engine/analyze/analyze-image';
import { diffImages } from '../../../engine/analyze/diff';
import type { ImageAnalysis } from '../../../engine/analyze/model';
import { writeReport } from '../../../engine/analyze/report';
import { openLayoutImage } from '../../../engine/analyze/sources/layout';
import { layerTar, writeLayout, type Member } from './images';

async function analyze(layers: Member[][], digests = false): Promise<ImageAnalysis> {
  const source = await openLayoutImage(writeLayout([{ layers: await Promise.all(layers.map(layerTar)) }]));
  try {
    return await analyzeSource(source, { digests });
  } finally {
    await source.close();
  }
}

test('inspect --json: the documented shape, parseable, one record per change and per visible path', async () => {
  const image = await analyze([
    [{ dir: '/etc' }, { file: '/etc/a "quoted"\n', data: 'x' }, { file: '/etc/b', data: 'bb' }, { symlink: '/l', target: 'etc/b' }],
    [{ whiteout: '/etc/b' }, { file: '/etc/c', data: 'ccc' }],
  ]);
  let text = '';
  await writeReport(image, (s) => {
    text += s.toString();
  }, { ci: { pass: true } });
  const json = JSON.parse(text);
  assert.deepEqual(Object.keys(json), ['schemaVersion', 'image', 'base', 'groups', 'efficiency', 'ci', 'layers', 'files', 'waste', 'history', 'config', 'tree']);
  // Nothing names a base: layer 0 as dive assumes, then the own layer; /etc/b (2 bytes) hidden by the own layer.
  assert.deepEqual(json.groups.map((g: { kind: string; first: number; layers: number; wastedBytes: number; hiddenBytes: number }) => [g.kind, g.first, g.layers, g.wastedBytes, g.hiddenBytes]), [['base', 0, 1, 2, 0], ['own', 1, 1, 0, 2]]);
  assert.equal(json.schemaVersion, 1);
  assert.deepEqual(Object.keys(json.image), ['name', 'ref', 'digest', 'configDigest', 'os', 'architecture', 'variant', 'created', 'source', 'compressedSize', 'uncompressedSize', 'visibleSize', 'layerCount', 'dockerfile', 'contentDigests']);
  assert.deepEqual(json.layers.map((l: { changes: { path: string; kind: string }[] }) => l.changes.map((c) => `${c.kind} ${c.path}`)), [
    ['added /etc', 'added /etc/a "quoted"\n', 'added /etc/b', 'added /l'],
    ['deleted /etc/b', 'added /etc/c'],
  ]);
  assert.deepEqual(Object.keys(json.layers[0]).slice(0, 4), ['index', 'digest', 'diffId', 'mediaType']);
  const b = json.layers[0].changes[2];
  assert.deepEqual([b.live, b.hiddenBy], [false, 1]);
  assert.deepEqual(json.files.map((f: { path: string; layer: number }) => [f.path, f.layer]), [['/etc', 0], ['/etc/a "quoted"\n', 0], ['/etc/c', 1], ['/l', 0]]);
  assert.deepEqual(json.files[3], { path: '/l', type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, linkTarget: 'etc/b', mtime: 1700000000, layer: 0, history: [{ layer: 0, kind: 'added', size: 0, mode: 0o777, live: true }] });
  assert.deepEqual(json.waste, [{ path: '/etc/b', bytes: 2, visible: false, copies: [{ layer: 0, kind: 'added', size: 2, hiddenBy: 1 }, { layer: 1, kind: 'deleted', size: 0 }] }]);
  assert.deepEqual(json.tree.children.map((c: { name: string }) => c.name), ['etc', 'l']);
  assert.equal(json.tree.size, 4);
  assert.equal(json.efficiency.wastedBytes, 2);
});

test('diff: added, removed and changed paths with sizes and what changed; layers not shared', async () => {
  const base: Member[] = [{ dir: '/app' }, { file: '/app/same', data: 'same' }, { file: '/app/edit', data: 'old' }, { file: '/app/mode', data: 'm' }, { dir: '/gone' }, { file: '/gone/x', data: 'xx' }];
  const a = await analyze([base, [{ file: '/a-only', data: '1' }]], true);
  const b = await analyze([base, [{ file: '/app/edit', data: 'new' }, { file: '/app/mode', data: 'm', mode: 0o755 }, { whiteout: '/gone' }, { dir: '/new' }, { file: '/new/y', data: 'yyy' }]], true);
  const d = diffImages(a, b);
  assert.equal(d.byContent, true);
  assert.deepEqual(d.files.map((f) => [f.kind, f.path, f.what ?? []]), [
    ['removed', '/a-only', []],
    ['changed', '/app/edit', ['content']],
    ['changed', '/app/mode', ['mode']],
    ['removed', '/gone', []],
    ['removed', '/gone/x', []],
    ['added', '/new', []],
    ['added', '/new/y', []],
  ]);
  assert.deepEqual(d.summary, { added: { count: 1, bytes: 3 }, removed: { count: 2, bytes: 3 }, changed: { count: 2, bytesA: 4, bytesB: 4 }, sizeDelta: 0 });
  assert.equal(d.layers.sharedPrefix, 1);
  assert.deepEqual([d.layers.onlyInA.map((l) => l.index), d.layers.onlyInB.map((l) => l.index)], [[1], [1]]);
  assert.deepEqual(diffImages(a, a).files, []);
});
