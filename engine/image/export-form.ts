import { gzipManifest } from './registry/compress';
import type { Store, StoreImage } from './store';

/** How layers leave the store: gzip (the default of push and --output, as with BuildKit) or as stored. */
export type ExportCompression = 'gzip' | 'uncompressed';

/** Parses a `compression=` value (BuildKit's spelling; `none` is accepted for uncompressed). */
export function parseExportCompression(value: string | undefined, what: string): ExportCompression {
  if (value === undefined || value === 'gzip') return 'gzip';
  if (value === 'uncompressed' || value === 'none') return 'uncompressed';
  throw new Error(`${what}: compression must be gzip or uncompressed, not "${value}"`);
}

/**
 * The image as it is exported: with gzip, its uncompressed layers are compressed in parallel (once
 * per layer; the store remembers them) and the new manifest is stored beside the original, so
 * archive and layout writers take it like any stored image. The config, hence the image ID, is
 * unchanged; the manifest digest is the exported one.
 */
export async function exportForm(store: Store, image: StoreImage, compression: ExportCompression): Promise<StoreImage> {
  if (compression === 'uncompressed') return image;
  const manifest = await store.readJSON<Parameters<typeof gzipManifest>[1]>(image.descriptor.digest);
  const gz = await gzipManifest(store, manifest, image.descriptor.mediaType);
  if (!gz.changed) return image;
  const { digest, size } = await store.writeBlob(gz.bytes);
  return { ref: image.ref, descriptor: { mediaType: image.descriptor.mediaType, digest, size } };
}
