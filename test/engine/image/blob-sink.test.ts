import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sinkStream } from '../../../engine/image/blob-sink';
import { writeHashed } from '../../../engine/image/blob-writer';
import { Store } from '../../../engine/image/store';
import { tempDir } from '../../helpers/fixtures';

/** Chunks of every kind a stream hands out: whole buffers (moved), views into larger ones and pooled small ones (copied). */
async function* mixedChunks(data: Buffer): AsyncGenerator<Uint8Array> {
  let at = 0;
  const sizes = [100, 70_000, 3, 40_000, 16 << 10, 1 << 20, 512, 0, 300_000];
  for (let i = 0; at < data.length; i++) {
    const n = Math.min(sizes[i % sizes.length], data.length - at);
    const part = data.subarray(at, at + n);
    if (i % 3 === 0) yield Buffer.from(part); // pooled when small, its own memory when large
    else if (i % 3 === 1) yield Uint8Array.prototype.slice.call(part); // owns its whole ArrayBuffer
    else yield part; // a view into the big buffer
    at += n;
  }
}

test('the sink thread and the inline writer write and hash the same bytes, whatever the chunks', async () => {
  const dir = tempDir();
  const data = randomBytes(6 << 20);
  const expected = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  const [off, inline] = await Promise.all([
    sinkStream(path.join(dir, 'off'), mixedChunks(data)),
    writeHashed(path.join(dir, 'inline'), mixedChunks(data)),
  ]);
  assert.deepEqual(off, { digest: expected, size: data.length });
  assert.deepEqual(inline, { digest: expected, size: data.length });
  assert.ok(fs.readFileSync(path.join(dir, 'off')).equals(data));
  assert.ok(fs.readFileSync(path.join(dir, 'inline')).equals(data));
  // Moving a chunk's memory to the sink must not touch the caller's own buffer.
  assert.equal(`sha256:${createHash('sha256').update(data).digest('hex')}`, expected);
});

test('the sink refuses an existing file and passes a failing source on, and keeps working after', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'taken'), 'x');
  await assert.rejects(sinkStream(path.join(dir, 'taken'), mixedChunks(randomBytes(2 << 20))), /EEXIST/);
  async function* broken(): AsyncGenerator<Uint8Array> {
    yield randomBytes(1 << 20);
    throw new Error('connection reset');
  }
  await assert.rejects(sinkStream(path.join(dir, 'broken'), broken()), /connection reset/);
  const again = randomBytes(3 << 20);
  const r = await sinkStream(path.join(dir, 'again'), mixedChunks(again));
  assert.equal(r.size, again.length);
  assert.ok(fs.readFileSync(path.join(dir, 'again')).equals(again));
});

test('a large download into the store goes through the sink and is checked against its digest', async () => {
  const store = await Store.open(tempDir());
  const data = randomBytes(3 << 20);
  const digest = `sha256:${createHash('sha256').update(data).digest('hex')}` as const;
  await assert.rejects(store.writeBlob(mixedChunks(data), `sha256:${'0'.repeat(64)}`, data.length), /does not match its digest/);
  assert.deepEqual(fs.readdirSync(path.join(store.dir, 'ingest')), []);
  assert.deepEqual(await store.writeBlob(mixedChunks(data), digest, data.length), { digest, size: data.length });
  assert.ok((await store.readBlob(digest)).equals(data));
});
