import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type ImageAnalysis, type RevealLayerArgs } from '../server/protocol';
import type { LayersNode } from './layers-model';
import type { LayersView } from './layers-view';

/**
 * The layer CodeLens's click: shows the built image in the Layers tree (inspecting it when
 * another image is shown) and selects the layer.
 */
export async function revealLayer(args: RevealLayerArgs, view: LayersView, tree: vscode.TreeView<LayersNode>, client: () => Promise<LanguageClient>): Promise<void> {
  if (view.current?.digest !== args.image) view.show(await (await client()).sendRequest<ImageAnalysis>(Requests.inspect, { ref: args.image }));
  const image = view.current!;
  const layer = image.layers[args.layer];
  if (!layer) return;
  await tree.reveal({ kind: 'layer', id: `image/${image.digest}/layer/${layer.index}`, image, layer }, { select: true, focus: true, expand: true });
}
