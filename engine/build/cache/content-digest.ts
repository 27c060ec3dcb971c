import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { StatCache } from '../../context/stat-cache';
import type { LayerEntry } from '../../layer/entry';

/**
 * A digest of what a COPY would write: every entry's path, type, mode, owner, link target
 * and content hash, but not its mtime (BuildKit keys on content, so touching a file keeps
 * the cache). File contents come through the stat cache when the source has one.
 */
export function contentDigest(entries: LayerEntry[], stats: StatCache | undefined): string {
  const h = createHash('sha256');
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const e of sorted) {
    let content = '';
    if (e.type === 'file') {
      const abs = e.sourcePath;
      if (abs && stats) content = stats.hash(abs, fs.statSync(abs, { bigint: true }));
      else content = createHash('sha256').update(e.readSync ? e.readSync() : Buffer.alloc(0)).digest('hex');
    }
    h.update(`${e.path}\0${e.type}\0${e.mode}\0${e.uid}\0${e.gid}\0${e.linkTarget ?? ''}\0${content}\n`);
  }
  return h.digest('hex');
}
