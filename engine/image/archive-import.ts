import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createGunzip } from 'node:zlib';
import { EngineError } from '../errors';
import { applyLayer } from '../layer/apply';
import { digestHex, isDigest } from './digest';
import { Annotation, MediaType, type Descriptor, type Digest, type ImageConfig, type Index, type Manifest } from './oci';
import { normalizeReference } from './reference';
import { hostArchitecture } from './platform';
import type { Store, StoreImage } from './store';

interface DockerArchiveEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/**
 * Imports images into the store from `docker save` output (the legacy layout and Docker 25+'s
 * OCI-in-tar), an oci-archive tar, or an OCI layout folder. Every blob is verified against its
 * digest (and layers against the config's diff_ids) before it is kept; the archive is unpacked
 * with the same containment as a layer, so a hostile archive cannot write outside the work
 * folder.
 */
export async function importImages(store: Store, source: string, tagOverride?: string): Promise<StoreImage[]> {
  const st = await fs.stat(source).catch(() => undefined);
  if (!st) throw new EngineError('NOT_FOUND', `${source} does not exist`);
  if (st.isDirectory()) return importFolder(store, source, tagOverride);
  const work = path.join(store.dir, 'layerwise', 'work', `import-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    const gz = await isGzip(source);
    await applyLayer(work, gz ? createReadStream(source).pipe(createGunzip()) : createReadStream(source));
    return await importFolder(store, work, tagOverride);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    await handle.read(buf, 0, 2, 0);
    return buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(() => true, () => false);
}

async function importFolder(store: Store, dir: string, tagOverride: string | undefined): Promise<StoreImage[]> {
  // Docker 25+ writes both: the OCI index keeps the original manifest digests, so it wins.
  if (await exists(path.join(dir, 'index.json'))) return importOciLayout(store, dir, tagOverride);
  if (await exists(path.join(dir, 'manifest.json'))) return importDockerArchive(store, dir, tagOverride);
  throw new EngineError('UNSUPPORTED', `${dir} is neither an OCI layout (index.json) nor a docker save archive (manifest.json)`);
}

/** Copies one blob of a layout into the store, refusing it unless it hashes to its digest. */
async function copyBlob(store: Store, dir: string, d: Descriptor): Promise<void> {
  if (!isDigest(d.digest)) throw new EngineError('UNSUPPORTED', `unsupported digest ${d.digest}`);
  if (await store.hasBlob(d.digest)) return;
  const file = path.join(dir, 'blobs', 'sha256', digestHex(d.digest));
  if (!(await exists(file))) throw new EngineError('NOT_FOUND', `the archive lacks blob ${d.digest}`);
  await store.writeBlob(createReadStream(file), d.digest, d.size);
}

async function importOciLayout(store: Store, dir: string, tagOverride: string | undefined): Promise<StoreImage[]> {
  const index = JSON.parse(await fs.readFile(path.join(dir, 'index.json'), 'utf8')) as Index;
  const out: StoreImage[] = [];
  for (const top of index.manifests ?? []) {
    const manifests = await imageManifests(store, dir, top);
    for (const m of manifests) {
      const name = tagOverride ?? refName(top);
      const ref = name ? await store.tag(name, m) : `${m.digest}`;
      out.push({ ref, descriptor: m });
    }
  }
  return out;
}

// An image manifest, or for an index the manifests of its platforms, with all their blobs copied.
async function imageManifests(store: Store, dir: string, d: Descriptor): Promise<Descriptor[]> {
  await copyBlob(store, dir, d);
  if (d.mediaType === MediaType.ociIndex || d.mediaType === MediaType.dockerManifestList) {
    // A multi-platform image: keep the host's platform (attestations are not images).
    const index = await store.readJSON<Index>(d.digest);
    const images = (index.manifests ?? []).filter((m) => m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest' && m.platform?.os !== 'unknown');
    const arch = hostArchitecture();
    const pick = images.find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch) ?? images.find((m) => !m.platform) ?? images[0];
    if (!pick) throw new EngineError('NOT_FOUND', `image index ${d.digest} has no image for linux/${arch}`);
    return imageManifests(store, dir, pick);
  }
  const manifest = await store.readJSON<Manifest>(d.digest);
  await copyBlob(store, dir, manifest.config);
  for (const l of manifest.layers) await copyBlob(store, dir, l);
  return [d];
}

// The full name when the layout records one (containerd's annotation, or a ref.name that is a reference).
function refName(d: Descriptor): string | undefined {
  const full = d.annotations?.[Annotation.containerdName];
  if (full) return full;
  const name = d.annotations?.[Annotation.refName];
  return name && /[/:]/.test(name) ? name : undefined;
}

async function importDockerArchive(store: Store, dir: string, tagOverride: string | undefined): Promise<StoreImage[]> {
  const entries = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as DockerArchiveEntry[];
  const out: StoreImage[] = [];
  for (const entry of entries) {
    const configBytes = await fs.readFile(path.join(dir, entry.Config));
    const config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
    const configDesc = { mediaType: MediaType.dockerConfig, ...(await store.writeBlob(configBytes)) };
    const layers: Descriptor[] = [];
    for (const [i, rel] of entry.Layers.entries()) {
      const file = path.join(dir, rel);
      const gz = await isGzip(file);
      const diffId = await sha256File(file, gz);
      const expected = config.rootfs?.diff_ids?.[i];
      if (expected && expected !== diffId) throw new EngineError('STORE', `layer ${i} (${rel}) does not match the image's diff_id: expected ${expected}, got ${diffId}`);
      const { digest, size } = await store.writeBlob(createReadStream(file));
      layers.push({ mediaType: gz ? MediaType.dockerLayerGzip : 'application/vnd.docker.image.rootfs.diff.tar', digest, size });
    }
    const manifest: Manifest = { schemaVersion: 2, mediaType: MediaType.dockerManifest, config: configDesc, layers };
    const mDesc = await store.writeJSON(manifest, MediaType.dockerManifest);
    const tags = tagOverride ? [tagOverride] : (entry.RepoTags ?? []);
    if (tags.length === 0) out.push({ ref: mDesc.digest, descriptor: mDesc });
    for (const t of tags) out.push({ ref: await store.tag(normalizeReference(t), mDesc), descriptor: mDesc });
  }
  return out;
}

async function sha256File(file: string, gzip: boolean): Promise<Digest> {
  const hash = createHash('sha256');
  const stream = gzip ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
