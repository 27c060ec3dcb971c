import type { ImageConfig, Manifest } from '../engine/image/oci';
import { familiarReference, parseReference } from '../engine/image/reference';
import type { Store } from '../engine/image/store';
import { endOfLife } from '../engine/lint/data/eol';
import { KNOWN_BASES } from '../engine/lint/data/known-bases';
import type { BaseOverride } from '../engine/lint/types';
import type { ParsedDocument } from './service/document';
import type { BaseSummary } from './service/navigation';

// Store images are immutable by digest: their figures are read once per process.
const byDigest = new Map<string, Omit<BaseSummary, 'eol'>>();

/**
 * What is known of each FROM image of a file, by the word as written: size, layers and date
 * from the local store when it holds the image, else the built-in table's name; the release's
 * end of life from the EOL table or the user's overrides. Unknown images are left out.
 */
export async function baseSummaries(doc: ParsedDocument, store: Store | undefined, overrides: Record<string, BaseOverride>): Promise<Map<string, BaseSummary>> {
  const out = new Map<string, BaseSummary>();
  const df = doc.dockerfile;
  for (const stage of df.stages) {
    const word = stage.base?.value;
    if (!word || out.has(word)) continue;
    // `FROM $BASE` is looked up as BuildKit expands it with the global ARGs' defaults.
    const scoped = doc.scope.stages[stage.index];
    const name = word.includes('$') ? scoped?.baseName : word;
    if (!name || scoped?.base) continue;
    const summary = (store && (await fromStore(store, name))) ?? fromTable(name, overrides);
    const eol = endOfLife(name, overrides);
    if (summary || eol) out.set(word, { ...(summary ?? { label: name, source: 'known' }), eol });
  }
  return out;
}

async function fromStore(store: Store, word: string): Promise<Omit<BaseSummary, 'eol'> | undefined> {
  if (word.toLowerCase() === 'scratch') return undefined;
  try {
    const image = await store.resolve(word);
    const digest = image.descriptor.digest;
    let known = byDigest.get(digest);
    if (!known) {
      const manifest = await store.readJSON<Manifest>(digest);
      const config = await store.readJSON<ImageConfig>(manifest.config.digest);
      known = {
        label: familiarReference(parseReference(image.ref)),
        source: 'store',
        size: manifest.layers.reduce((sum, l) => sum + l.size, 0),
        layers: manifest.layers.length,
        created: config.created,
        platform: `${config.os}/${config.architecture}${config.variant ? `/${config.variant}` : ''}`,
      };
      byDigest.set(digest, known);
    }
    return known;
  } catch {
    return undefined;
  }
}

function fromTable(word: string, overrides: Record<string, BaseOverride>): Omit<BaseSummary, 'eol'> | undefined {
  if (word.toLowerCase() === 'scratch') return { label: 'scratch (an empty image)', source: 'known', size: 0, layers: 0 };
  let path;
  try {
    path = parseReference(word).path;
  } catch {
    return undefined;
  }
  const overridden = Object.keys(overrides).some((k) => k === word || k === word.split(':')[0]);
  return overridden || KNOWN_BASES.some((k) => k.match.test(path)) ? { label: word, source: 'known' } : undefined;
}
