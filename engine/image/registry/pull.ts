import { performance } from 'node:perf_hooks';
import { EngineError } from '../../errors';
import { MediaType, type Descriptor, type Digest, type ImageConfig, type Index, type Manifest, type Platform } from '../oci';
import { familiarReference, formatReference, parseReference } from '../reference';
import type { Store } from '../store';
import { acquireLease } from '../store-maintenance';
import { RegistryClient, type RegistryOptions, type RepositoryClient } from './client';
import { RegistryError } from './errors';
import { mapLimit } from './limit';
import { formatPlatform, hostPlatform, normalizePlatform, parsePlatform, platformsOf, selectManifest } from './platform';
import { rememberSources } from './sources';

export interface PullOptions extends RegistryOptions {
  store: Store;
  /** What to pull: busybox, ghcr.io/o/r:tag, localhost:5000/x@sha256:... */
  ref: string;
  /** The platform to choose from an index: `linux/arm64`, or a Platform; default the host's. */
  platform?: string | Platform;
  /** Blob downloads at once (default 4). */
  concurrency?: number;
  /** Tag the image in the store under `ref` (default true). */
  tag?: boolean;
}

export interface PullResult {
  /** The name the image is tagged with in the store (normalized). */
  ref: string;
  /** The image manifest, as tagged. */
  manifest: Descriptor;
  /** The index the manifest was chosen from, when the reference named one (stored too). */
  index?: Descriptor;
  platform: Platform;
  layers: number;
  /** Bytes of the layers (as stored, compressed or not). */
  size: number;
  /** Bytes fetched from the registry (blobs already in the store are not fetched again). */
  downloaded: number;
  durationMs: number;
}

const IMAGE_CONFIGS: string[] = [MediaType.ociConfig, MediaType.dockerConfig];
const INDEXES: string[] = [MediaType.ociIndex, MediaType.dockerManifestList];

/** Downloads in progress in this process, by store and digest, so concurrent pulls share them. */
const inflight = new Map<string, Promise<number>>();

/**
 * Pulls an image into the store: the manifest (choosing the platform's from an index, without
 * attestations), then config and layers in parallel, each checked against its digest before it
 * enters the store (gzip, zstd and uncompressed layers are kept as they come, media types
 * too), then the manifest and index blobs, then the tag.
 */
export async function pullImage(options: PullOptions): Promise<PullResult> {
  parseReference(options.ref);
  // Blobs land before the tag that makes them reachable: prune must wait.
  const release = await acquireLease(options.store);
  try {
    return await pull(options);
  } finally {
    await release();
  }
}

async function pull(options: PullOptions): Promise<PullResult> {
  const started = performance.now();
  const reference = parseReference(options.ref);
  const name = formatReference(reference);
  const shown = familiarReference(reference);
  const explicitPlatform = options.platform !== undefined;
  const wanted = options.platform === undefined ? hostPlatform() : typeof options.platform === 'string' ? parsePlatform(options.platform) : normalizePlatform(options.platform);
  const { store } = options;
  const client = new RegistryClient(reference.domain, options);
  const repo = client.repository(reference.path);

  let current = await repo.manifest(reference.digest ?? reference.tag ?? 'latest');
  client.emit({ type: 'resolved', ref: name, digest: current.digest, mediaType: current.mediaType });
  let index: Descriptor | undefined;
  for (let depth = 0; INDEXES.includes(current.mediaType); depth++) {
    if (depth > 2) throw new RegistryError('unsupported', `${shown}: indexes nested deeper than 3 levels are not supported`);
    await store.writeBlob(current.bytes, current.digest);
    index ??= { mediaType: current.mediaType, digest: current.digest, size: current.bytes.length };
    const parsed = JSON.parse(current.bytes.toString('utf8')) as Index;
    if (!Array.isArray(parsed.manifests)) throw new RegistryError('server', `${shown}: the index has no "manifests" list`);
    const chosen = selectManifest(parsed, wanted);
    if (!chosen) {
      const have = platformsOf(parsed);
      throw new RegistryError('platform', `${shown} has no image for ${formatPlatform(wanted)} (it has ${have.length ? have.join(', ') : 'no platform images'}); choose one with --platform`);
    }
    client.emit({ type: 'platform', platform: normalizePlatform(chosen.platform!), digest: chosen.digest, choices: platformsOf(parsed) });
    current = await repo.manifest(chosen.digest);
    if (current.bytes.length !== chosen.size) throw new RegistryError('digest', `${shown}: manifest ${chosen.digest} is ${current.bytes.length} bytes, the index says ${chosen.size}`);
  }

  const manifest = JSON.parse(current.bytes.toString('utf8')) as Manifest;
  if (!manifest.config?.digest || !Array.isArray(manifest.layers)) throw new RegistryError('server', `${shown}: the manifest has no config or layers`);
  if (!IMAGE_CONFIGS.includes(manifest.config.mediaType)) {
    throw new RegistryError('unsupported', `${shown} is not a container image (its config is ${manifest.config.mediaType}); Layerwise pulls images only`);
  }
  const blobs: { desc: Descriptor; kind: 'config' | 'layer' }[] = [{ desc: manifest.config, kind: 'config' }, ...manifest.layers.map((desc) => ({ desc, kind: 'layer' as const }))];
  const fetched = await mapLimit(blobs, options.concurrency ?? 4, ({ desc, kind }) => fetchBlob(store, repo, desc, kind));

  const config = await store.readJSON<ImageConfig>(manifest.config.digest);
  const actual = normalizePlatform({ os: config.os, architecture: config.architecture, variant: config.variant });
  const matches = actual.os === wanted.os && actual.architecture === wanted.architecture && (!wanted.variant || !actual.variant || actual.variant === wanted.variant);
  if (!matches && !index) {
    const msg = `${shown} is ${formatPlatform(actual)}, not ${formatPlatform(wanted)}`;
    if (explicitPlatform) throw new RegistryError('platform', `${msg} (it is a single-platform image)`);
    client.emit({ type: 'warning', message: `${msg}: it will not run here without emulation` });
  }

  await store.writeBlob(current.bytes, current.digest);
  const descriptor: Descriptor = { mediaType: current.mediaType, digest: current.digest, size: current.bytes.length };
  if (options.tag !== false) await store.tag(name, descriptor);
  client.emit({ type: 'manifest', phase: 'stored', ref: name, digest: descriptor.digest, size: descriptor.size });
  await store.writeSidecar('pulled', descriptor.digest, { ref: name, registry: reference.domain, repository: reference.path, index: index?.digest, platform: actual }).catch(() => undefined);
  await rememberSources(store, blobs.map((b) => b.desc.digest), { domain: reference.domain, repository: reference.path });
  return {
    ref: name,
    manifest: descriptor,
    index,
    platform: actual,
    layers: manifest.layers.length,
    size: manifest.layers.reduce((n, l) => n + l.size, 0),
    downloaded: fetched.reduce((n, b) => n + b, 0),
    durationMs: performance.now() - started,
  };
}

