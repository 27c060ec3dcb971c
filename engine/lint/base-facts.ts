import type { Dockerfile } from '../dockerfile/types';
import type { Manifest } from '../image/oci';
import type { Store } from '../image/store';
import type { BaseImageFacts } from './types';

/**
 * Facts about each FROM image that the local store holds, keyed by the FROM word as written.
 * Images the store lacks are simply absent: rules then say what they cannot know.
 */
export async function baseFactsFromStore(dockerfile: Dockerfile, store: Store | undefined): Promise<Map<string, BaseImageFacts>> {
  const facts = new Map<string, BaseImageFacts>();
  if (!store) return facts;
  const stageNames = new Set(dockerfile.stages.map((s) => s.name).filter(Boolean));
  for (const stage of dockerfile.stages) {
    const word = stage.base?.value;
    if (!word || word.includes('$') || word.toLowerCase() === 'scratch' || stageNames.has(word.toLowerCase()) || facts.has(word)) continue;
    try {
      const image = await store.resolve(word);
      const manifest = await store.readJSON<Manifest>(image.descriptor.digest);
      facts.set(word, { ref: image.ref, layers: manifest.layers?.length ?? 0 });
    } catch {
      // Not in the store (or not an image manifest): unknown.
    }
  }
  return facts;
}
