import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { EngineError } from '../../errors';
import { applyLayer } from '../../layer/apply';
import { findHostBinary } from '../run/host-binaries';

export type ArchiveKind = 'tar' | 'gzip' | 'bzip2' | 'xz';

/**
 * What kind of tar archive a local ADD source is, judged by content as Docker does (not by
 * name), or undefined for any other file (which ADD copies as is).
 */
export function archiveKind(file: string): ArchiveKind | undefined {
  const head = Buffer.alloc(512);
  const fd = fs.openSync(file, 'r');
  let n = 0;
  try {
    n = fs.readSync(fd, head, 0, 512, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (n >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (n >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (n >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}

/**
 * Unpacks a local archive into `dir` with the same safety as a layer (nothing lands outside
 * `dir`). gzip is decompressed in process; bzip2 and xz through the host's bzip2/xz.
 */
export async function extractArchive(file: string, kind: ArchiveKind, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const raw = fs.createReadStream(file);
  if (kind === 'tar' || kind === 'gzip') {
    await applyLayer(dir, kind === 'gzip' ? raw.pipe(createGunzip()) : raw);
    return;
  }
  const tool = kind === 'bzip2' ? 'bzip2' : 'xz';
  const binary = findHostBinary(tool);
  if (!binary) throw new EngineError('UNSUPPORTED', `ADD of a ${kind} archive needs ${tool} on this machine (apt-get install ${tool === 'xz' ? 'xz-utils' : 'bzip2'})`);
  const child = spawn(binary, ['-dc'], { stdio: [fs.openSync(file, 'r'), 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  await applyLayer(dir, child.stdout!);
  if ((await exited) !== 0) throw new EngineError('BUILD', `${tool} could not decompress ${path.basename(file)}: ${stderr.trim()}`);
}

export interface Download {
  file: string;
  /** Seconds since the epoch, from Last-Modified when the server sends it. */
  mtime: number | undefined;
  sha256: string;
}

/**
 * Downloads an ADD URL into `dir`, verifying `--checksum=sha256:...` when given; the file is
 * named after the URL's last path segment, as Docker names it.
 */
export async function downloadUrl(url: string, dir: string, checksum: string | undefined, signal?: AbortSignal): Promise<Download> {
  if (checksum && !/^sha256:[0-9a-f]{64}$/.test(checksum)) throw new EngineError('USAGE', `--checksum must be sha256:<64 hex digits>, not ${checksum}`);
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: 'follow' });
  } catch (e) {
    throw new EngineError('BUILD', `cannot download ${url}: ${(e as Error).message}`, { cause: e });
  }
  if (!response.ok || !response.body) throw new EngineError('BUILD', `cannot download ${url}: HTTP ${response.status} ${response.statusText}`);
  fs.mkdirSync(dir, { recursive: true });
  const name = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '') || 'download';
  const file = path.join(dir, name);
  const hash = createHash('sha256');
  const out = fs.createWriteStream(file, { mode: 0o600 });
  for await (const chunk of Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>)) {
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const sha256 = hash.digest('hex');
  if (checksum && checksum !== `sha256:${sha256}`) {
    fs.rmSync(file, { force: true });
    throw new EngineError('BUILD', `digest mismatch for ${url}: expected ${checksum}, got sha256:${sha256}`);
  }
  const lastModified = response.headers.get('last-modified');
  const mtime = lastModified ? Math.floor(Date.parse(lastModified) / 1000) : undefined;
  return { file, mtime: Number.isFinite(mtime) ? mtime : undefined, sha256 };
}
