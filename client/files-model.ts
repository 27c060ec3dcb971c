/**
 * The Files view's data, without `vscode`: the merged tree of an image, or one layer's changes,
 * or only the paths with wasted bytes; children computed per folder when asked (sorted by name
 * or size, cached), rows as plain data. Kept apart so bench/tree.mjs can time it in plain Node.
 */
import { humanSize } from '../engine/analyze/format';
import type { ChangeKind, FileNode, ImageAnalysis, WastedPath } from '../engine/analyze/model';
import { layerTree } from './layers-model';

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
  readonly root: FileNode;

  constructor(readonly image: ImageAnalysis, readonly filter: FilesFilter = { wastedOnly: false }, readonly sort: SortOrder = 'name') {
    const layer = filter.layer === undefined ? undefined : image.layers[filter.layer];
    if (filter.wastedOnly) this.root = wasteTree(image, filter.layer);
    else if (layer) this.root = layerTree(layer, image);
    else this.root = image.tree;
  }

  /** The children of a folder (the root's when none is given), in the chosen order. */
  children(dir: FileNode = this.root): FileNode[] {
    const kids = dir.children ?? [];
    if (this.sort === 'name') return kids;
    let out = this.sorted.get(dir);
    if (!out) {
      out = [...kids].sort((a, b) => b.size - a.size || (a.name < b.name ? -1 : 1));
      this.sorted.set(dir, out);
    }
    return out;
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

const wasteTrees = new WeakMap<ImageAnalysis, Map<string, FileNode>>();

/** The paths with wasted bytes as a tree (folders sum their paths), optionally only those a layer stored. */
export function wasteTree(image: ImageAnalysis, layer?: number): FileNode {
  const cache = wasteTrees.get(image) ?? new Map<string, FileNode>();
  wasteTrees.set(image, cache);
  const key = String(layer ?? '*');
  const hit = cache.get(key);
  if (hit) return hit;
  const root = folder('/', '/', 0);
  const dirs = new Map<string, FileNode>([['/', root]]);
  const dirFor = (p: string): FileNode => {
    let dir = dirs.get(p);
    if (dir) return dir;
    const parent = dirFor(p.slice(0, p.lastIndexOf('/')) || '/');
    dir = folder(p.slice(p.lastIndexOf('/') + 1), p, 0);
    dirs.set(p, dir);
    parent.children!.push(dir);
    return dir;
  };
  const paths: WastedPath[] = (image.waste ?? []).filter((w) => layer === undefined || w.copies.some((c) => c.layer === layer));
  for (const w of [...paths].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const copies = w.copies.filter((c) => layer === undefined || c.layer === layer);
    const bytes = layer === undefined ? w.bytes : copies.reduce((n, c) => n + c.size, 0);
    const lastCopy = copies[copies.length - 1];
    dirFor(w.path.slice(0, w.path.lastIndexOf('/')) || '/').children!.push({
      name: w.path.slice(w.path.lastIndexOf('/') + 1),
      path: w.path,
      // Wasted bytes are file content; mode and owner are looked up for the tooltip only.
      type: 'file',
      size: bytes,
      mode: 0o644,
      uid: 0,
      gid: 0,
      layer: lastCopy?.layer ?? 0,
      history: w.copies.map((c) => ({ layer: c.layer, kind: c.kind, size: c.size })),
      wasted: bytes,
    });
  }
  const sum = (n: FileNode): number => (n.children ? (n.size = n.wasted = n.children.reduce((s, c) => s + sum(c), 0)) : n.size);
  sum(root);
  cache.set(key, root);
  return root;
}

function folder(name: string, p: string, layer: number): FileNode {
  return { name, path: p, type: 'directory', size: 0, mode: 0o755, uid: 0, gid: 0, layer, history: [], children: [] };
}
