import * as fs from 'node:fs';
import * as path from 'node:path';
import { digestHex } from '../image/digest';
import type { Descriptor, Digest } from '../image/oci';
import type { Store } from '../image/store';
import { comparePaths, type LayerEntry } from './entry';
import { readLayerHeaders, type TarMember } from './tar-reader';

// Layers are content-addressed, so a digest's member list never changes. It is kept in memory
// (bounded by members held, oldest layers dropped first) and beside the store, so a new process
// does not read a 400 MB layer to learn its file list.
const MAX_MEMBERS = 2_000_000;
const cache = new Map<Digest, TarMember[]>();
let held = 0;

function remember(digest: Digest, members: TarMember[]): void {
  if (cache.has(digest)) return;
  cache.set(digest, members);
  held += members.length;
  for (const [key, value] of cache) {
    if (held <= MAX_MEMBERS) break;
    cache.delete(key);
    held -= value.length;
  }
}

function diskFile(store: Store, digest: Digest): string {
  return path.join(store.dir, 'layerwise', 'members', `${digestHex(digest)}.json`);
}

function save(store: Store, digest: Digest, members: TarMember[]): void {
  const file = diskFile(store, digest);
  if (fs.existsSync(file)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(members));
  fs.renameSync(temp, file);
}

function load(store: Store, digest: Digest): TarMember[] | undefined {
  try {
    return JSON.parse(fs.readFileSync(diskFile(store, digest), 'utf8')) as TarMember[];
  } catch {
    return undefined;
  }
}

/** Records the entries of a layer just written (in the tar's order), so reading it back costs nothing. */
export function rememberLayer(store: Store, digest: Digest, entries: LayerEntry[]): void {
  const members = entries.map(({ data: _data, sourcePath: _source, sourceStat: _stat, ...member }) => member).sort((a, b) => comparePaths(a.path, b.path));
  remember(digest, members);
  save(store, digest, members);
}

/** A layer's member headers in tar order: from memory, the store's side files, or the blob itself. */
export async function layerMembers(store: Store, layer: Descriptor): Promise<TarMember[]> {
  const hit = cache.get(layer.digest) ?? load(store, layer.digest);
  if (hit) {
    remember(layer.digest, hit);
    return hit;
  }
  const members: TarMember[] = [];
  for await (const m of readLayerHeaders(store.openBlob(layer.digest), { mediaType: layer.mediaType })) members.push(m);
  remember(layer.digest, members);
  save(store, layer.digest, members);
  return members;
}

/**
 * When a layer's member list is at hand without reading the blob (in memory or beside the store),
 * a function that returns it: callers that may never need the list (a cached build step) defer
 * parsing it. Undefined when only the blob could tell.
 */
export function knownLayerMembers(store: Store, layer: Descriptor): (() => TarMember[]) | undefined {
  const inMemory = cache.get(layer.digest);
  if (inMemory) return () => inMemory;
  if (!fs.existsSync(diskFile(store, layer.digest))) return undefined;
  return () => {
    const members = cache.get(layer.digest) ?? load(store, layer.digest);
    if (!members) throw new Error(`the member list of layer ${layer.digest} disappeared from ${store.dir}`);
    remember(layer.digest, members);
    return members;
  };
}
