import * as fs from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { sha256 } from '../digest';
import { EngineError } from '../../errors';
import type { Descriptor, Digest, Manifest } from '../oci';
import { formatReference, parseReference } from '../reference';
import type { Store } from '../store';
import { acquireLease } from '../store-maintenance';
import { RegistryClient, type RegistryOptions, type RepositoryClient } from './client';
import { gzipManifest } from './compress';
import { RegistryError } from './errors';
import { mapLimit } from './limit';
import { blobSources, rememberSources } from './sources';

export interface PushOptions extends RegistryOptions {
  store: Store;
  /** The store image: a reference or digest the store resolves. */
  source: string;
  /** Where to push; default the source's own name (e.g. localhost:5000/app:1). */
  destination?: string;
  /** Gzip uncompressed layers first (once per layer; the store remembers the result). */
  compress?: boolean;
  /** Blob uploads at once (default 4). */
  concurrency?: number;
  /** Blobs up to this size go in one PUT; larger ones in PATCH chunks of chunkSize. Default 32 MiB each. */
  monolithicMax?: number;
  chunkSize?: number;
  /** More repositories of the destination registry to try mounting blobs from. */
  mountFrom?: string[];
  /** Try cross-repository mounts at all (default true). */
  mount?: boolean;
}

export interface PushResult {
  ref: string;
  digest: Digest;
  mediaType: string;
  size: number;
  blobs: { uploaded: number; existed: number; mounted: number };
  /** Bytes sent. */
  uploaded: number;
  durationMs: number;
}

const DEFAULT_CHUNK = 32 << 20;

/**
 * Pushes a store image: each blob (config and layers, in parallel) unless the registry has it
 * (HEAD), mounted from another repository of the same registry where the store knows one that
 * has it, else uploaded (one PUT, or PATCH chunks for large blobs); then the manifest.
 */
export async function pushImage(options: PushOptions): Promise<PushResult> {
  // The gzip forms of layers are not reachable from any tag: prune must wait.
  const release = await acquireLease(options.store);
  try {
    return await push(options);
  } finally {
    await release();
  }
}

async function push(options: PushOptions): Promise<PushResult> {
  const started = performance.now();
  const { store } = options;
  const image = await store.resolve(options.source);
  const target = parseReference(options.destination ?? image.ref);
  const name = formatReference(target);
  const client = new RegistryClient(target.domain, options);
  const repo = client.repository(target.path);

  let bytes: Buffer = await store.readBlob(image.descriptor.digest);
  let manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
  if (!manifest.config || !Array.isArray(manifest.layers)) throw new EngineError('UNSUPPORTED', `${options.source} is not an image manifest (${image.descriptor.mediaType})`);
  const mediaType = image.descriptor.mediaType;
  if (options.compress) {
    const gz = await gzipManifest(store, manifest, mediaType, { concurrency: options.concurrency, onEvent: options.onEvent });
    if (gz.changed) ({ manifest, bytes } = gz);
  }
  const digest = sha256(bytes);
  if (target.digest && target.digest !== digest) {
    throw new EngineError('USAGE', `cannot push ${options.source} as ${name}: its manifest digest is ${digest}`);
  }

  const seen = new Set<string>();
  const blobs = [{ desc: manifest.config, kind: 'config' as const }, ...manifest.layers.map((desc) => ({ desc, kind: 'layer' as const }))].filter(({ desc }) => !seen.has(desc.digest) && seen.add(desc.digest));
  const counts = { uploaded: 0, existed: 0, mounted: 0 };
  let sent = 0;
  await mapLimit(blobs, options.concurrency ?? 4, async ({ desc, kind }) => {
    const outcome = await pushBlob(store, repo, desc, kind, options);
    counts[outcome.result]++;
    sent += outcome.bytes;
  });

  await repo.putManifest(target.tag ?? digest, bytes, mediaType);
  client.emit({ type: 'manifest', phase: 'pushed', ref: name, digest, size: bytes.length });
  await rememberSources(store, blobs.map((b) => b.desc.digest), { domain: target.domain, repository: target.path });
  return { ref: name, digest, mediaType, size: bytes.length, blobs: counts, uploaded: sent, durationMs: performance.now() - started };
}

async function pushBlob(store: Store, repo: RepositoryClient, desc: Descriptor, kind: 'config' | 'layer', options: PushOptions): Promise<{ result: 'uploaded' | 'existed' | 'mounted'; bytes: number }> {
  const client = repo.client;
  if (await repo.hasBlob(desc.digest, [repo.pushScope])) {
    client.emit({ type: 'blob', phase: 'exists', digest: desc.digest, size: desc.size, kind });
    return { result: 'existed', bytes: 0 };
  }
  const known = (await blobSources(store, desc.digest)).filter((s) => s.domain === client.domain && s.repository !== repo.name).map((s) => s.repository);
  const candidates = options.mount === false ? [] : [...new Set([...known, ...(options.mountFrom ?? [])])].filter((r) => r !== repo.name).slice(0, 3);
  let location: URL | undefined;
  for (const from of candidates) {
    try {
      const r = await repo.mount(desc.digest, from);
      if (r.mounted) {
        client.emit({ type: 'blob', phase: 'mounted', digest: desc.digest, size: desc.size, kind, from });
        return { result: 'mounted', bytes: 0 };
      }
      location = r.location;
      break;
    } catch (e) {
      // No access to the other repository, or it lost the blob: upload instead.
      if (!(e instanceof RegistryError) || !['unauthorized', 'denied', 'not-found'].includes(e.reason)) throw e;
    }
  }
  client.emit({ type: 'blob', phase: 'start', digest: desc.digest, size: desc.size, kind });
  await client.retrying(`upload of ${kind} ${desc.digest}`, true, async (attempt) => {
    const at = attempt === 0 && location ? location : await repo.startUpload(desc.digest);
    await upload(store, repo, desc, at, options);
  });
  client.emit({ type: 'blob', phase: 'done', digest: desc.digest, size: desc.size, kind });
  return { result: 'uploaded', bytes: desc.size };
}

/** Sends a blob in one PUT, or in PATCH chunks when it is larger than monolithicMax. */
async function upload(store: Store, repo: RepositoryClient, desc: Descriptor, location: URL, options: PushOptions): Promise<void> {
  const client = repo.client;
  if (desc.size <= (options.monolithicMax ?? DEFAULT_CHUNK)) {
    const data = await store.readBlob(desc.digest);
    await repo.putBlob(location, desc.digest, data);
    client.emit({ type: 'progress', digest: desc.digest, bytes: desc.size, size: desc.size });
    return;
  }
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  const file = await fs.open(store.blobPath(desc.digest), 'r');
  try {
    let next = location;
    const buffer = Buffer.allocUnsafe(Math.min(chunkSize, desc.size));
    for (let offset = 0; offset < desc.size; ) {
      const { bytesRead } = await file.read(buffer, 0, Math.min(chunkSize, desc.size - offset), offset);
      if (bytesRead === 0) throw new EngineError('STORE', `blob ${desc.digest} in the store is shorter than its ${desc.size} bytes`);
      next = await repo.patchChunk(next, desc.digest, buffer.subarray(0, bytesRead), offset);
      offset += bytesRead;
      client.emit({ type: 'progress', digest: desc.digest, bytes: offset, size: desc.size });
    }
    await repo.finishUpload(next, desc.digest);
  } finally {
    await file.close();
  }
}
