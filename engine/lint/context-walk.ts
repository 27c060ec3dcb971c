import type { ContextFile, ContextIndex } from '../context/context-index';

/** Walks stop after this many entries: a lint must stay fast on a context with node_modules in it. */
export const WALK_LIMIT = 5000;

/**
 * The files and folders under a context folder that a COPY of it would send (those
 * .dockerignore keeps), breadth first, at most `limit` entries; folders wholly excluded
 * without `!` exceptions are not entered, nor those `enter` refuses.
 */
export function contextEntries(context: ContextIndex, dir: string, enter: (folder: ContextFile) => boolean = () => true, limit = WALK_LIMIT): ContextFile[] {
  const matcher = context.ignoreMatcher();
  const out: ContextFile[] = [];
  const queue = [dir === '.' ? '' : dir];
  while (queue.length > 0 && out.length < limit) {
    const current = queue.shift()!;
    for (const name of context.list(current || '.')) {
      const rel = current ? `${current}/${name}` : name;
      const file = context.stat(rel);
      if (!file) continue;
      const excluded = matcher?.matches(rel) ?? false;
      if (file.type === 'directory') {
        if ((!excluded || matcher?.exclusions) && enter(file)) queue.push(rel);
        if (excluded) continue;
      } else if (excluded) continue;
      out.push(file);
      if (out.length >= limit) break;
    }
  }
  return out;
}
