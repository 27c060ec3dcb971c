import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { EngineError } from '../errors';
import { digestHex, isDigest, jsonBytes } from './digest';
import { Annotation, MediaType, type Descriptor, type Digest, type Index } from './oci';
import { familiarReference, normalizeReference, parseReference } from './reference';
import { withFileLock } from './store-lock';
import { sinkStream } from './blob-sink';
import { writeHashed } from './blob-writer';

/** Blobs at least this large (by their announced size) are hashed and written off the main thread. */
const OFF_THREAD_MIN = 1 << 20;

export interface StoreImage {
  /** Normalized reference, e.g. docker.io/library/hello:latest. */
  ref: string;
  descriptor: Descriptor;
}

/** Where the store lives: the explicit folder, else $LAYERWISE_STORE, else the XDG cache. */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAYERWISE_STORE) return path.resolve(env.LAYERWISE_STORE);
  const cache = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'layerwise');
}

/**
 * The local image store: an OCI image layout on disk, so skopeo, umoci or podman can read it
 * as is. Blobs are content-addressed and written to a temp file then renamed, so a killed
 * writer leaves no half blob; index.json is replaced atomically under a lock.
 */
export class Store {
  private constructor(readonly dir: string) {}

  /** Opens (creating if needed) the store at `dir`. */
  static async open(dir: string = defaultStoreDir()): Promise<Store> {
    const store = new Store(path.resolve(dir));
    await fs.mkdir(path.join(store.dir, 'blobs', 'sha256'), { recursive: true });
    await fs.mkdir(store.ingestDir, { recursive: true });
    await writeIfMissing(path.join(store.dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await writeIfMissing(path.join(store.dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] }));
    return store;
  }

  private get ingestDir(): string {
    return path.join(this.dir, 'ingest');
  }

  /** The file holding a blob (it may not exist). */
  blobPath(digest: Digest): string {
    if (!isDigest(digest)) throw new EngineError('STORE', `not a sha256 digest: ${digest}`);
    return path.join(this.dir, 'blobs', 'sha256', digestHex(digest));
  }

  async hasBlob(digest: Digest): Promise<boolean> {
    return fs.access(this.blobPath(digest)).then(() => true, () => false);
  }

  /**
   * Stores bytes from a buffer or stream, hashing as it writes; when `expected` is given the
   * content must match it or nothing is stored. `sizeHint`: the size when known (a download).
   */
  async writeBlob(source: Uint8Array | Readable | AsyncIterable<Uint8Array>, expected?: Digest, sizeHint = 0): Promise<{ digest: Digest; size: number }> {
    const temp = path.join(this.ingestDir, `${process.pid}-${randomBytes(8).toString('hex')}`);
    try {
      // Large blobs are hashed and written on another thread; small ones are not worth starting it.
      const offThread = sizeHint >= OFF_THREAD_MIN && !(source instanceof Uint8Array);
      const { digest, size } = offThread ? await sinkStream(temp, source) : await writeHashed(temp, source);
      if (expected && expected !== digest) {
        throw new EngineError('STORE', `content does not match its digest: expected ${expected}, got ${digest}`);
      }
      await fs.rename(temp, this.blobPath(digest));
      return { digest, size };
    } finally {
      await fs.rm(temp, { force: true });
    }
  }

  /** Stores a JSON document and returns its descriptor. */
  async writeJSON(value: unknown, mediaType: string): Promise<Descriptor> {
    const bytes = jsonBytes(value);
    const { digest, size } = await this.writeBlob(bytes);
    return { mediaType, digest, size };
  }

