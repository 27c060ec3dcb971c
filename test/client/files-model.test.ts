// The Files view's model (client/files-model.ts has no `vscode` import) on a real build: a
// busybox base, a file copied then replaced, another copied then deleted by RUN rm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { build } from '../../engine/build/builder';
import { Store } from '../../engine/image/store';
import { FilesModel, findNode } from '../../client/files-model';
import { makeBusyboxImage, runSkipReason } from '../helpers/busybox';
import { contextWith, tempDir } from '../helpers/fixtures';

test('Files model: merged tree, one layer\'s changes with A/M/D/H badges, wasted bytes, sort by size, previous copies', async (t) => {
  const why = runSkipReason();
  if (why) return t.skip(why);
  const store = await Store.open(tempDir());
  await makeBusyboxImage(store);
  const a1 = 'first copy of a\n'.repeat(10); // 160 bytes, replaced later: wasted
  const a2 = 'second\n'; // 7 bytes
  const b = 'b'.repeat(1000); // deleted later: wasted
  const ctx = contextWith({
    Dockerfile: 'FROM busybox\nCOPY a1.txt /data/a.txt\nCOPY b.txt big.txt /data/\nCOPY a2.txt /data/a.txt\nRUN rm /data/b.txt\n',
    'a1.txt': a1, 'a2.txt': a2, 'b.txt': b, 'big.txt': 'x'.repeat(5000),
  });
  const { image } = await build({ context: ctx, dockerfile: path.join(ctx, 'Dockerfile'), store, tag: 'files-model:1' });
  const base = image.layers.length - 4;
  const [copyA1, copyB, copyA2, rm] = [base, base + 1, base + 2, base + 3];

  const merged = new FilesModel(image);
  const data = merged.children().find((n) => n.name === 'data')!;
  assert.ok(merged.children().some((n) => n.name === 'bin'), 'the base image is in the merged tree');
  assert.deepEqual(merged.children(data).map((n) => n.name), ['a.txt', 'big.txt']);
  const a = findNode(image.tree, '/data/a.txt')!;
  assert.equal(merged.row(a).badge, 'M');
  assert.equal(merged.row(a).layer, copyA2);
  assert.equal(merged.previousCopy('/data/a.txt', copyA2), copyA1);
  assert.equal(merged.previousCopy('/data/big.txt', copyB), undefined);
  assert.match(merged.tooltip(a), new RegExp(`added by layer ${copyA1} .*COPY a1.txt /data/a.txt.*:2, 160 B \\(earlier copy, hidden\\)`));
  assert.match(merged.tooltip(a), new RegExp(`modified by layer ${copyA2}`));

  const bySize = new FilesModel(image, { wastedOnly: false }, 'size');
  assert.deepEqual(bySize.children(data).map((n) => n.name), ['big.txt', 'a.txt']);

  // Layer views: the first copy of a.txt is hidden in the image (H); the RUN layer deleted b.txt (D).
  const first = new FilesModel(image, { layer: copyA1, wastedOnly: false });
  const firstA = first.children(first.children().find((n) => n.name === 'data'))[0];
  assert.equal(first.row(firstA).badge, 'H');
  assert.equal(firstA.size, a1.length);
  const removed = new FilesModel(image, { layer: rm, wastedOnly: false });
  const rmData = removed.children().find((n) => n.name === 'data')!;
  assert.deepEqual(removed.children(rmData).map((n) => [n.name, removed.row(n).badge]), [['b.txt', 'D']]);

  // Wasted bytes: a.txt's first copy and the deleted b.txt, folders summing them.
  const waste = new FilesModel(image, { wastedOnly: true });
  const wData = waste.children().find((n) => n.name === 'data')!;
  assert.deepEqual(waste.children(wData).map((n) => [n.name, n.size]), [['a.txt', a1.length], ['b.txt', b.length]]);
  assert.equal(wData.size, a1.length + b.length);
  assert.equal(waste.root.size, image.efficiency!.wastedBytes);
  const wasteOfB = new FilesModel(image, { layer: copyB, wastedOnly: true });
  assert.deepEqual(wasteOfB.children(wasteOfB.children()[0]).map((n) => n.name), ['b.txt']);
});
