import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { digestHex, jsonBytes } from './digest';
import { Annotation, MediaType, type Descriptor, type Index, type Manifest } from './oci';
import { parseReference } from './reference';
import type { Store, StoreImage } from './store';

/**
 * Writes images as a fresh OCI image layout folder (what `--output type=oci,dest=DIR` gives):
 * the blobs they need, an index naming each by its tag, and the oci-layout marker. Blobs are
 * hard-linked from the store where the filesystem allows, else copied.
 */
export async function writeOciLayout(store: Store, images: StoreImage[], dir: string): Promise<void> {
  const blobs = path.join(dir, 'blobs', 'sha256');
  await fs.mkdir(blobs, { recursive: true });
  const index: Index = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
  const put = async (d: Descriptor) => {
    const target = path.join(blobs, digestHex(d.digest));
    if (await fs.access(target).then(() => true, () => false)) return;
    await fs.link(store.blobPath(d.digest), target).catch(() => fs.copyFile(store.blobPath(d.digest), target));
  };
  for (const image of images) {
    const manifest = await store.readJSON<Manifest>(image.descriptor.digest);
    for (const d of [...manifest.layers, manifest.config, image.descriptor]) await put(d);
    index.manifests.push({
      mediaType: image.descriptor.mediaType,
      digest: image.descriptor.digest,
      size: image.descriptor.size,
      annotations: { [Annotation.containerdName]: image.ref, [Annotation.refName]: parseReference(image.ref).tag ?? 'latest' },
    });
  }
  await fs.writeFile(path.join(dir, 'index.json'), jsonBytes(index));
  await fs.writeFile(path.join(dir, 'oci-layout'), jsonBytes({ imageLayoutVersion: '1.0.0' }));
}
