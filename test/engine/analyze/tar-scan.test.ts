import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { cleanPath, scanLayer, TarParser } from '../../../engine/analyze/tar-scan';
import { tempDir } from '../../helpers/fixtures';
import { hasCommand } from '../../helpers/tools';
import { layerTar } from './images';

const LONG = `${'deep/'.repeat(30)}name-${'x'.repeat(120)}.txt`;

function fixtureTree(): string {
  const dir = tempDir('layerwise-scan-');
  fs.mkdirSync(path.join(dir, path.dirname(LONG)), { recursive: true });
  fs.writeFileSync(path.join(dir, LONG), 'long\n');
  fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(300_000, 7));
  fs.writeFileSync(path.join(dir, 'ünïcödé.txt'), 'u');
  fs.symlinkSync(`../${'t'.repeat(150)}`, path.join(dir, 'longlink'));
  fs.linkSync(path.join(dir, 'big.bin'), path.join(dir, 'hard.bin'));
  return dir;
}

async function scanBytes(bytes: Buffer, digests = false) {
  const file = path.join(tempDir(), 'layer');
  fs.writeFileSync(file, bytes);
  return scanLayer({ file, offset: 0, length: bytes.length }, { digests });
}

for (const format of ['gnu', 'pax', 'ustar'] as const) {
  test(`GNU tar --format=${format}: names, links and sizes read back`, async (t) => {
    if (!hasCommand('tar')) return t.skip('GNU tar is not installed');
    const dir = fixtureTree();
    const file = path.join(tempDir(), `${format}.tar`);
    const names = format === 'ustar' ? ['big.bin', 'hard.bin'] : ['.'];
    execFileSync('tar', ['--format', format, '--owner=0', '--group=0', '-cf', file, '-C', dir, ...names]);
    const bytes = fs.readFileSync(file);
    const scan = await scanBytes(bytes, true);
    const byPath = new Map(scan.members.map((m) => [m.path, m]));
    const hard = [byPath.get('/big.bin'), byPath.get('/hard.bin')].find((m) => m?.type === 'hardlink')!;
    assert.ok(['/big.bin', '/hard.bin'].includes(hard.linkTarget!));
    assert.equal(hard.size, 0);
    const file2 = [byPath.get('/big.bin'), byPath.get('/hard.bin')].find((m) => m?.type === 'file')!;
    assert.equal(file2.size, 300_000);
    assert.equal(file2.digest, `sha256:${createHash('sha256').update(Buffer.alloc(300_000, 7)).digest('hex')}`);
    if (format !== 'ustar') {
      assert.equal(byPath.get(`/${LONG}`)?.size, 5);
      assert.equal(byPath.get('/longlink')?.linkTarget, `../${'t'.repeat(150)}`);
      assert.equal(byPath.get('/ünïcödé.txt')?.size, 1);
      assert.equal(byPath.get('/')?.type, 'directory');
    }
    assert.equal(scan.size, bytes.length);
    assert.equal(scan.compression, 'none');
    // Without digests, headers are read one small read at a time: the same members, no digests.
    const headersOnly = await scanBytes(bytes, false);
    assert.deepEqual(headersOnly.members, scan.members.map((m) => ({ ...m, digest: undefined })));
    assert.equal(headersOnly.size, bytes.length);
    // The same members whatever the chunking (headers split across pushes), and gzip streams.
    const parser = new TarParser(true);
    for (let i = 0; i < bytes.length; i += 37) parser.push(bytes.subarray(i, i + 37));
    parser.finish();
    assert.deepEqual(parser.members, scan.members);
    const gz = await scanBytes(zlib.gzipSync(bytes), true);
    assert.deepEqual(gz.members, scan.members);
    assert.equal(gz.compression, 'gzip');
    assert.equal(gz.size, bytes.length);
  });
}

test('base-256 sizes and ids, and seeking over big contents without reading them', async () => {
  const tar = await layerTar([{ file: '/a', data: Buffer.alloc(1 << 20, 1) }, { file: '/b', data: 'b' }]);
  // Rewrite /a's size and uid in GNU base-256 form, fixing the checksum.
  const h = Buffer.from(tar.subarray(0, 512));
  h.fill(0, 124, 136);
  h[124] = 0x80;
  h.writeUIntBE(1 << 20, 130, 6);
  h.fill(0, 108, 116);
  h[108] = 0x80;
  h.writeUIntBE(70000, 113, 3);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of h) sum += x;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  const bytes = Buffer.concat([h, tar.subarray(512)]);
  const scan = await scanBytes(bytes);
  assert.deepEqual(scan.members.map((m) => [m.path, m.size, m.uid]), [['/a', 1 << 20, 70000], ['/b', 1, 0]]);
});

test('not a tar, and a truncated tar, fail with a clear error', async () => {
  await assert.rejects(scanBytes(Buffer.alloc(2048, 0x41)), /not a tar archive: bad header checksum/);
  const tar = await layerTar([{ file: '/a', data: Buffer.alloc(5000, 1) }]);
  await assert.rejects(scanBytes(tar.subarray(0, 3000)), /truncated/);
  await assert.rejects(scanBytes(zlib.gzipSync(tar).subarray(0, 40)), /cannot decompress|truncated/);
  // An empty layer (just the end blocks) is fine.
  assert.deepEqual((await scanBytes(Buffer.alloc(1024))).members, []);
});

test('member names become clean absolute paths; .. cannot climb out', () => {
  assert.equal(cleanPath('./a/b/'), '/a/b');
  assert.equal(cleanPath('a//b/./c'), '/a/b/c');
  assert.equal(cleanPath('../../etc/passwd'), '/etc/passwd');
  assert.equal(cleanPath('./'), '/');
  assert.equal(cleanPath('.wh.x'), '/.wh.x');
});
