import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { build } from '../../../engine/build/builder';
import { Store } from '../../../engine/image/store';
import { acquireLease, pruneStore, verifyStore } from '../../../engine/image/store-maintenance';
import { contextWith, tempDir } from '../../helpers/fixtures';

test('store verify finds a corrupted blob and a missing one', async () => {
  const store = await Store.open(tempDir());
  const { image } = await build({ context: contextWith({ Dockerfile: 'FROM scratch\nCOPY a /\n', a: 'a' }), tag: 'v', store });
  assert.deepEqual((await verifyStore(store)).problems, []);
  fs.chmodSync(store.blobPath(image.layers[0].digest), 0o644);
  fs.writeFileSync(store.blobPath(image.layers[0].digest), 'corrupt');
  const bad = await verifyStore(store);
  assert.equal(bad.problems.length, 1);
  assert.match(bad.problems[0], new RegExp(`blob ${image.layers[0].digest} hashes to`));
  fs.rmSync(store.blobPath(image.layers[0].digest));
  assert.match((await verifyStore(store)).problems[0], /is missing/);
});

test('prune removes what no tag needs, keeps what one does, and waits for live leases', async () => {
  const store = await Store.open(tempDir());
  const a = await build({ context: contextWith({ Dockerfile: 'FROM scratch\nCOPY a /\n', a: 'a' }), tag: 'keep', store });
  const b = await build({ context: contextWith({ Dockerfile: 'FROM scratch\nCOPY b /\n', b: 'b' }), tag: 'drop', store });
  await store.untag('drop');
  const release = await acquireLease(store);
  // Another process's lease blocks prune; our own does not count, so fake another pid.
  fs.writeFileSync(`${store.dir}/layerwise/leases/1-x`, '1');
  assert.ok((await pruneStore(store, 0)).busy);
  fs.rmSync(`${store.dir}/layerwise/leases/1-x`);
  await release();
  const report = await pruneStore(store, 0);
  assert.equal(report.removed, 3); // b's layer, config and manifest
  assert.ok(await store.hasBlob(a.image.layers[0].digest));
  assert.ok(!(await store.hasBlob(b.image.layers[0].digest)));
  assert.deepEqual((await verifyStore(store)).problems, []);
});
