import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { digestHex } from './digest';
import { MediaType, type Descriptor, type Digest, type Index, type Manifest } from './oci';
import type { Store } from './store';

/**
 * A lease says "a process is using this store": prune leaves the store alone while a live
 * process holds one, so a build never loses a layer it wrote but has not tagged yet.
 */
export async function acquireLease(store: Store): Promise<() => Promise<void>> {
  const dir = path.join(store.dir, 'layerwise', 'leases');
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  await fs.writeFile(file, String(process.pid));
  return () => fs.rm(file, { force: true });
}

async function liveLeases(store: Store): Promise<number[]> {
  const dir = path.join(store.dir, 'layerwise', 'leases');
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const live: number[] = [];
  for (const n of names) {
    const pid = Number(n.split('-')[0]);
    try {
      process.kill(pid, 0);
      if (pid !== process.pid) live.push(pid);
    } catch {
      await fs.rm(path.join(dir, n), { force: true });
    }
  }
  return live;
}

/** Every blob an image needs: the manifest (or index and its manifests), configs, layers. */
export async function reachableBlobs(store: Store, roots: Descriptor[]): Promise<{ reachable: Set<Digest>; missing: string[] }> {
  const reachable = new Set<Digest>();
  const missing: string[] = [];
  const visit = async (d: Descriptor, via: string): Promise<void> => {
    if (reachable.has(d.digest)) return;
    reachable.add(d.digest);
    if (!(await store.hasBlob(d.digest))) {
      missing.push(`${via}: ${d.mediaType} ${d.digest} is missing`);
      return;
    }
    if (d.mediaType === MediaType.ociIndex || d.mediaType === MediaType.dockerManifestList) {
      const index = await store.readJSON<Index>(d.digest);
      for (const m of index.manifests ?? []) await visit(m, via);
    } else if (d.mediaType === MediaType.ociManifest || d.mediaType === MediaType.dockerManifest) {
      const manifest = await store.readJSON<Manifest>(d.digest);
      await visit(manifest.config, via);
      for (const l of manifest.layers ?? []) await visit(l, via);
    }
  };
  for (const r of roots) await visit(r, r.annotations?.['org.opencontainers.image.ref.name'] ?? r.digest);
  return { reachable, missing };
}

export interface VerifyReport {
  blobs: number;
  problems: string[];
}

/** Re-hashes every blob against its name and checks that every tagged image is complete. */
export async function verifyStore(store: Store): Promise<VerifyReport> {
  const problems: string[] = [];
  const digests = await store.blobDigests();
  for (const digest of digests) {
    const problem = await rehash(store, digest);
    if (problem) problems.push(problem);
  }
  const images = await store.images();
  const { missing } = await reachableBlobs(store, images.map((i) => i.descriptor));
  problems.push(...missing);
  return { blobs: digests.length, problems };
}

/** Re-hashes the blobs one image needs (manifest, config, layers); returns what is missing or corrupt. */
export async function verifyImage(store: Store, image: Descriptor): Promise<string[]> {
  const { reachable, missing } = await reachableBlobs(store, [image]);
  const problems = [...missing];
  for (const digest of reachable) {
    if (!(await store.hasBlob(digest))) continue;
    const problem = await rehash(store, digest);
    if (problem) problems.push(problem);
  }
  return problems;
}

async function rehash(store: Store, digest: Digest): Promise<string | undefined> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(store.blobPath(digest))) hash.update(chunk as Buffer);
  const actual = `sha256:${hash.digest('hex')}`;
  return actual === digest ? undefined : `blob ${digest} hashes to ${actual}`;
}

export interface PruneReport {
  removed: number;
  freedBytes: number;
  /** Set when a live build holds a lease: nothing was removed. */
  busy?: number[];
}

/**
 * Removes blobs no tagged image needs, and the side data kept for them. Blobs younger than
 * `graceMs` stay (a writer that holds no lease may be about to tag them); nothing is
 * removed while a live process holds a lease.
 */
export async function pruneStore(store: Store, graceMs = 10 * 60_000): Promise<PruneReport> {
  const busy = await liveLeases(store);
  if (busy.length > 0) return { removed: 0, freedBytes: 0, busy };
  const images = await store.images();
  const { reachable } = await reachableBlobs(store, images.map((i) => i.descriptor));
  let removed = 0;
  let freedBytes = 0;
  const now = Date.now();
  for (const digest of await store.blobDigests()) {
    if (reachable.has(digest)) continue;
    const file = store.blobPath(digest);
    const st = await fs.stat(file).catch(() => undefined);
    if (!st || now - st.mtimeMs < graceMs) continue;
    await fs.rm(file, { force: true });
    for (const side of ['members', 'provenance']) await fs.rm(path.join(store.dir, 'layerwise', side, `${digestHex(digest)}.json`), { force: true });
    removed++;
    freedBytes += st.size;
  }
  return { removed, freedBytes };
}
