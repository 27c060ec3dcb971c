import type { FileChange, FileNode, PathEvent } from '../engine/analyze/model';

/** Changes made by one layer as a tree; `historyOf` gives each path's events (folders summed). */
export function changesTree(changes: FileChange[], index: number, historyOf: (c: FileChange) => PathEvent[]): FileNode {
  const root: FileNode = { name: '/', path: '/', type: 'directory', size: 0, mode: 0o755, uid: 0, gid: 0, layer: index, history: [], children: [] };
  const dirs = new Map<string, FileNode>([['/', root]]);
  const dirFor = (p: string): FileNode => {
    const found = dirs.get(p);
    if (found) return found;
    const parentPath = p.slice(0, p.lastIndexOf('/')) || '/';
    const dir: FileNode = { name: p.slice(p.lastIndexOf('/') + 1), path: p, type: 'directory', size: 0, mode: 0o755, uid: 0, gid: 0, layer: index, history: [], children: [] };
    dirs.set(p, dir);
    dirFor(parentPath).children!.push(dir);
    return dir;
  };
  for (const change of [...changes].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const parentPath = change.path.slice(0, change.path.lastIndexOf('/')) || '/';
    if (change.type === 'directory' && change.kind !== 'deleted') {
      const dir = dirFor(change.path);
      Object.assign(dir, { mode: change.mode, uid: change.uid, gid: change.gid, history: historyOf({ ...change, size: 0 }) });
      continue;
    }
    dirFor(parentPath).children!.push({
      name: change.path.slice(change.path.lastIndexOf('/') + 1),
      path: change.path,
      type: change.type,
      size: change.size,
      mode: change.mode,
      uid: change.uid,
      gid: change.gid,
      linkTarget: change.linkTarget,
      layer: index,
      history: historyOf(change),
    });
  }
  const sum = (n: FileNode): number => (n.children ? (n.size = n.children.reduce((s, c) => s + sum(c), 0)) : n.size);
  sum(root);
  return root;
}
