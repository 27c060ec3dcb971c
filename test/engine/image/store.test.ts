import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { sha256 } from '../../../engine/image/digest';
import { MediaType } from '../../../engine/image/oci';
import { Store } from '../../../engine/image/store';
import { tempDir } from '../../helpers/fixtures';

test('blobs are content-addressed and a wrong expected digest stores nothing', async () => {
  const store = await Store.open(tempDir());
  const data = Buffer.from('layer bytes');
  const { digest, size } = await store.writeBlob(Readable.from([data.subarray(0, 5), data.subarray(5)]));
  assert.equal(digest, sha256(data));
  assert.equal(size, data.length);
  assert.deepEqual(await store.readBlob(digest), data);
  await assert.rejects(store.writeBlob(Buffer.from('other'), sha256('not this')), /does not match its digest/);
  assert.deepEqual(fs.readdirSync(path.join(store.dir, 'blobs', 'sha256')), [digest.slice(7)]);
  assert.deepEqual(fs.readdirSync(path.join(store.dir, 'ingest')), []);
});

test('concurrent tags into one store all land (the index is locked, replaced atomically)', async () => {
  const dir = tempDir();
  const stores = await Promise.all(Array.from({ length: 4 }, () => Store.open(dir)));
  const desc = await stores[0].writeJSON({ hello: 1 }, MediaType.ociManifest);
  await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 4].tag(`img${i}`, desc)));
  const refs = (await stores[0].images()).map((i) => i.ref).sort();
  assert.equal(refs.length, 40);
  assert.equal(refs[0], 'docker.io/library/img0:latest');
  assert.ok(!fs.existsSync(path.join(dir, 'index.json.lock')));
});

test('a lock left by a dead process is taken over', async () => {
  const dir = tempDir();
  const store = await Store.open(dir);
  fs.writeFileSync(path.join(dir, 'index.json.lock'), '999999999');
  const desc = await store.writeJSON({}, MediaType.ociManifest);
  await store.tag('after-crash', desc);
  assert.equal((await store.resolve('after-crash')).descriptor.digest, desc.digest);
});

test('resolve finds by reference forms and digest prefix, and explains a miss', async () => {
  const store = await Store.open(tempDir());
  const desc = await store.writeJSON({ a: 1 }, MediaType.ociManifest);
  await store.tag('docker.io/library/app:1', desc);
  assert.equal((await store.resolve('app:1')).ref, 'docker.io/library/app:1');
  assert.equal((await store.resolve(desc.digest.slice(7, 19))).ref, 'docker.io/library/app:1');
  await assert.rejects(store.resolve('app:2'), /image "app:2" is not in the store .* \(images: app:1\)/);
});
