/**
 * The Files view's data, without `vscode`: the merged tree of an image, or one layer's changes,
 * or only the paths with wasted bytes; children computed per folder when asked (sorted by name
 * or size, cached), rows as plain data. Kept apart so bench/tree.mjs can time it in plain Node.
 */
import { humanSize } from '../engine/analyze/format';
import type { ChangeKind, FileChange, FileNode, ImageAnalysis } from '../engine/analyze/model';

export type SortOrder = 'name' | 'size';

export interface FilesFilter {
  /** Only this layer's changes (deletions included). */
  layer?: number;
  /** Only paths with bytes stored but not visible. */
  wastedOnly: boolean;
}

export type Badge = 'A' | 'M' | 'D' | 'H';

/** One row of the Files view as plain data (the view turns it into a TreeItem). */
export interface FileRow {
  id: string;
  label: string;
  description: string;
  directory: boolean;
  badge?: Badge;
  /** The layer whose copy this row shows (for opening its content). */
  layer: number;
  node: FileNode;
}

const BADGES: Record<ChangeKind, Badge> = { added: 'A', modified: 'M', deleted: 'D', opaque: 'D' };

/** The tree the Files view shows for an image under a filter, with children on demand. */
export class FilesModel {
  private readonly sorted = new WeakMap<FileNode, FileNode[]>();
  private readonly parents = new WeakMap<FileNode, FileNode>();
  /** Set for one layer's changes or the wasted paths: folders made when first expanded. */
  private readonly flat: FlatTree | undefined;
  readonly root: FileNode;

  constructor(readonly image: ImageAnalysis, readonly filter: FilesFilter = { wastedOnly: false }, readonly sort: SortOrder = 'name') {
    const layer = filter.layer === undefined ? undefined : image.layers[filter.layer];
    if (filter.wastedOnly) this.flat = new FlatTree(wastedPaths(image, filter.layer));
    else if (layer) this.flat = new FlatTree(layer.files.map((f) => changeNode(f, layer.index)));
    this.root = this.flat?.root ?? image.tree;
  }

  /** The children of a folder (the root's when none is given), in the chosen order. */
  children(dir: FileNode = this.root): FileNode[] {
    const kids = this.flat ? this.flat.children(dir) : dir.children ?? [];
    if (!this.parents.has(kids[0] ?? dir)) for (const k of kids) this.parents.set(k, dir);
    if (this.sort === 'name') return kids;
    let out = this.sorted.get(dir);
    if (!out) {
      out = [...kids].sort((a, b) => b.size - a.size || (a.name < b.name ? -1 : 1));
      this.sorted.set(dir, out);
    }
    return out;
  }

  /** The folder a node was listed under (undefined for the root's children). */
  parent(node: FileNode): FileNode | undefined {
    const p = this.parents.get(node);
    return p === this.root ? undefined : p;
  }

  /** The row for a node. */
  row(node: FileNode): FileRow {
    const directory = node.type === 'directory' && node.children !== undefined;
    const last = node.history[node.history.length - 1];
    let badge: Badge | undefined = last && !directory ? BADGES[last.kind] : undefined;
    // In one layer's view, a copy a later layer replaced or deleted is hidden in the image.
    if (badge && badge !== 'D' && this.filter.layer !== undefined && this.hiddenLater(node)) badge = 'H';
    const parts = [humanSize(node.size)];
    if (this.filter.wastedOnly) parts[0] = `${humanSize(node.size)} wasted`;
    if (node.type === 'symlink') parts.push(`→ ${node.linkTarget}`);
    return { id: `${this.key()}${node.path}`, label: node.name, description: parts.join(' '), directory, badge, layer: node.layer, node };
  }

  /** Markdown for a row's tooltip: the path, its size and mode, every layer that wrote it with its Dockerfile line. */
  tooltip(node: FileNode, relative: (file: string) => string = (f) => f): string {
    const merged = this.filter.layer === undefined && !this.filter.wastedOnly ? node : findNode(this.image.tree, node.path);
    const stat = merged ?? node;
    const head = `**${node.path}** — ${humanSize(node.size)}${stat.type === 'directory' ? '' : `, mode ${stat.mode.toString(8).padStart(4, '0')}, ${stat.uid}:${stat.gid}`}`;
    const history = merged?.history.length ? merged.history : node.history;
    const lines = history.map((h, i) => {
      const layer = this.image.layers[h.layer];
      const where = layer?.source ? ` — ${relative(layer.source.file)}:${layer.source.range.start.line + 1}` : '';
      const copy = i < history.length - 1 && h.kind !== 'deleted' ? ' (earlier copy, hidden)' : '';
      return `- ${h.kind} by layer ${h.layer} \`${layer?.instruction || '?'}\`${where}${h.size ? `, ${humanSize(h.size)}` : ''}${copy}`;
    });
    const waste = node.wasted ? `\n\n${humanSize(node.wasted)} stored but not visible` : '';
    return `${head}\n\n${lines.join('\n')}${waste}`;
  }

