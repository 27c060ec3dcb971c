import type { FileNode, ImageAnalysis, LayerAnalysis, LayerGroup } from '../engine/analyze/model';
import type { ContainerRun } from '../server/protocol';
import { changesTree } from './changes-tree';
import { containerImage, containerTree } from './container-tree';

/** Tree nodes are plain data; TreeItems are made from them on demand. */
export type LayersNode =
  | { kind: 'image'; id: string; image: ImageAnalysis; run?: ContainerRun }
  | { kind: 'group'; id: string; image: ImageAnalysis; group: LayerGroup }
  | { kind: 'layer'; id: string; image: ImageAnalysis; layer: LayerAnalysis }
  | { kind: 'allFiles'; id: string; image: ImageAnalysis }
  | { kind: 'container'; id: string; image: ImageAnalysis; run: ContainerRun }
  | { kind: 'file'; id: string; image: ImageAnalysis; node: FileNode; parent: LayersNode };

/** The id of an image's node (its children's ids start with it). */
export const imageNodeId = (image: ImageAnalysis) => `image/${image.digest}`;

/** The children of a node, computed when VS Code asks (lazy: a big image opens at once). */
export function childrenOf(node: LayersNode): LayersNode[] {
  switch (node.kind) {
    case 'image': {
      // Without a base (FROM scratch) every layer is the Dockerfile's own: no grouping needed.
      const groups = grouped(node.image) ? node.image.groups! : [];
      const top: LayersNode[] = groups.length > 0 ? groups.map((group) => ({ kind: 'group', id: `${node.id}/group/${group.kind}`, image: node.image, group })) : layerNodes(node.image, node.image.layers);
      top.push({ kind: 'allFiles', id: `${node.id}/files`, image: node.image });
      if (node.run) top.push({ kind: 'container', id: `${node.id}/container`, image: node.image, run: node.run });
      return top;
    }
    case 'group':
      return layerNodes(node.image, node.image.layers.slice(node.group.first, node.group.first + node.group.layers));
    case 'container':
      // Files below carry an image with the writable layer on top, so tooltips name it.
      return fileNodes(containerTree(node.run, node.image).children ?? [], { ...node, image: containerImage(node.run, node.image) });
    case 'layer':
      return fileNodes(layerTree(node.layer, node.image).children ?? [], node);
    case 'allFiles':
      return fileNodes(node.image.tree.children ?? [], node);
    case 'file':
      return fileNodes(node.node.children ?? [], node);
  }
}

/** The node above a layer: its group when the image is grouped, else the image. */
export function layerParent(image: ImageAnalysis, layer: LayerAnalysis): LayersNode {
  const group = grouped(image) ? image.groups!.find((g) => layer.index >= g.first && layer.index < g.first + g.layers) : undefined;
  const imageId = imageNodeId(image);
  return group ? { kind: 'group', id: `${imageId}/group/${group.kind}`, image, group } : { kind: 'image', id: imageId, image };
}

function grouped(image: ImageAnalysis): boolean {
  return image.groups?.some((g) => g.kind === 'base') ?? false;
}

function layerNodes(image: ImageAnalysis, layers: LayerAnalysis[]): LayersNode[] {
  return layers.map((layer) => ({ kind: 'layer', id: `${imageNodeId(image)}/layer/${layer.index}`, image, layer }));
}

function fileNodes(nodes: FileNode[], parent: LayersNode): LayersNode[] {
  return nodes.map((n) => ({ kind: 'file', id: `${parent.id}${n.path.startsWith('/') ? '' : '/'}${n.path}`, image: parent.image, node: n, parent }));
}

const layerTrees = new WeakMap<LayerAnalysis, FileNode>();

/** A layer's own changes as a tree (directories implied by the paths are added). */
export function layerTree(layer: LayerAnalysis, _image: ImageAnalysis): FileNode {
  const cached = layerTrees.get(layer);
  if (cached) return cached;
  const root = changesTree(layer.files, layer.index, (c) => [{ layer: layer.index, kind: c.kind, size: c.size }]);
  layerTrees.set(layer, root);
  return root;
}
