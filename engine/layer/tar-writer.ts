import { createReadStream, readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { comparePaths, tarName, type LayerEntry } from './entry';

const SMALL_FILE = 1 << 20;
const YIELD_MS = 8;
const EMPTY = Buffer.alloc(0);

const TAR_TYPE = { file: 'file', directory: 'directory', symlink: 'symlink', hardlink: 'link', other: 'file' } as const;

/**
 * Writes entries as a reproducible tar: sorted by path, owner names left empty, times as
 * given (the caller clamps them to SOURCE_DATE_EPOCH). Returns the tar as a stream; a
 * failure to read a source file fails the stream.
 */
export function writeLayerTar(entries: LayerEntry[]): AsyncIterable<Uint8Array> {
  const pack = tar.pack();
  const sorted = [...entries].sort((a, b) => comparePaths(a.path, b.path));
  void (async () => {
    let slice = performance.now();
    for (const e of sorted) {
      // Synchronous reads are several times cheaper than async ones for small files; yielding
      // every few milliseconds keeps the event loop (the language server) responsive.
      if (performance.now() - slice > YIELD_MS) {
        await new Promise((r) => setImmediate(r));
        slice = performance.now();
      }
      const header: Partial<tar.Header> & { name: string } = {
        name: tarName(e),
        type: TAR_TYPE[e.type],
        mode: e.mode,
        uid: e.uid,
        gid: e.gid,
        uname: '',
        gname: '',
        mtime: new Date(e.mtime * 1000),
        size: e.type === 'file' ? e.size : 0,
      };
      // Hard link targets are member names (relative); symlink targets are kept as written.
      if (e.linkTarget !== undefined) header.linkname = e.type === 'hardlink' ? e.linkTarget.replace(/^\/+/, '') : e.linkTarget;
      if (e.type === 'file' && e.size > 0 && (e.data || e.size <= SMALL_FILE) && (e.data || e.sourcePath)) {
        const buffer = e.data ?? readFileSync(e.sourcePath!);
        if (buffer.length !== e.size) throw new Error(`${e.path} changed size while the layer was written (${e.size} -> ${buffer.length} bytes)`);
        await new Promise<void>((resolve, reject) => pack.entry(header, buffer, (err?: Error | null) => (err ? reject(err) : resolve())));
      } else if (e.type === 'file' && e.size > 0 && e.sourcePath) {
        await pipeline(createReadStream(e.sourcePath), pack.entry(header));
      } else {
        // An empty buffer ends the entry at once; without one, tar-stream waits for data.
        await new Promise<void>((resolve, reject) => pack.entry(header, EMPTY, (err?: Error | null) => (err ? reject(err) : resolve())));
      }
    }
    pack.finalize();
  })().catch((err: Error) => pack.destroy(err));
  // streamx streams are async iterable; Node's stream helpers accept them as such.
  return pack as unknown as AsyncIterable<Uint8Array>;
}
