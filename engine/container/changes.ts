import type { FileNode, ImageAnalysis } from '../analyze/model';
import { walk } from '../analyze/report';
import type { LayerEntry } from '../layer/entry';
import { parseWhiteout } from '../layer/whiteout';
import type { ChangeAspect, ChangeSummary, ContainerChange } from './model';

/**
 * The writable layer's entries (from the rootfs diff) as changes with provenance: each path is
 * looked up in the image's merged filesystem, so a modification says which layer's copy was
 * copied up and what the copy-up cost, and a deletion which layer's bytes its whiteout hides.
 */
export function containerChanges(entries: LayerEntry[], image: ImageAnalysis): { changes: ContainerChange[]; summary: ChangeSummary } {
  const lower = new Map<string, FileNode>();
  for (const node of walk(image.tree)) lower.set(node.path, node);
  const changes = entries.map((e) => change(e, lower)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { changes, summary: summarize(changes) };
}

function change(e: LayerEntry, lower: Map<string, FileNode>): ContainerChange {
  const wh = parseWhiteout(e.path);
  if (wh?.kind === 'delete') {
    const was = lower.get(wh.target);
    const c: ContainerChange = { path: wh.target, kind: 'deleted', type: was?.type ?? 'file', size: 0, mode: was?.mode ?? 0, uid: was?.uid ?? 0, gid: was?.gid ?? 0 };
    if (was) Object.assign(c, { fromLayer: was.layer, lowerSize: was.size, hiddenBytes: was.size });
    return c;
  }
  const c: ContainerChange = { path: e.path, kind: 'added', type: e.type, size: e.type === 'file' ? e.size : 0, mode: e.mode, uid: e.uid, gid: e.gid };
  if (e.linkTarget !== undefined) c.linkTarget = e.linkTarget;
  const was = lower.get(e.path);
  if (!was) return c;
  c.kind = 'modified';
  c.fromLayer = was.layer;
  c.lowerSize = was.size;
  c.changed = aspects(e, was);
  // overlayfs copies a file up whole, whatever changed: a chmod costs the full size.
  if (e.type === 'file') c.copyUpBytes = e.size;
  return c;
}

function aspects(e: LayerEntry, was: FileNode): ChangeAspect[] {
  const out: ChangeAspect[] = [];
  if (e.type !== was.type) out.push('type');
  if (e.type === 'file' && (e.type !== was.type || e.size !== was.size || e.mtime !== was.mtime)) out.push('content');
  if (e.mode !== was.mode) out.push('mode');
  if (e.uid !== was.uid || e.gid !== was.gid) out.push('owner');
  if (e.linkTarget !== was.linkTarget && (e.type === 'symlink' || was.type === 'symlink')) out.push('linkTarget');
  // A file rewritten with the same size within the same second still had its content written.
  if (out.length === 0 && e.type === 'file') out.push('content');
  return out;
}

/** Counts and bytes per kind; a folder whose only change is its list of entries is not counted. */
export function summarize(changes: ContainerChange[]): ChangeSummary {
  const s: ChangeSummary = { added: { count: 0, bytes: 0 }, modified: { count: 0, bytes: 0 }, deleted: { count: 0, bytes: 0 }, layerBytes: 0 };
  for (const c of changes) {
    s.layerBytes += c.size;
    if (c.kind === 'modified' && c.changed?.length === 0) continue;
    if (c.kind === 'added') s.added = { count: s.added.count + 1, bytes: s.added.bytes + c.size };
    else if (c.kind === 'modified') s.modified = { count: s.modified.count + 1, bytes: s.modified.bytes + (c.copyUpBytes ?? 0) };
    else s.deleted = { count: s.deleted.count + 1, bytes: s.deleted.bytes + (c.hiddenBytes ?? 0) };
  }
  return s;
}
