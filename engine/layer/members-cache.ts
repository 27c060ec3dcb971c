import type { Descriptor, Digest } from '../image/oci';
import type { Store } from '../image/store';
import { comparePaths, type LayerEntry } from './entry';
import { readLayerHeaders, type TarMember } from './tar-reader';

// Layers are content-addressed, so a digest's member list never changes: cache it, bounded by
// the number of members held, and drop the oldest layers first.
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

/** Records the entries of a layer just written (in the tar's order), so reading it back costs nothing. */
export function rememberLayer(digest: Digest, entries: LayerEntry[]): void {
  const members = entries.map(({ open: _open, readSync: _read, ...member }) => member);
  remember(digest, members.sort((a, b) => comparePaths(a.path, b.path)));
}

/** A layer's member headers in tar order, read from the store once per digest. */
export async function layerMembers(store: Store, layer: Descriptor): Promise<TarMember[]> {
  const hit = cache.get(layer.digest);
  if (hit) return hit;
  const members: TarMember[] = [];
  for await (const m of readLayerHeaders(store.openBlob(layer.digest), { gzip: layer.mediaType.endsWith('gzip') })) members.push(m);
  remember(layer.digest, members);
  return members;
}
