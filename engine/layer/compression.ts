import { createGunzip } from 'node:zlib';
import type { Transform } from 'node:stream';
import { EngineError } from '../errors';

/**
 * The decompressor a layer's media type needs (undefined for plain tar). zstd is refused with
 * a message saying what to do: Node 20 has no zstd decompressor, so such layers can be
 * stored, pulled and pushed but not read.
 */
export function layerDecompressor(mediaType: string): Transform | undefined {
  if (/\+zstd$|\.zstd$/.test(mediaType)) {
    throw new EngineError(
      'UNSUPPORTED',
      `a layer is zstd-compressed (${mediaType}); Node 20 has no zstd decompressor, so Layerwise can store, pull and push this image but not read its files. Pull a gzip variant, or recompress it (skopeo copy --dest-compress-format gzip)`,
    );
  }
  if (/gzip$/.test(mediaType)) return createGunzip();
  return undefined;
}
