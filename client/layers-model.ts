import type { FileNode, ImageAnalysis, LayerAnalysis } from '../engine/analyze/model';

/** Tree nodes are plain data; TreeItems are made from them on demand. */
export type LayersNode =
  | { kind: 'image'; id: string; image: ImageAnalysis }
  | { kind: 'layer'; id: string; image: ImageAnalysis; layer: LayerAnalysis }
  | { kind: 'allFiles'; id: string; image: ImageAnalysis }
  | { kind: 'file'; id: string; image: ImageAnalysis; node: FileNode; parent: LayersNode };

/** The children of a node, computed when VS Code asks (lazy: a big image opens at once). */
export function childrenOf(node: LayersNode): LayersNode[] {
  switch (node.kind) {
    case 'image':
      return [
        ...node.image.layers.map((layer): LayersNode => ({ kind: 'layer', id: `${node.id}/layer/${layer.index}`, image: node.image, layer })),
        { kind: 'allFiles', id: `${node.id}/files`, image: node.image },
      ];
    case 'layer':
      return fileNodes(layerTree(node.layer, node.image).children ?? [], node);
    case 'allFiles':
      return fileNodes(node.image.tree.children ?? [], node);
    case 'file':
      return fileNodes(node.node.children ?? [], node);
  }
}

function fileNodes(nodes: FileNode[], parent: LayersNode): LayersNode[] {
  return nodes.map((n) => ({ kind: 'file', id: `${parent.id}${n.path.startsWith('/') ? '' : '/'}${n.path}`, image: parent.image, node: n, parent }));
}

const layerTrees = new WeakMap<LayerAnalysis, FileNode>();

/** A layer's own changes as a tree (directories implied by the paths are added). */
export function layerTree(layer: LayerAnalysis, _image: ImageAnalysis): FileNode {
  const cached = layerTrees.get(layer);
  if (cached) return cached;
  const root: FileNode = { name: '/', path: '/', type: 'directory', size: 0, mode: 0o755, uid: 0, gid: 0, layer: layer.index, history: [], children: [] };
  const dirs = new Map<string, FileNode>([['/', root]]);
  const dirFor = (p: string): FileNode => {
    const found = dirs.get(p);
    if (found) return found;
    const parentPath = p.slice(0, p.lastIndexOf('/')) || '/';
    const dir: FileNode = { name: p.slice(p.lastIndexOf('/') + 1), path: p, type: 'directory', size: 0, mode: 0o755, uid: 0, gid: 0, layer: layer.index, history: [], children: [] };
    dirs.set(p, dir);
    dirFor(parentPath).children!.push(dir);
    return dir;
  };
  for (const change of [...layer.files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const parentPath = change.path.slice(0, change.path.lastIndexOf('/')) || '/';
    if (change.type === 'directory' && change.kind !== 'deleted') {
      const dir = dirFor(change.path);
      Object.assign(dir, { mode: change.mode, uid: change.uid, gid: change.gid, history: [{ layer: layer.index, kind: change.kind, size: 0 }] });
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
      layer: layer.index,
      history: [{ layer: layer.index, kind: change.kind, size: change.size }],
    });
  }
  const sum = (n: FileNode): number => (n.children ? (n.size = n.children.reduce((s, c) => s + sum(c), 0)) : n.size);
  sum(root);
  layerTrees.set(layer, root);
  return root;
}
