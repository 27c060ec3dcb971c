import type { Digest } from '../oci';
import type { Store } from '../store';

/** Where a blob is known to be on a registry, so a push to another repository there can mount it. */
export interface BlobSource {
  domain: string;
  repository: string;
}

const KIND = 'registry-blobs';
const MAX_SOURCES = 8;
let chain: Promise<unknown> = Promise.resolve();

/** The repositories a blob was pulled from or pushed to (newest first). */
export async function blobSources(store: Store, digest: Digest): Promise<BlobSource[]> {
  const data = await store.readSidecar<{ sources?: BlobSource[] }>(KIND, digest).catch(() => undefined);
  return Array.isArray(data?.sources) ? data.sources : [];
}

/**
 * Remembers that these blobs are in `source`. A hint only: failures are ignored, and writes are
 * serialized in this process (the store's sidecar files are replaced whole).
 */
export function rememberSources(store: Store, digests: Digest[], source: BlobSource): Promise<void> {
  const run = async () => {
    for (const digest of new Set(digests)) {
      try {
        const known = await blobSources(store, digest);
        if (known[0]?.domain === source.domain && known[0]?.repository === source.repository) continue;
        const sources = [source, ...known.filter((s) => s.domain !== source.domain || s.repository !== source.repository)].slice(0, MAX_SOURCES);
        await store.writeSidecar(KIND, digest, { sources });
      } catch {
        // A lost hint costs an upload later, nothing more.
      }
    }
  };
  const next = chain.then(run, run);
  chain = next;
  return next;
}