/** Downloads one blob into the store unless it is there; returns the bytes fetched. */
async function fetchBlob(store: Store, repo: RepositoryClient, desc: Descriptor, kind: 'config' | 'layer'): Promise<number> {
  const client = repo.client;
  const key = `${store.dir}\0${desc.digest}`;
  const shared = inflight.get(key);
  if (shared) {
    // Another pull in this process is on it (or checking for it): wait for its result.
    await shared;
    client.emit({ type: 'blob', phase: 'exists', digest: desc.digest, size: desc.size, kind });
    return 0;
  }
  const mine = (async () => {
    if (await store.hasBlob(desc.digest)) {
      client.emit({ type: 'blob', phase: 'exists', digest: desc.digest, size: desc.size, kind });
      return 0;
    }
    return download(store, repo, desc, kind);
  })();
  inflight.set(key, mine);
  try {
    return await mine;
  } finally {
    if (inflight.get(key) === mine) inflight.delete(key);
  }
}

/** Attempts at a blob whose content came out wrong (a flaky proxy); then it is an error. */
const DIGEST_ATTEMPTS = 3;

async function download(store: Store, repo: RepositoryClient, desc: Descriptor, kind: 'config' | 'layer'): Promise<number> {
  const client = repo.client;
  client.emit({ type: 'blob', phase: 'start', digest: desc.digest, size: desc.size, kind });
  let total = 0;
  for (let attempt = 1; ; attempt++) {
    let received = 0;
    let shown = 0;
    const chunks = repo.blob(desc, (bytes) => {
      received = bytes;
      if (shown === 0 || bytes - shown >= 1 << 20 || bytes === desc.size) {
        shown = bytes;
        client.emit({ type: 'progress', digest: desc.digest, bytes, size: desc.size });
      }
    });
    try {
      await store.writeBlob(chunks, desc.digest as Digest, desc.size);
      total += received;
      client.emit({ type: 'blob', phase: 'done', digest: desc.digest, size: desc.size, kind });
      return total;
    } catch (e) {
      // All the bytes arrived and the store refused them: their digest is wrong.
      total += received;
      const mismatch = received === desc.size && e instanceof EngineError && !(e instanceof RegistryError) && e.code === 'STORE';
      if (!mismatch) throw e;
      const why = `the registry sent ${desc.size} bytes that do not match ${desc.digest}`;
      if (attempt >= DIGEST_ATTEMPTS) throw new RegistryError('digest', `${kind} ${desc.digest} of ${repo.name}: ${why} (${attempt} attempts); nothing was stored`, { cause: e });
      const delayMs = client.backoff(attempt - 1);
      client.emit({ type: 'retry', what: `${kind} ${desc.digest}`, attempt, delayMs, reason: why });
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}
