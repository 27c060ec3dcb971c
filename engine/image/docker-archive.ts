import { createReadStream, createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { digestHex, jsonBytes } from './digest';
import { Annotation, MediaType, type Descriptor, type Index, type Manifest } from './oci';
import { familiarReference, parseReference } from './reference';
import type { Store, StoreImage } from './store';

/** One image of `docker save`'s manifest.json. */
export interface DockerArchiveEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

/**
 * Writes images as Docker 25+ writes `docker save`: blobs under blobs/sha256, a manifest.json
 * for `docker load` (any Docker version), and index.json + oci-layout so the same file is also
 * an OCI archive for skopeo and podman.
 */
export async function saveDockerArchive(store: Store, images: StoreImage[], file: string): Promise<void> {
  const pack = tar.pack();
  const done = pipeline(pack as unknown as NodeJS.ReadableStream, createWriteStream(file));
  const written = new Set<string>();
  const entries: DockerArchiveEntry[] = [];
  const index: Index = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
  const addBlob = async (d: Descriptor) => {
    if (written.has(d.digest)) return;
    written.add(d.digest);
    await addFile(pack, blobName(d), store.blobPath(d.digest), d.size);
  };
  try {
    await addDir(pack, 'blobs/');
    await addDir(pack, 'blobs/sha256/');
    for (const image of images) {
      const manifest = await store.readJSON<Manifest>(image.descriptor.digest);
      for (const d of [...manifest.layers, manifest.config, image.descriptor]) await addBlob(d);
      const tag = familiarReference(parseReference(image.ref));
      entries.push({ Config: blobName(manifest.config), RepoTags: [tag], Layers: manifest.layers.map(blobName) });
      index.manifests.push({
        mediaType: image.descriptor.mediaType,
        digest: image.descriptor.digest,
        size: image.descriptor.size,
        annotations: { [Annotation.containerdName]: image.ref, [Annotation.refName]: parseReference(image.ref).tag ?? 'latest' },
      });
    }
    await addBuffer(pack, 'index.json', jsonBytes(index));
    await addBuffer(pack, 'manifest.json', jsonBytes(entries));
    await addBuffer(pack, 'oci-layout', jsonBytes({ imageLayoutVersion: '1.0.0' }));
    pack.finalize();
  } catch (e) {
    pack.destroy(e as Error);
    await done.catch(() => undefined);
    await fs.rm(file, { force: true });
    throw e;
  }
  await done;
}

const blobName = (d: Descriptor) => `blobs/sha256/${digestHex(d.digest)}`;

// Fixed headers: the archive of the same images is the same bytes every time.
const FIXED = { mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', mtime: new Date(0) };

function addDir(pack: tar.Pack, name: string): Promise<void> {
  return new Promise((resolve, reject) => pack.entry({ ...FIXED, name, type: 'directory', mode: 0o755 }, (err?: Error | null) => (err ? reject(err) : resolve())));
}

function addBuffer(pack: tar.Pack, name: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => pack.entry({ ...FIXED, name }, data, (err?: Error | null) => (err ? reject(err) : resolve())));
}

async function addFile(pack: tar.Pack, name: string, file: string, size: number): Promise<void> {
  await pipeline(createReadStream(file), pack.entry({ ...FIXED, name, size }) as unknown as NodeJS.WritableStream);
}
