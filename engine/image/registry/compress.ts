import { layerDecompressor } from '../../layer/compression';
import { createGzip } from 'node:zlib';
import { jsonBytes } from '../digest';
import { MediaType, type Descriptor, type Digest, type Manifest } from '../oci';
import type { Store } from '../store';
import type { EventSink } from './events';
import { mapLimit } from './limit';

const UNCOMPRESSED_DOCKER = 'application/vnd.docker.image.rootfs.diff.tar';

/** What the store remembers of a layer's gzip form (sidecar `gzip/<uncompressed digest>.json`). */
interface GzipRecord {
  digest: Digest;
  size: number;
  level: number;
}

/** Whether a layer is an uncompressed tar that --compress would gzip. */
export function isUncompressedLayer(mediaType: string): boolean {
  return mediaType === MediaType.ociLayer || mediaType === UNCOMPRESSED_DOCKER;
}

/**
 * The gzip form of an uncompressed layer, made once: the compressed blob goes into the store and
 * its digest is remembered beside the uncompressed one, so later pushes reuse it.
 */
export async function gzipLayer(store: Store, layer: Descriptor, options: { level?: number; mediaType?: string; onEvent?: EventSink } = {}): Promise<Descriptor> {
  const level = options.level ?? 6;
  const mediaType = options.mediaType ?? MediaType.ociLayerGzip;
  const known = await store.readSidecar<GzipRecord>('gzip', layer.digest).catch(() => undefined);
  if (known && (await store.hasBlob(known.digest))) {
    options.onEvent?.({ type: 'compress', phase: 'cached', digest: layer.digest, size: layer.size, compressed: known.digest, compressedSize: known.size });
    return { ...layer, mediaType, digest: known.digest, size: known.size };
  }
  options.onEvent?.({ type: 'compress', phase: 'start', digest: layer.digest, size: layer.size });
  const gzip = createGzip({ level });
  const source = store.openBlob(layer.digest);
  source.on('error', (e) => gzip.destroy(e));
  source.pipe(gzip);
  const { digest, size } = await store.writeBlob(gzip);
  await store.writeSidecar('gzip', layer.digest, { digest, size, level } satisfies GzipRecord);
  options.onEvent?.({ type: 'compress', phase: 'done', digest: layer.digest, size: layer.size, compressed: digest, compressedSize: size });
  return { ...layer, mediaType, digest, size };
}

/**
 * The manifest with its uncompressed layers replaced by gzip ones (compressed in parallel; the
 * config is unchanged: its diff_ids are the uncompressed digests). Returns its JSON bytes.
 */
export async function gzipManifest(store: Store, manifest: Manifest, manifestMediaType: string, options: { concurrency?: number; level?: number; onEvent?: EventSink } = {}): Promise<{ manifest: Manifest; bytes: Buffer; changed: boolean }> {
  const docker = manifestMediaType === MediaType.dockerManifest;
  let changed = false;
  const layers = await mapLimit(manifest.layers, options.concurrency ?? 4, async (layer) => {
    if (!isUncompressedLayer(layer.mediaType)) return layer;
    changed = true;
    return gzipLayer(store, layer, { level: options.level, mediaType: docker ? MediaType.dockerLayerGzip : MediaType.ociLayerGzip, onEvent: options.onEvent });
  });
  const out: Manifest = { ...manifest, layers };
  return { manifest: out, bytes: jsonBytes(out), changed };
}

/**
 * The stream that turns a stored layer back into a tar: none for tar, gunzip for gzip. zstd
 * layers are pulled and pushed as they are, but Node 20 has no zstd decoder: reading their files
 * (a build on them, inspect) fails here with a message that says so.
 */
export { layerDecompressor };
