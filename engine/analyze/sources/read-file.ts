import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import { EngineError, throwIfAborted } from '../../errors';
import { imagePath } from '../../layer/entry';
import { sniffCompression } from '../tar-scan';
import type { BlobLocation } from './types';

/** One path as a layer stores it: its tar type, size and, for small regular files, the bytes. */
export interface LayerFile {
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';
  size: number;
  linkTarget?: string;
  /** Present for regular files up to the size limit. */
  content?: Buffer;
}

/**
 * Finds `file` in a layer wherever it lies (a store blob or a member of an archive, plain or
 * gzip), streaming the tar until the member shows up. Undefined when the layer lacks it.
 */
export async function readLayerFile(location: BlobLocation, file: string, maxBytes: number, signal?: AbortSignal): Promise<LayerFile | undefined> {
  const input = await openDecompressed(location);
  const extract = tar.extract();
  input.on('error', (e) => extract.destroy(e));
  input.pipe(extract as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of extract) {
      throwIfAborted(signal);
      const h = entry.header;
      if (imagePath(h.name) !== file) {
        entry.resume();
        continue;
      }
      const size = h.size ?? 0;
      const type = h.type === 'file' || h.type === 'contiguous-file' ? 'file' : h.type === 'directory' || h.type === 'symlink' ? h.type : h.type === 'link' ? 'hardlink' : 'other';
      if (type !== 'file' || size > maxBytes) {
        entry.resume();
        return { type, size, linkTarget: h.linkname ?? undefined };
      }
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      return { type, size, content: Buffer.concat(chunks) };
    }
    return undefined;
  } finally {
    input.destroy();
    extract.destroy();
  }
}

async function openDecompressed(location: BlobLocation): Promise<Readable> {
  const handle = await fs.open(location.file, 'r');
  const head = Buffer.alloc(Math.min(4, location.length));
  try {
    await handle.read(head, 0, head.length, location.offset);
  } finally {
    await handle.close();
  }
  const raw = createReadStream(location.file, { start: location.offset, end: location.offset + location.length - 1 });
  const compression = sniffCompression(head);
  if (compression === 'none') return raw;
  if (compression === 'zstd') {
    raw.destroy();
    throw new EngineError('UNSUPPORTED', 'reading files from zstd-compressed layers is not supported');
  }
  const gunzip = zlib.createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}
