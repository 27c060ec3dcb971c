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
  return best ? { layers: best.diffIds.length, how: 'image', ref: best.ref ? familiar(best.ref) : undefined } : undefined;
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
