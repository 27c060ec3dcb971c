import type { Readable } from 'node:stream';
import { layerDecompressor } from './compression';
import * as tar from 'tar-stream';
import { imagePath, type EntryType, type LayerEntry } from './entry';

const ENTRY_TYPE: Record<string, EntryType> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'hardlink',
};

/** A tar member's metadata, content not read. */
export type TarMember = Omit<LayerEntry, 'open'>;

/** Reads a layer tar's member headers in order, skipping content without buffering it. */
export async function* readLayerHeaders(input: Readable, options: { mediaType?: string } = {}): AsyncGenerator<TarMember> {
  const extract = tar.extract();
  const decompress = layerDecompressor(options.mediaType ?? '');
  const source = decompress ? input.pipe(decompress) : input;
  input.on('error', (err) => extract.destroy(err));
  source.on('error', (err) => extract.destroy(err));
  source.pipe(extract as unknown as NodeJS.WritableStream);
  for await (const entry of extract) {
    const h = entry.header;
    yield {
      path: imagePath(h.name),
      type: ENTRY_TYPE[h.type ?? 'file'] ?? 'other',
      mode: (h.mode ?? 0) & 0o7777,
      uid: h.uid ?? 0,
      gid: h.gid ?? 0,
      mtime: Math.floor((h.mtime?.getTime() ?? 0) / 1000),
      size: h.size ?? 0,
      linkTarget: h.linkname ? (h.type === 'link' ? imagePath(h.linkname) : h.linkname) : undefined,
    };
    entry.resume();
  }
}