  /** The layer of the copy of `file` before the one `layer` wrote, for "Compare with previous version". */
  previousCopy(file: string, layer: number): number | undefined {
    const history = findNode(this.image.tree, file)?.history ?? findNode(this.root, file)?.history ?? [];
    const at = history.findIndex((h) => h.layer === layer);
    for (let i = (at < 0 ? history.length : at) - 1; i >= 0; i--) if (history[i].kind !== 'deleted' && history[i].kind !== 'opaque') return history[i].layer;
    return undefined;
  }

  private hiddenLater(node: FileNode): boolean {
    const merged = findNode(this.image.tree, node.path);
    return !merged || merged.layer !== node.layer;
  }

  private key(): string {
    return `files/${this.image.digest}/${this.filter.layer ?? '*'}/${this.filter.wastedOnly ? 'w' : 'a'}/${this.sort}:`;
  }
}

/** The node at an absolute path of a tree, walking only the folders on the way. */
export function findNode(root: FileNode, p: string): FileNode | undefined {
  if (p === '/' || p === '') return root;
  let node: FileNode | undefined = root;
  for (const name of p.split('/').filter(Boolean)) {
    node = node.children?.find((c) => c.name === name);
    if (!node) return undefined;
  }
  return node;
}

/**
 * A tree over a flat list of paths (a layer's changes, the wasted paths) whose folders are made
 * when first expanded: one pass over the list per expanded folder, nothing built up front, so
 * a 10,000-change layer opens as fast as the merged tree.
 */
class FlatTree {
  private readonly made = new Map<string, FileNode[]>();
  readonly root: FileNode;

  constructor(private readonly leaves: FileNode[]) {
    this.root = folder('/', '/', 0);
    this.root.size = leaves.reduce((n, l) => (l.type === 'directory' ? n : n + l.size), 0);
    if (leaves.some((l) => l.wasted !== undefined)) this.root.wasted = this.root.size;
  }

  children(dir: FileNode): FileNode[] {
    const hit = this.made.get(dir.path);
    if (hit) return hit;
    const prefix = dir.path === '/' ? '/' : `${dir.path}/`;
    const folders = new Map<string, FileNode>();
    const files: FileNode[] = [];
    for (const leaf of this.leaves) {
      if (!leaf.path.startsWith(prefix) || leaf.path.length === prefix.length) continue;
      const slash = leaf.path.indexOf('/', prefix.length);
      const name = leaf.path.slice(prefix.length, slash < 0 ? undefined : slash);
      const isFolder = slash >= 0 || (leaf.type === 'directory' && leaf.history[0]?.kind !== 'deleted');
      if (!isFolder) {
        files.push(leaf);
        continue;
      }
      let f = folders.get(name);
      if (!f) folders.set(name, (f = folder(name, prefix + name, leaf.layer)));
      if (slash < 0) Object.assign(f, { mode: leaf.mode, uid: leaf.uid, gid: leaf.gid, history: leaf.history });
      else if (leaf.type !== 'directory') {
        f.size += leaf.size;
        if (leaf.wasted !== undefined) f.wasted = (f.wasted ?? 0) + leaf.wasted;
      }
    }
    const out = [...folders.values(), ...files].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    this.made.set(dir.path, out);
    return out;
  }
}

/** One change of a layer as a node of that layer's tree. */
function changeNode(c: FileChange, layer: number): FileNode {
  return {
    name: c.path.slice(c.path.lastIndexOf('/') + 1),
    path: c.path,
    type: c.type,
    size: c.size,
    mode: c.mode,
    uid: c.uid,
    gid: c.gid,
    linkTarget: c.linkTarget,
    layer,
    history: [{ layer, kind: c.kind, size: c.size }],
  };
}

/** The paths with wasted bytes, optionally only the bytes one layer stored. */
function wastedPaths(image: ImageAnalysis, layer?: number): FileNode[] {
  const out: FileNode[] = [];
  for (const w of image.waste ?? []) {
    const copies = layer === undefined ? w.copies : w.copies.filter((c) => c.layer === layer);
    if (copies.length === 0) continue;
    const bytes = layer === undefined ? w.bytes : copies.reduce((n, c) => n + c.size, 0);
    out.push({
      name: w.path.slice(w.path.lastIndexOf('/') + 1),
      path: w.path,
      // Wasted bytes are file content; mode and owner are looked up for the tooltip only.
      type: 'file',
      size: bytes,
      mode: 0o644,
      uid: 0,
      gid: 0,
      layer: copies[copies.length - 1].layer,
      history: w.copies.map((c) => ({ layer: c.layer, kind: c.kind, size: c.size })),
      wasted: bytes,
    });
  }
  return out;
}

function folder(name: string, p: string, layer: number): FileNode {
  return { name, path: p, type: 'directory', size: 0, mode: 0o755, uid: 0, gid: 0, layer, history: [], children: [] };
}
