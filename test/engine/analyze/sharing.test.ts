import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { layerSharing, storeSharing } from '../../../engine/analyze/sharing';
import { build } from '../../../engine/build/builder';
import type { Descriptor, Digest, Manifest } from '../../../engine/image/oci';
import { Store } from '../../../engine/image/store';
import { contextWith, tempDir } from '../../helpers/fixtures';

const layer = (n: number, size: number): Descriptor => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${String(n).padStart(64, '0')}` as Digest, size });
const digest = (n: number) => `sha256:${String(n).padStart(64, 'f')}` as Digest;

test('sharing: a layer two images have is shared by both, counted once on disk; tags of one image share nothing with each other', () => {
  const base = layer(1, 1000);
  const r = layerSharing([
    { ref: 'base:1', digest: digest(1), layers: [base] },
    { ref: 'app:1', digest: digest(2), layers: [base, layer(2, 30)] },
    { ref: 'app:latest', digest: digest(2), layers: [base, layer(2, 30)] },
    // The same blob twice in one image (an empty layer, say) is stored once.
    { ref: 'other:1', digest: digest(3), layers: [layer(3, 7), layer(3, 7)] },
  ]);
  assert.deepEqual(
    r.images.map((i) => [i.ref, i.size, i.uniqueBytes, i.sharedBytes, i.sharedWith]),
    [
      ['base:1', 1000, 0, 1000, ['app:1']],
      ['app:1', 1030, 30, 1000, ['base:1']],
      ['app:latest', 1030, 30, 1000, ['base:1']],
      ['other:1', 14, 7, 0, []],
    ],
  );
  // Three distinct images (two tags of one): 1000 + 1030 + 14; on disk 1000 + 30 + 7.
  assert.deepEqual([r.imageBytes, r.layerBytes], [2044, 1037]);
});

test('sharing in a real store: images built FROM one base share its layers; the totals match the blob files on disk', async () => {
  const store = await Store.open(tempDir());
  await build({ context: contextWith({ Dockerfile: 'FROM scratch\nCOPY big /big\n', big: 'b'.repeat(50_000) }), tag: 'base:1', store, sourceDateEpoch: 1700000000 });
  await build({ context: contextWith({ Dockerfile: 'FROM base:1\nCOPY a /a\n', a: 'a'.repeat(3000) }), tag: 'one:1', store, sourceDateEpoch: 1700000000 });
  await build({ context: contextWith({ Dockerfile: 'FROM base:1\nCOPY b /b\n', b: 'b'.repeat(9000) }), tag: 'two:1', store, sourceDateEpoch: 1700000000 });
  const r = await storeSharing(store);
  const manifest = async (ref: string) => store.readJSON<Manifest>((await store.resolve(ref)).descriptor.digest);
  const [base, one, two] = [await manifest('base:1'), await manifest('one:1'), await manifest('two:1')];
  const fileSize = (d: Descriptor) => fs.statSync(store.blobPath(d.digest)).size;
  const row = (ref: string) => r.images.find((i) => i.ref === `docker.io/library/${ref}`)!;
  assert.deepEqual([row('one:1').uniqueBytes, row('one:1').sharedBytes], [fileSize(one.layers[1]), fileSize(base.layers[0])]);
  assert.deepEqual([row('two:1').uniqueBytes, row('two:1').sharedBytes], [fileSize(two.layers[1]), fileSize(base.layers[0])]);
  assert.deepEqual(row('base:1').sharedWith.sort(), ['docker.io/library/one:1', 'docker.io/library/two:1']);
  const layerFiles = new Set([...base.layers, ...one.layers, ...two.layers].map((l) => l.digest));
  assert.equal(r.store.layerBytes, [...layerFiles].reduce((n, d) => n + fs.statSync(store.blobPath(d)).size, 0));
  assert.equal(r.store.imageBytes, row('base:1').size + row('one:1').size + row('two:1').size);
  assert.equal(r.store.savedBytes, 2 * fileSize(base.layers[0]));
  const blobDir = path.join(store.dir, 'blobs', 'sha256');
  const files = fs.readdirSync(blobDir);
  assert.deepEqual([r.store.blobs, r.store.blobBytes], [files.length, files.reduce((n, f) => n + fs.statSync(path.join(blobDir, f)).size, 0)]);
});
