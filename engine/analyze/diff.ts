import type { FileAttributes, FileNode, ImageAnalysis, LayerAnalysis } from './model';

/** A path's state in one image, for the comparison. */
export interface FileState extends FileAttributes {
  digest?: string;
  mtime?: number;
  /** The layer (of that image) that wrote it. */
  layer: number;
}

export type FileDiffKind = 'added' | 'removed' | 'changed';

export interface FileDiff {
  path: string;
  kind: FileDiffKind;
  /** In image A (removed, changed). */
  a?: FileState;
  /** In image B (added, changed). */
  b?: FileState;
  /** What differs (changed only): type, size, content, mode, uid, gid, linkTarget, mtime. */
  what?: string[];
}

export interface LayerRef {
  index: number;
  diffId: string;
  instruction: string;
  contentSize: number;
  compressedSize: number;
}

export interface ImageDiff {
  a: { name: string; digest: string; layers: number; size: number };
  b: { name: string; digest: string; layers: number; size: number };
  /** Content was compared by digest (both analyses hashed files); else by size and mtime. */
  byContent: boolean;
  layers: {
    /** Layers both images start with (same diff_id, same position). */
    sharedPrefix: number;
    /** Layers of A that B does not have at all, and the reverse. */
    onlyInA: LayerRef[];
    onlyInB: LayerRef[];
    /** Layers both have, but after the shared prefix (same content, rebuilt on a different parent). */
    movedShared: number;
  };
  files: FileDiff[];
  summary: {
    added: { count: number; bytes: number };
    removed: { count: number; bytes: number };
    changed: { count: number; bytesA: number; bytesB: number };
    /** Visible bytes of B minus those of A. */
    sizeDelta: number;
  };
}

function state(n: FileNode): FileState {
  const s: FileState = { type: n.type, size: n.type === 'directory' ? 0 : n.size, mode: n.mode, uid: n.uid, gid: n.gid, layer: n.layer };
  if (n.linkTarget !== undefined) s.linkTarget = n.linkTarget;
  if (n.digest !== undefined) s.digest = n.digest;
  if (n.mtime !== undefined) s.mtime = n.mtime;
  return s;
}

function layerRef(l: LayerAnalysis): LayerRef {
  return { index: l.index, diffId: l.diffId, instruction: l.instruction, contentSize: l.contentSize, compressedSize: l.size };
}

/** What differs between two analysed images: their final filesystems path by path, and their layers. */
export function diffImages(a: ImageAnalysis, b: ImageAnalysis): ImageDiff {
  const byContent = a.contentDigests === true && b.contentDigests === true;
  const files: FileDiff[] = [];
  const summary = { added: { count: 0, bytes: 0 }, removed: { count: 0, bytes: 0 }, changed: { count: 0, bytesA: 0, bytesB: 0 }, sizeDelta: b.tree.size - a.tree.size };
  const addAll = (n: FileNode, kind: 'added' | 'removed') => {
    const stack = [n];
    while (stack.length > 0) {
      const x = stack.pop()!;
      const s = state(x);
      files.push(kind === 'added' ? { path: x.path, kind, b: s } : { path: x.path, kind, a: s });
      if (x.type !== 'directory') {
        summary[kind].count++;
        summary[kind].bytes += s.size;
      }
      if (x.children) for (let i = x.children.length - 1; i >= 0; i--) stack.push(x.children[i]);
    }
  };
  const compare = (x: FileNode, y: FileNode) => {
    const what: string[] = [];
    if (x.type !== y.type) what.push('type');
    if (x.type !== 'directory' && y.type !== 'directory') {
      if (x.size !== y.size) what.push('size');
      if (byContent) {
        if (x.digest !== y.digest && !what.includes('size')) what.push('content');
      } else if (x.mtime !== y.mtime && x.type === 'file' && y.type === 'file') what.push('mtime');
    }
    if (x.mode !== y.mode) what.push('mode');
    if (x.uid !== y.uid) what.push('uid');
    if (x.gid !== y.gid) what.push('gid');
    if (x.linkTarget !== y.linkTarget) what.push('linkTarget');
    if (what.length > 0) {
      files.push({ path: x.path, kind: 'changed', a: state(x), b: state(y), what });
      if (x.type !== 'directory' || y.type !== 'directory') {
        summary.changed.count++;
        summary.changed.bytesA += x.type === 'directory' ? 0 : x.size;
        summary.changed.bytesB += y.type === 'directory' ? 0 : y.size;
      }
    }
    // A folder on one side and not the other: everything below is added or removed.
    if (x.children && y.children) merge(x.children, y.children);
    else if (x.children) for (const c of x.children) addAll(c, 'removed');
    else if (y.children) for (const c of y.children) addAll(c, 'added');
  };
  const merge = (xs: FileNode[], ys: FileNode[]) => {
    let i = 0;
    let j = 0;
    while (i < xs.length || j < ys.length) {
      const x = xs[i];
      const y = ys[j];
      if (y === undefined || (x !== undefined && x.name < y.name)) {
        addAll(x, 'removed');
        i++;
      } else if (x === undefined || y.name < x.name) {
        addAll(y, 'added');
        j++;
      } else {
        compare(x, y);
        i++;
        j++;
      }
    }
  };
  merge(a.tree.children ?? [], b.tree.children ?? []);

  let sharedPrefix = 0;
  while (sharedPrefix < a.layers.length && sharedPrefix < b.layers.length && a.layers[sharedPrefix].diffId === b.layers[sharedPrefix].diffId) sharedPrefix++;
  const idsA = new Set(a.layers.map((l) => l.diffId));
  const idsB = new Set(b.layers.map((l) => l.diffId));
  const onlyInA = a.layers.filter((l) => !idsB.has(l.diffId)).map(layerRef);
  const onlyInB = b.layers.filter((l) => !idsA.has(l.diffId)).map(layerRef);
  const movedShared = b.layers.slice(sharedPrefix).filter((l) => idsA.has(l.diffId)).length;
  return {
    a: { name: a.name, digest: a.digest, layers: a.layers.length, size: a.tree.size },
    b: { name: b.name, digest: b.digest, layers: b.layers.length, size: b.tree.size },
    byContent,
    layers: { sharedPrefix, onlyInA, onlyInB, movedShared },
    files,
    summary,
  };
}
