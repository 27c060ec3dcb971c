import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { REVEAL_LAYER_COMMAND, type BuildResult, type RevealLayerArgs } from '../server/protocol';
import { buildImage, type BuildCommandArgs } from './build-command';
import { startLanguageClient } from './language-client';
import { LayersView } from './layers-view';
import { revealRange, type Location } from './reveal';
import { revealLayer } from './reveal-layer';

/** What the extension offers to tests and other extensions. */
export interface LayerwiseApi {
  layersView: LayersView;
  client: () => Promise<LanguageClient>;
  lastBuild: () => BuildResult | undefined;
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<LayerwiseApi> {
  const output = vscode.window.createOutputChannel('Layerwise');
  const layersView = new LayersView();
  let lastBuild: BuildResult | undefined;
  // The server starts at activation, so diagnostics appear as soon as a Dockerfile opens.
  const started = startLanguageClient(context, output).then((c) => (client = c));
  started.catch((e) => output.appendLine(`Layerwise: the language server failed to start: ${e?.message ?? e}`));
  const deps = {
    client: () => started,
    output,
    onBuilt: (result: BuildResult) => {
      lastBuild = result;
      layersView.show(result.image);
    },
  };
  const treeView = vscode.window.createTreeView('layerwise.layers', { treeDataProvider: layersView, showCollapseAll: true });
  context.subscriptions.push(
    output,
    layersView,
    treeView,
    vscode.commands.registerCommand('layerwise.buildImage', (args?: BuildCommandArgs | vscode.Uri) => (args instanceof vscode.Uri ? buildImage(deps, undefined, args) : buildImage(deps, args))),
    vscode.commands.registerCommand('layerwise.refreshLayers', () => layersView.refresh()),
    vscode.commands.registerCommand('layerwise.revealInstruction', (location: Location) => revealRange(location)),
    vscode.commands.registerCommand(REVEAL_LAYER_COMMAND, (args: RevealLayerArgs) => revealLayer(args, layersView, treeView, () => started)),
  );
  return { layersView, client: () => started, lastBuild: () => lastBuild };
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
