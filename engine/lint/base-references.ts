import { ExpansionError, ShellLex } from '../dockerfile/expand';
import type { Dockerfile, Stage, Word } from '../dockerfile/types';
import { parseReference, type Reference } from '../image/reference';
import { defaultScope } from './scope-cache';

/** A FROM that names an image (not scratch, not an earlier stage), with its ARG defaults applied. */
export interface BaseReference {
  stage: Stage;
  word: Word;
  /** The image name after global ARG defaults. */
  name: string;
  ref: Reference;
  /** The tag as written (undefined when the name has none and so means `latest`). */
  writtenTag: string | undefined;
}

/** The image each stage starts from, where it can be told without build args. */
export function baseReferences(dockerfile: Dockerfile): BaseReference[] {
  const scope = defaultScope(dockerfile);
  const out: BaseReference[] = [];
  const stageNames = new Set<string>();
  for (const stage of dockerfile.stages) {
    const word = stage.base;
    if (stage.name) stageNames.add(stage.name);
    if (!word) continue;
    let name: string;
    try {
      name = new ShellLex(dockerfile.escapeChar).processWord(word.value, { get: (n) => scope.global.get(n)?.value });
    } catch (e) {
      if (e instanceof ExpansionError) continue;
      throw e;
    }
    if (name === '' || name.toLowerCase() === 'scratch' || (stageNames.has(name.toLowerCase()) && stage.name !== name.toLowerCase())) continue;
    let ref: Reference;
    try {
      ref = parseReference(name);
    } catch {
      continue;
    }
    const withoutDigest = name.split('@')[0];
    const colon = withoutDigest.lastIndexOf(':');
    const writtenTag = colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(colon + 1) : undefined;
    out.push({ stage, word, name, ref, writtenTag });
  }
  return out;
}
