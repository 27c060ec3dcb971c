import * as fs from 'node:fs/promises';
import { EngineError } from '../../errors';
import type { Descriptor, ImageConfig, Manifest, Platform } from '../../image/oci';
import type { Store } from '../../image/store';
import { readProvenance } from '../provenance';
import { selectManifest } from './select';
import type { ImageSource, SiblingImage, SourceLayer } from './types';

/** An image of the local store, by reference, digest or digest prefix. */
export async function openStoreImage(store: Store, refOrDigest: string, platform?: Platform): Promise<ImageSource> {
  let found;
  try {
    found = await store.resolve(refOrDigest);
  } catch (e) {
    if (e instanceof EngineError && e.code === 'NOT_FOUND') {
      throw new EngineError('NOT_FOUND', `${e.message}; pull or load it first, or name a docker save / OCI archive file or an OCI layout folder`, { cause: e });
    }
    throw e;
  }
  return openStoreManifest(store, found.descriptor, found.ref, platform);
}

/** An image of the store from its descriptor (an index picks the platform's manifest). */
export async function openStoreManifest(store: Store, descriptor: Descriptor, ref?: string, platform?: Platform): Promise<ImageSource> {
  const chosen = await selectManifest(store, descriptor, platform, ref ?? descriptor.digest);
  const manifest = await store.readJSON<Manifest>(chosen.digest);
  const config = await store.readJSON<ImageConfig>(manifest.config.digest);
  const layers: SourceLayer[] = [];
  for (const d of manifest.layers) {
    const file = store.blobPath(d.digest);
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat) throw new EngineError('NOT_FOUND', `layer ${d.digest} of ${ref ?? chosen.digest} is not in the store ${store.dir}`);
    layers.push({ descriptor: d, location: { file, offset: 0, length: stat.size } });
  }
  return {
    kind: 'store',
    location: store.dir,
    ref,
    digest: chosen.digest,
    manifest,
    config,
    layers,
    provenance: await readProvenance(store, chosen.digest),
    async siblings() {
      const out: SiblingImage[] = [];
      for (const image of await store.images()) {
        if (image.descriptor.digest === descriptor.digest) continue;
        try {
          const d = await selectManifest(store, image.descriptor, platform, image.ref);
          const m = await store.readJSON<Manifest>(d.digest);
          const c = await store.readJSON<ImageConfig>(m.config.digest);
          out.push({ ref: image.ref, digest: d.digest, diffIds: c.rootfs?.diff_ids ?? [] });
        } catch {
          // Incomplete or foreign entries are no base.
        }
      }
      return out;
    },
    async close() {},
  };
}
