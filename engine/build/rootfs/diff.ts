import * as path from 'node:path';
import type { LayerEntry } from '../../layer/entry';
import { whiteoutFor } from '../../layer/whiteout';
import type { PathMeta, Snapshot } from './snapshot';

/**
 * The layer between two snapshots of one root: new and changed paths as entries (content read
 * from `root` when written), deleted paths as `.wh.` whiteouts (only the topmost of a deleted
 * tree), and files that share an inode as hard links to the first one.
 */
export function diffSnapshots(before: Snapshot, after: Snapshot, root: string): LayerEntry[] {
  const entries: LayerEntry[] = [];
  const firstByInode = new Map<bigint, string>();
  for (const [p, meta] of [...after].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const old = before.get(p);
    if (old && !changed(old, meta)) continue;
    const abs = path.join(root, p);
    const mtime = Number(meta.mtimeNs / 1_000_000_000n);
    const base = { path: p, mode: meta.mode, uid: meta.uid, gid: meta.gid, mtime, size: 0 };
    if (meta.type === 'file' && meta.nlink > 1) {
      const first = firstByInode.get(meta.ino);
      if (first) {
        entries.push({ ...base, type: 'hardlink', linkTarget: first });
        continue;
      }
      firstByInode.set(meta.ino, p);
    }
    if (meta.type === 'file') {
      entries.push({ ...base, type: 'file', size: meta.size, sourcePath: abs });
    } else if (meta.type === 'symlink') {
      entries.push({ ...base, type: 'symlink', linkTarget: meta.linkTarget });
    } else if (meta.type === 'directory') {
      entries.push({ ...base, type: 'directory' });
    }
  }
  for (const p of before.keys()) {
    if (after.has(p)) continue;
    const parent = path.posix.dirname(p);
    // A deleted folder's whiteout covers everything in it.
    if (parent !== '/' && !after.has(parent) && before.has(parent)) continue;
    // A folder replaced by a file took its contents with it.
    if (after.has(parent) && after.get(parent)!.type !== 'directory') continue;
    entries.push({ path: whiteoutFor(p), type: 'file', mode: 0, uid: 0, gid: 0, mtime: 0, size: 0 });
  }
  addAncestors(entries, after);
  return entries;
}

// Every folder above a change goes in the layer too: a runtime unpacking the layer would
// otherwise create the missing ones as root-owned 0755 and hide the real ones below.
function addAncestors(entries: LayerEntry[], after: Snapshot): void {
  const have = new Set(entries.map((e) => e.path));
  for (const e of [...entries]) {
    for (let dir = path.posix.dirname(e.path); dir !== '/' && !have.has(dir); dir = path.posix.dirname(dir)) {
      have.add(dir);
      const meta = after.get(dir);
      if (!meta) continue;
      entries.push({ path: dir, type: 'directory', mode: meta.mode, uid: meta.uid, gid: meta.gid, mtime: Number(meta.mtimeNs / 1_000_000_000n), size: 0 });
    }
  }
}

function changed(a: PathMeta, b: PathMeta): boolean {
  return (
    a.type !== b.type ||
    a.mode !== b.mode ||
    a.uid !== b.uid ||
    a.gid !== b.gid ||
    a.size !== b.size ||
    a.mtimeNs !== b.mtimeNs ||
    a.linkTarget !== b.linkTarget ||
    (a.type === 'file' && a.ino !== b.ino)
  );
}
