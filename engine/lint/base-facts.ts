import { VisiblePaths } from '../layer/visible-paths';
import type { Dockerfile } from '../dockerfile/types';
import type { Manifest } from '../image/oci';
import { familiarReference, parseReference } from '../image/reference';
import type { Store } from '../image/store';
import { layerMembers } from '../layer/members-cache';
import { KNOWN_BASES, PROBED } from './data/known-bases';
import { overrideMatches } from './data/eol';
import type { BaseImageFacts, BaseOverride } from './types';

// Store images are immutable by digest: their path sets are computed once per process.
const pathSets = new Map<string, Set<string>>();

/**
 * Facts about each FROM image, keyed by the FROM word as written: exact ones from the local
 * store when it holds the image, else what the built-in table knows of common bases. Images
 * known to neither are absent: rules then say what they cannot know.
 */
export async function baseFacts(dockerfile: Dockerfile, store: Store | undefined, overrides: Record<string, BaseOverride> = {}): Promise<Map<string, BaseImageFacts>> {
  const facts = new Map<string, BaseImageFacts>();
  const stageNames = new Set(dockerfile.stages.map((s) => s.name).filter(Boolean));
  for (const stage of dockerfile.stages) {
    const word = stage.base?.value;
    if (!word || word.includes('$') || stageNames.has(word.toLowerCase()) || facts.has(word)) continue;
    const fact = (store && (await fromStore(store, word))) ?? fromTable(word, overrides);
    if (fact) facts.set(word, fact);
  }
  return facts;
}

async function fromStore(store: Store, word: string): Promise<BaseImageFacts | undefined> {
  if (word.toLowerCase() === 'scratch') return undefined;
  try {
    const image = await store.resolve(word);
    const manifest = await store.readJSON<Manifest>(image.descriptor.digest);
    let paths = pathSets.get(image.descriptor.digest);
    if (!paths) {
      const fs = new VisiblePaths();
      for (const [i, layer] of manifest.layers.entries()) fs.apply(i, await layerMembers(store, layer));
      paths = new Set(fs.paths());
      pathSets.set(image.descriptor.digest, paths);
    }
    const set = paths;
    const config = await store.readJSON<{ os?: string; architecture?: string; variant?: string }>(manifest.config.digest);
    const platform = config.os && config.architecture ? { os: config.os, architecture: config.architecture, variant: config.variant } : undefined;
    return { ref: image.ref, source: 'store', label: familiarReference(parseReference(image.ref)), layers: manifest.layers.length, platform, has: (p) => set.has(p) };
  } catch {
    return undefined;
  }
}

function fromTable(word: string, overrides: Record<string, BaseOverride>): BaseImageFacts | undefined {
  let ref;
  try {
    ref = word.toLowerCase() === 'scratch' ? parseReference('library/scratch') : parseReference(word);
  } catch {
    return undefined;
  }
  // The user's entries come first: they know their own images better than the table.
  const own = Object.entries(overrides).find(([key, o]) => o.present && overrideMatches(key, ref));
  const known = own ? { label: own[0], present: own[1].present! } : KNOWN_BASES.find((k) => k.match.test(ref.path));
  if (!known) return undefined;
  const present = new Set(known.present);
  // The table speaks for the probed programs wherever PATH could find them.
  const probed = new Set(PROBED.map((p) => p.slice(p.lastIndexOf('/') + 1)));
  return {
    ref: `${ref.domain}/${ref.path}`,
    source: 'known',
    label: word,
    layers: known.label === 'scratch' ? 0 : undefined,
    has: (p) => (present.has(p) ? true : probed.has(p.slice(p.lastIndexOf('/') + 1)) ? false : undefined),
  };
}
