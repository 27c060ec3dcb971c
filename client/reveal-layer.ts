import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type ImageAnalysis, type RevealLayerArgs } from '../server/protocol';
import type { LayersNode } from './layers-model';
import type { LayersView } from './layers-view';

/** What `layerwise.revealLayer` accepts: the CodeLens's arguments, a layer of the shown image by index, or `{ layer }`. */
export type RevealLayerArg = RevealLayerArgs | number | { layer?: number; index?: number; image?: string };

/**
 * The layer CodeLens's click: shows the built image in the Layers tree (inspecting it when
 * another image is shown) and selects the layer, so the Files view follows it. False when there
 * is no such layer.
 */
export async function revealLayer(arg: RevealLayerArg, view: LayersView, tree: vscode.TreeView<LayersNode>, client: () => Promise<LanguageClient>): Promise<boolean> {
  const index = typeof arg === 'number' ? arg : arg?.layer ?? (arg as { index?: number })?.index;
  const image = typeof arg === 'object' ? arg.image : undefined;
  if (image && view.current?.digest !== image) view.show(await (await client()).sendRequest<ImageAnalysis>(Requests.inspect, { ref: image }));
  const node = index === undefined ? undefined : view.layerNode(index);
  if (!node) return false;
  await tree.reveal(node, { select: true, focus: true, expand: true });
  return true;
}