  async readBlob(digest: Digest): Promise<Buffer> {
    try {
      return await fs.readFile(this.blobPath(digest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new EngineError('NOT_FOUND', `blob ${digest} is not in the store ${this.dir}`);
      throw e;
    }
  }

  async readJSON<T>(digest: Digest): Promise<T> {
    return JSON.parse((await this.readBlob(digest)).toString('utf8')) as T;
  }

  /** A stream of a blob's bytes, opened on demand. */
  openBlob(digest: Digest): Readable {
    return createReadStream(this.blobPath(digest));
  }

  /** Every tagged image, in index order. */
  async images(): Promise<StoreImage[]> {
    const index = await this.readIndex();
    return index.manifests
      .filter((d) => d.annotations?.[Annotation.refName])
      .map((d) => ({ ref: d.annotations![Annotation.refName], descriptor: d }));
  }

  /** Points `ref` at a manifest, replacing any earlier image of that name. */
  async tag(ref: string, manifest: Descriptor): Promise<string> {
    const name = normalizeReference(ref);
    await this.updateIndex((index) => {
      index.manifests = index.manifests.filter((d) => d.annotations?.[Annotation.refName] !== name);
      index.manifests.push({
        mediaType: manifest.mediaType,
        digest: manifest.digest,
        size: manifest.size,
        annotations: { [Annotation.containerdName]: name, [Annotation.refName]: name },
      });
    });
    return name;
  }

  /** Removes a tag; the blobs stay until `prune`. Returns false when there was no such tag. */
  async untag(ref: string): Promise<boolean> {
    const name = normalizeReference(ref);
    let found = false;
    await this.updateIndex((index) => {
      const before = index.manifests.length;
      index.manifests = index.manifests.filter((d) => d.annotations?.[Annotation.refName] !== name);
      found = index.manifests.length !== before;
    });
    return found;
  }

  /** Every blob digest in the store. */
  async blobDigests(): Promise<Digest[]> {
    const names = await fs.readdir(path.join(this.dir, 'blobs', 'sha256'));
    return names.filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}` as Digest);
  }

  /** Runs `fn` holding the store's index lock (prune takes it so no tag lands meanwhile). */
  withIndexLock<T>(fn: () => Promise<T>): Promise<T> {
    return withFileLock(path.join(this.dir, 'index.json.lock'), fn);
  }

  /** Finds an image by reference (any form Docker accepts), digest or unique digest prefix. */
  async resolve(refOrDigest: string): Promise<StoreImage> {
    const images = await this.images();
    const byDigest = images.filter((i) => i.descriptor.digest === refOrDigest || (refOrDigest.length >= 12 && digestHex(i.descriptor.digest).startsWith(refOrDigest.replace(/^sha256:/, ''))));
    if (byDigest.length > 0) return byDigest[0];
    let name: string | undefined;
    try {
      name = normalizeReference(refOrDigest);
    } catch {
      name = undefined;
    }
    const found = images.find((i) => i.ref === name);
    if (found) return found;
    const known = images.map((i) => familiarReference(parseReference(i.ref))).join(', ') || 'none';
    throw new EngineError('NOT_FOUND', `image "${refOrDigest}" is not in the store ${this.dir} (images: ${known})`);
  }

  /** Extra per-image data Layerwise keeps beside the layout (build provenance). */
  async writeSidecar(kind: string, digest: Digest, value: unknown): Promise<void> {
    const file = path.join(this.dir, 'layerwise', kind, `${digestHex(digest)}.json`);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(temp, JSON.stringify(value, null, 1));
    await fs.rename(temp, file);
  }

  async readSidecar<T>(kind: string, digest: Digest): Promise<T | undefined> {
    const file = path.join(this.dir, 'layerwise', kind, `${digestHex(digest)}.json`);
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  /** The images that have a sidecar of this kind, with when it was written (newest first). */
  async sidecars(kind: string): Promise<{ digest: Digest; writtenMs: number }[]> {
    const dir = path.join(this.dir, 'layerwise', kind);
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    const found = await Promise.all(
      names
        .filter((n) => /^[0-9a-f]{64}\.json$/.test(n))
        .map(async (n) => ({ digest: `sha256:${n.slice(0, 64)}` as Digest, writtenMs: (await fs.stat(path.join(dir, n)).catch(() => undefined))?.mtimeMs ?? 0 })),
    );
    return found.sort((a, b) => b.writtenMs - a.writtenMs);
  }

  private async readIndex(): Promise<Index> {
    const text = await fs.readFile(path.join(this.dir, 'index.json'), 'utf8');
    try {
      return JSON.parse(text) as Index;
    } catch (e) {
      throw new EngineError('STORE', `the store's index.json is not valid JSON (${this.dir})`, { cause: e });
    }
  }

  private async updateIndex(change: (index: Index) => void): Promise<void> {
    await withFileLock(path.join(this.dir, 'index.json.lock'), async () => {
      const index = await this.readIndex();
      change(index);
      const temp = path.join(this.ingestDir, `index-${process.pid}-${randomBytes(4).toString('hex')}.json`);
      await fs.writeFile(temp, JSON.stringify(index, null, 2) + '\n');
      await fs.rename(temp, path.join(this.dir, 'index.json'));
    });
  }
}

async function writeIfMissing(file: string, content: string): Promise<void> {
  try {
    await fs.writeFile(file, content + '\n', { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}
