import type { Digest } from '../image/oci';
import { familiarReference, parseReference } from '../image/reference';
import type { BaseInfo, HistoryStep } from './model';
import type { SiblingImage } from './sources/types';

/** Layers made by history entries before `historyIndex`. */
export function layersBefore(history: HistoryStep[], historyIndex: number): number {
  let n = 0;
  for (const h of history) {
    if (h.index >= historyIndex) break;
    if (h.layer !== undefined) n = h.layer + 1;
  }
  return n;
}

/** The longest other image whose layers are exactly our first layers (a proper prefix). */
export function baseFromSiblings(diffIds: Digest[], siblings: SiblingImage[]): BaseInfo | undefined {
  let best: SiblingImage | undefined;
  for (const s of siblings) {
    const n = s.diffIds.length;
    if (n === 0 || n >= diffIds.length) continue;
    if (!s.diffIds.every((d, i) => d === diffIds[i])) continue;
    if (!best || n > best.diffIds.length) best = s;
  }
  return best ? { layers: best.diffIds.length, how: 'image', ...siblingName(best) } : undefined;
}

/**
 * Names a base found another way (our build's record, the Dockerfile, `--base N`) after an image
 * that has exactly those layers, so the base group shows a reference and a digest.
 */
export function namedBase(base: BaseInfo, diffIds: Digest[], siblings: SiblingImage[]): BaseInfo {
  if (base.layers === 0 || (base.ref && base.digest)) return base;
  const same = siblings.filter((s) => s.diffIds.length === base.layers && s.diffIds.every((d, i) => d === diffIds[i]));
  // Prefer a tagged image: a name says more than a digest.
  const match = same.find((s) => s.ref) ?? same[0];
  if (!match) return base;
  const name = siblingName(match);
  return { ...base, ref: base.ref ?? name.ref, digest: base.digest ?? name.digest };
}

function siblingName(s: SiblingImage): { ref?: string; digest?: Digest } {
  const out: { ref?: string; digest?: Digest } = {};
  if (s.ref) out.ref = familiar(s.ref);
  if (s.digest) out.digest = s.digest;
  return out;
}

/** dive's assumption when nothing else is known: layer 0 is the base. */
export function assumedBase(layerCount: number): BaseInfo {
  return layerCount === 0 ? { layers: 0, how: 'none' } : { layers: 1, how: 'first-layer' };
}

/** `docker.io/library/x:1` -> `x:1`; names that do not parse stay as they are. */
export function familiar(ref: string): string {
  try {
    return familiarReference(parseReference(ref));
  } catch {
    return ref;
  }
}
