import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EntryType } from '../../layer/entry';

/** What the differ compares for one path (nanosecond mtimes: a rewrite within a second counts). */
export interface PathMeta {
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeNs: bigint;
  ino: bigint;
  nlink: number;
  linkTarget?: string;
}

export type Snapshot = Map<string, PathMeta>;

/**
 * Every path under `root` (as image paths) with its metadata. `ownerAsRoot` maps the caller's
 * uid/gid to 0, for sandboxes where the caller plays root (rootless bubblewrap).
 */
export function snapshot(root: string, ownerAsRoot = false): Snapshot {
  const out: Snapshot = new Map();
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const walk = (dir: string, imageDir: string) => {
    for (const name of fs.readdirSync(dir)) {
      const abs = path.join(dir, name);
      const imagePath = imageDir === '/' ? `/${name}` : `${imageDir}/${name}`;
      const st = fs.lstatSync(abs, { bigint: true });
      const type: EntryType = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : 'other';
      let u = Number(st.uid);
      let g = Number(st.gid);
      if (ownerAsRoot) {
        if (u === uid) u = 0;
        if (g === gid) g = 0;
      }
      out.set(imagePath, {
        type,
        mode: Number(st.mode) & 0o7777,
        uid: u,
        gid: g,
        size: type === 'file' ? Number(st.size) : 0,
        mtimeNs: st.mtimeNs,
        ino: st.ino,
        nlink: Number(st.nlink),
        linkTarget: type === 'symlink' ? fs.readlinkSync(abs) : undefined,
      });
      if (type === 'directory') walk(abs, imagePath);
    }
  };
  walk(root, '/');
  return out;
}
