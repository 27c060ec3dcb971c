import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { REVEAL_LAYER_COMMAND, type BuildResult, type ContainerRun, type ImageAnalysis, type RevealLayerArgs } from '../server/protocol';
import { buildImage, type BuildCommandArgs } from './build-command';
import { startLanguageClient } from './language-client';
import { LayersView } from './layers-view';
import { ImagesView, type ImagesNode } from './images-view';
import { runImage, type RunCommandArgs } from './run-command';
import { revealRange, type Location } from './reveal';
import { revealLayer } from './reveal-layer';

/** What the extension offers to tests and other extensions. */
export interface LayerwiseApi {
  layersView: LayersView;
  imagesView: ImagesView;
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
      void vscode.commands.executeCommand('layerwise.refreshImages');
    },
  };
  const treeView = vscode.window.createTreeView('layerwise.layers', { treeDataProvider: layersView, showCollapseAll: true });
  const running = registerRunImage(deps.client, layersView);
  context.subscriptions.push(
    output,
    layersView,
    treeView,
    vscode.commands.registerCommand('layerwise.buildImage', (args?: BuildCommandArgs | vscode.Uri) => (args instanceof vscode.Uri ? buildImage(deps, undefined, args) : buildImage(deps, args))),
    vscode.commands.registerCommand('layerwise.refreshLayers', () => layersView.refresh()),
    ...running.disposables,
    vscode.commands.registerCommand('layerwise.revealInstruction', (location: Location) => revealRange(location)),
    vscode.commands.registerCommand(REVEAL_LAYER_COMMAND, (args: RevealLayerArgs) => revealLayer(args, layersView, treeView, () => started)),
  );
  return { layersView, imagesView: running.images, client: () => started, lastBuild: () => lastBuild };
}

// "Layerwise: Run Image" with its own terminal-like output channel, and the Images view.
function registerRunImage(client: () => Promise<LanguageClient>, layersView: LayersView): { images: ImagesView; disposables: vscode.Disposable[] } {
  const output = vscode.window.createOutputChannel('Layerwise: Container');
  const images = new ImagesView(client);
  const deps = {
    client,
    output,
    current: () => layersView.current?.ref ?? layersView.current?.digest,
    onRun: (r: { image: ImageAnalysis; run: ContainerRun }) => {
      layersView.show(r.image, r.run);
      images.refresh();
    },
  };
  // From the Images view the argument is its node: ask the rest, that image chosen.
  const run = (args?: RunCommandArgs | ImagesNode) => (args && 'kind' in args ? runImage(deps, undefined, args.kind === 'image' ? args.ref : undefined) : runImage(deps, args));
  return {
    images,
    disposables: [
      output,
      images,
      vscode.window.createTreeView('layerwise.images', { treeDataProvider: images }),
      vscode.commands.registerCommand('layerwise.runImage', run),
      vscode.commands.registerCommand('layerwise.refreshImages', () => images.refresh()),
    ],
  };
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
