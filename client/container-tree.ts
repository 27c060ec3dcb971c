import type { FileNode, ImageAnalysis, LayerAnalysis, PathEvent } from '../engine/analyze/model';
import type { ContainerRun } from '../server/protocol';
import { changesTree } from './changes-tree';

const trees = new WeakMap<ContainerRun, FileNode>();

/**
 * The container's writable layer as a tree, like a layer's: each path's history starts with the
 * image layer whose copy it replaced or deleted (so the tooltip says where a copy-up came from),
 * then the container's own change.
 */
export function containerTree(run: ContainerRun, image: ImageAnalysis): FileNode {
  const cached = trees.get(run);
  if (cached) return cached;
  const index = image.layers.length;
  const byPath = new Map(run.changes.map((c) => [c.path, c]));
  const root = changesTree(run.changes, index, (c) => {
    const change = byPath.get(c.path)!;
    const events: PathEvent[] = [];
    if (change.fromLayer !== undefined) events.push({ layer: change.fromLayer, kind: image.layers[change.fromLayer]?.files.find((f) => f.path === c.path)?.kind ?? 'added', size: change.lowerSize ?? 0 });
    events.push({ layer: index, kind: c.kind, size: c.size });
    return events;
  });
  trees.set(run, root);
  return root;
}

/** The image with the writable layer as its last layer, so the layer a change is in has a name. */
export function containerImage(run: ContainerRun, image: ImageAnalysis): ImageAnalysis {
  const layer: LayerAnalysis = {
    index: image.layers.length,
    digest: run.committed?.layer ?? image.digest,
    diffId: run.committed?.layer ?? image.digest,
    mediaType: 'application/vnd.oci.image.layer.v1.tar',
    size: run.summary.layerBytes,
    createdBy: run.command.join(' '),
    instruction: `container (writable layer): ${run.command.join(' ')}`,
    files: [],
    contentSize: run.summary.layerBytes,
  };
  return { ...image, layers: [...image.layers, layer] };
}
