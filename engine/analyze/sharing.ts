import * as fs from 'node:fs/promises';
import type { Descriptor, Digest, Manifest } from '../image/oci';
import type { Store } from '../image/store';
import { selectManifest } from './sources/select';

/** An image as the sharing figures see it: its name, identity and layer blobs. */
export interface ImageLayers {
  ref: string;
  digest: Digest;
  layers: Descriptor[];
}

/** One image's bytes: those only it needs, and those it shares with other images. */
export interface ImageSharing {
  ref: string;
  digest: Digest;
  layers: number;
  /** Sum of its layer blobs (what `docker images` calls its size). */
  size: number;
  /** Bytes of layers no other image has. */
  uniqueBytes: number;
  /** Bytes of layers at least one other image has too. */
  sharedBytes: number;
  /** The other images it shares a layer with. */
  sharedWith: string[];
}

/** The store as a whole: what images add up to, and what the disk holds. */
export interface StoreSharing {
  /** Sum of the images' sizes, as if nothing were shared (tags of one image counted once). */
  imageBytes: number;
  /** Their layers with every blob counted once: what the layers take on disk. */
  layerBytes: number;
  /** imageBytes - layerBytes: what sharing saves. */
  savedBytes: number;
  /** Every blob file in the store: layers, configs, manifests, and blobs no tag needs (prune frees those). */
  blobBytes: number;
  blobs: number;
}

/**
 * Per image, the bytes unique to it and those shared with other images (a layer counts as
 * shared when another image has the same blob digest), and the totals. Tags of the same image
 * are one image: they share nothing with each other.
 */
export function layerSharing(images: ImageLayers[]): { images: ImageSharing[]; imageBytes: number; layerBytes: number } {
  const owners = new Map<Digest, Set<Digest>>();
  const sizes = new Map<Digest, number>();
  const names = new Map<Digest, string>();
  for (const img of images) {
    if (!names.has(img.digest)) names.set(img.digest, img.ref);
    for (const l of img.layers) {
      sizes.set(l.digest, l.size);
      let set = owners.get(l.digest);
      if (!set) owners.set(l.digest, (set = new Set()));
      set.add(img.digest);
    }
  }
  const rows = images.map((img): ImageSharing => {
    let uniqueBytes = 0;
    let sharedBytes = 0;
    const others = new Set<Digest>();
    // A layer listed twice in one image is stored once.
    for (const digest of new Set(img.layers.map((l) => l.digest))) {
      const holders = owners.get(digest)!;
      if (holders.size > 1) {
        sharedBytes += sizes.get(digest)!;
        for (const h of holders) if (h !== img.digest) others.add(h);
      } else uniqueBytes += sizes.get(digest)!;
    }
    return {
      ref: img.ref,
      digest: img.digest,
      layers: img.layers.length,
      size: img.layers.reduce((n, l) => n + l.size, 0),
      uniqueBytes,
      sharedBytes,
      sharedWith: [...others].map((d) => names.get(d)!),
    };
  });
  const distinct = new Map(rows.map((r) => [r.digest, r.size]));
  return {
    images: rows,
    imageBytes: [...distinct.values()].reduce((a, b) => a + b, 0),
    layerBytes: [...sizes.values()].reduce((a, b) => a + b, 0),
  };
}

/** The sharing figures of every tagged image of the store (an index counts as its host-platform image), and the blobs on disk. */
export async function storeSharing(store: Store): Promise<{ images: ImageSharing[]; store: StoreSharing }> {
  const images: ImageLayers[] = [];
  for (const img of await store.images()) {
    const chosen = await selectManifest(store, img.descriptor, undefined, img.ref);
    const manifest = await store.readJSON<Manifest>(chosen.digest);
    images.push({ ref: img.ref, digest: chosen.digest, layers: manifest.layers });
  }
  const shared = layerSharing(images);
  let blobBytes = 0;
  const digests = await store.blobDigests();
  for (const d of digests) blobBytes += (await fs.stat(store.blobPath(d)).catch(() => ({ size: 0 }))).size;
  return {
    images: shared.images,
    store: { imageBytes: shared.imageBytes, layerBytes: shared.layerBytes, savedBytes: shared.imageBytes - shared.layerBytes, blobBytes, blobs: digests.length },
  };
}
