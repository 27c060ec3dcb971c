import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type ImageAnalysis, type RevealLayerArgs } from '../server/protocol';
import type { LayersNode } from './layers-model';
import type { LayersView } from './layers-view';

/** What `layerwise.revealLayer` accepts: the CodeLens's arguments, a layer of the shown image by index, or `{ layer }`. */
export type RevealLayerArg = RevealLayerArgs | number | { layer?: number; index?: number; image?: string };

export interface RevealLayerDeps {
  view: LayersView;
  tree: vscode.TreeView<LayersNode>;
  client: () => Promise<LanguageClient>;
  /** Shows another image (in the Layers and Files views). */
  show: (image: ImageAnalysis) => void;
  /** The layer now selected (the Files view narrows to it). */
  selected: (index: number) => void;
}

/**
 * The layer CodeLens's click: shows the built image in the Layers tree (inspecting it when
 * another image is shown) and selects the layer; the Files view follows it even when that
 * layer was selected already. False when there is no such layer.
 */
export async function revealLayer(arg: RevealLayerArg, deps: RevealLayerDeps): Promise<boolean> {
  const index = typeof arg === 'number' ? arg : arg?.layer ?? (arg as { index?: number })?.index;
  const image = typeof arg === 'object' ? arg.image : undefined;
  if (image && deps.view.current?.digest !== image) deps.show(await (await deps.client()).sendRequest<ImageAnalysis>(Requests.inspect, { ref: image }));
  const node = index === undefined ? undefined : deps.view.layerNode(index);
  if (!node || index === undefined) return false;
  await deps.tree.reveal(node, { select: true, focus: true, expand: true });
  deps.selected(index);
  return true;
}
