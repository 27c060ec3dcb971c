/**
 * Crafted layers that try to write outside the root. Each is refused with an error naming the
 * entry, or contained inside the root; nothing ever appears outside it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { applyLayer } from '../../../engine/layer/apply';
import { Store } from '../../../engine/image/store';
import { sha256 } from '../../../engine/image/digest';
import { tempDir } from '../../helpers/fixtures';

type Entry = Partial<tar.Header> & { name: string; body?: string };

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const { body, ...h } of entries) pack.entry(h, body ?? '');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** A sandbox: `outside/` is what must stay untouched, `outside/root` is the layer's root. */
function arena() {
  const outside = tempDir('layerwise-evil-');
  const root = path.join(outside, 'root');
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(outside, 'victim'), 'original');
  const untouched = () => {
    assert.equal(fs.readFileSync(path.join(outside, 'victim'), 'utf8'), 'original');
    assert.deepEqual(fs.readdirSync(outside).sort(), ['root', 'victim']);
  };
  return { outside, root, untouched };
}

const apply = (root: string, data: Buffer) => applyLayer(root, Readable.from([data]));

test('1. a member named ../victim is refused, naming the entry', async () => {
  const a = arena();
  await assert.rejects(apply(a.root, await tarOf([{ name: '../victim', body: 'pwned' }])), /"\.\.\/victim" points outside the image root/);
  a.untouched();
});

test('2. ./a/../../victim (climbing after a folder) is refused', async () => {
  const a = arena();
  await assert.rejects(apply(a.root, await tarOf([{ name: './a/../../victim', body: 'x' }])), /points outside/);
  a.untouched();
});

test('3. an absolute member /victim lands inside the root', async () => {
  const a = arena();
  await apply(a.root, await tarOf([{ name: '/victim', body: 'inside' }]));
  assert.equal(fs.readFileSync(path.join(a.root, 'victim'), 'utf8'), 'inside');
  a.untouched();
});

test('4. symlink to / then a write through it stays inside the root', async () => {
  const a = arena();
  await apply(a.root, await tarOf([{ name: 'link', type: 'symlink', linkname: '/' }, { name: 'link/victim', body: 'through' }]));
  assert.equal(fs.readFileSync(path.join(a.root, 'victim'), 'utf8'), 'through');
  a.untouched();
});

test('5. symlink to ../.. then a write through it stays inside the root', async () => {
  const a = arena();
  await apply(a.root, await tarOf([{ name: 'up', type: 'symlink', linkname: '../..' }, { name: 'up/victim', body: 'x' }]));
  assert.ok(fs.existsSync(path.join(a.root, 'victim')));
  a.untouched();
});

test('6. a symlink in a later layer does not let an earlier path escape', async () => {
  const a = arena();
  await apply(a.root, await tarOf([{ name: 'dir', type: 'symlink', linkname: a.outside }]));
  await apply(a.root, await tarOf([{ name: 'dir/victim', body: 'x' }]));
  assert.ok(fs.existsSync(path.join(a.root, a.outside, 'victim')));
  a.untouched();
});

test('7. a hard link to ../victim is refused', async () => {
  const a = arena();
  await assert.rejects(apply(a.root, await tarOf([{ name: 'hl', type: 'link', linkname: '../victim' }])), /hard link "hl" points outside/);
  a.untouched();
});

test('8. a hard link to an absolute host path resolves inside the root (and fails if absent there)', async () => {
  const a = arena();
  await assert.rejects(apply(a.root, await tarOf([{ name: 'hl', type: 'link', linkname: path.join(a.outside, 'victim') }])), /layer entry "hl"/);
  a.untouched();
});

test('9. a whiteout through a symlink to outside deletes nothing outside', async () => {
  const a = arena();
  await apply(a.root, await tarOf([{ name: 'out', type: 'symlink', linkname: a.outside }, { name: 'out/.wh.victim' }]));
  a.untouched();
});

test('10. a whiteout named ../.wh.victim is refused', async () => {
  const a = arena();
  await assert.rejects(apply(a.root, await tarOf([{ name: '../.wh.victim' }])), /points outside/);
  a.untouched();
});

test('11. device nodes are not created', async () => {
  const a = arena();
  const result = await apply(a.root, await tarOf([{ name: 'dev-sda', type: 'block-device', devmajor: 8, devminor: 0 }, { name: 'tty', type: 'character-device', devmajor: 5, devminor: 0 }]));
  assert.deepEqual(result.skipped, ['/dev-sda', '/tty']);
  assert.deepEqual(fs.readdirSync(a.root), []);
  a.untouched();
});

test('12. a header claiming more bytes than the stream holds fails clearly', async () => {
  const a = arena();
  const data = await tarOf([{ name: 'big', body: 'x'.repeat(4096) }]);
  // Cut the stream inside the file's data.
  await assert.rejects(apply(a.root, data.subarray(0, 1024)), /layer entry "big"|Unexpected end|premature/i);
  a.untouched();
});

test('13. a truncated gzip layer fails clearly', async () => {
  const a = arena();
  const gz = gzipSync(await tarOf([{ name: 'f', body: 'y'.repeat(100_000) }]));
  await assert.rejects(applyLayer(a.root, Readable.from([gz.subarray(0, gz.length / 2)]), { gzip: true }), /unexpected end of file|premature|Unexpected end/i);
  a.untouched();
});

test('14. a symlink loop is refused instead of hanging', async () => {
  const a = arena();
  await assert.rejects(apply(a.root, await tarOf([{ name: 'a', type: 'symlink', linkname: 'b' }, { name: 'b', type: 'symlink', linkname: 'a' }, { name: 'a/x', body: 'x' }])), /too many levels of symbolic links/);
  a.untouched();
});

test('15. a blob whose bytes do not match its digest never enters the store', async () => {
  const store = await Store.open(tempDir());
  await assert.rejects(store.writeBlob(Buffer.from('tampered'), sha256('original')), /does not match its digest/);
  assert.deepEqual(await store.blobDigests(), []);
});
