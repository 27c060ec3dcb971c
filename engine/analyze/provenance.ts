import type { Range } from '../dockerfile/types';
import type { Digest } from '../image/oci';
import type { Store } from '../image/store';

/**
 * What our builder knows that the image does not carry: the Dockerfile and the range of the
 * instruction behind each history entry. Kept beside the layout, keyed by manifest digest,
 * so the image itself stays byte-for-byte what Docker would make.
 */
export interface BuildProvenance {
  dockerfile: string;
  context: string;
  steps: { history: number; range: Range; cached: boolean }[];
}

const KIND = 'provenance';

export async function writeProvenance(store: Store, manifest: Digest, provenance: BuildProvenance): Promise<void> {
  await store.writeSidecar(KIND, manifest, provenance);
}

export async function readProvenance(store: Store, manifest: Digest): Promise<BuildProvenance | undefined> {
  return store.readSidecar<BuildProvenance>(KIND, manifest);
}
