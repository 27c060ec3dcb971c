import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { FileNode } from '../engine/analyze/model';
import { REVEAL_LAYER_COMMAND, type BuildResult, type ContainerRun, type ImageAnalysis, type ImageSummary } from '../server/protocol';
import { buildImage, cancelBuild, rebuildImage, type BuildCommandArgs } from './build-command';
import { compareFileWithPrevious, FilesView } from './files-view';
import { compareImages, exportImage, inspectImage, lintWorkspace, pullImage, pushImage, showImage, type ImageCommandDeps } from './image-commands';
import { ImagesView, type ImagesNode } from './images-view';
import { startLanguageClient } from './language-client';
import { LAYER_SCHEME, LayerDocuments, openLayerFile } from './layer-documents';
import { LayersView } from './layers-view';
import type { LayersNode } from './layers-model';
import { revealRange, type Location } from './reveal';
import { revealLayer, type RevealLayerArg } from './reveal-layer';
import { runImage, type RunCommandArgs } from './run-command';
import { ImageStatusBar } from './status-bar';

/** What the extension offers to tests and other extensions. */
export interface LayerwiseApi {
  layersView: LayersView;
  filesView: FilesView;
  imagesView: ImagesView;
  statusBar: ImageStatusBar;
  client: () => Promise<LanguageClient>;
  lastBuild: () => BuildResult | undefined;
  /** Milliseconds from loading the bundle to the end of activate() (the server starts in the background). */
  activationMs: number;
  /** Of which activate() itself. */
  activateCallMs: number;
}

let client: LanguageClient | undefined;

// Set by the bundle's first line (scripts/build.mjs); absent when run from tsc's output.
declare const __layerwiseLoadStart: number | undefined;
const loadStart = typeof __layerwiseLoadStart === 'number' ? __layerwiseLoadStart : performance.now();

export async function activate(context: vscode.ExtensionContext): Promise<LayerwiseApi> {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Layerwise');
  const layersView = new LayersView();
  const filesView = new FilesView();
  let lastBuild: BuildResult | undefined;
  // The server starts at activation, so diagnostics appear as soon as a Dockerfile opens.
  const clientStarted = startLanguageClient(context, output).then((c) => (client = c));
  clientStarted.catch((e) => output.appendLine(`Layerwise: the language server failed to start: ${e?.message ?? e}`));
  const getClient = () => clientStarted;
  const imagesView = new ImagesView(getClient, (l) => output.appendLine(l));
  const statusBar = new ImageStatusBar(context.workspaceState);

  const show = (image: ImageAnalysis, cachedLayers?: readonly string[], run?: ContainerRun) => {
    layersView.show(image, run);
    if (cachedLayers) layersView.markCached(cachedLayers);
    filesView.show(image);
    filesTree.description = filesView.describe();
  };
  const buildDeps = {
    client: getClient,
    output,
    state: context.workspaceState,
    onBuilt: (result: BuildResult, dockerfile: string) => {
      lastBuild = result;
      show(result.image, result.cachedLayers);
      imagesView.refresh(result.image.digest);
      void statusBar.record(dockerfile, result.image);
    },
  };
  const imageDeps: ImageCommandDeps = { client: getClient, output, show, storeChanged: () => imagesView.refresh(), listImages: () => imagesView.list().then((r) => r.images) };

  const layersTree = vscode.window.createTreeView<LayersNode>('layerwise.layers', { treeDataProvider: layersView, showCollapseAll: true });
  const filesTree = vscode.window.createTreeView('layerwise.files', { treeDataProvider: filesView, showCollapseAll: true });
  const imagesTree = vscode.window.createTreeView('layerwise.images', { treeDataProvider: imagesView });
  const refreshFiles = () => (filesTree.description = filesView.describe());
  void vscode.commands.executeCommand('setContext', 'layerwise.files.sort', 'name');

  const command = (id: string, fn: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, fn); // eslint-disable-line @typescript-eslint/no-explicit-any
  context.subscriptions.push(
    output, layersView, filesView, imagesView, statusBar, layersTree, filesTree, imagesTree,
    vscode.workspace.registerTextDocumentContentProvider(LAYER_SCHEME, new LayerDocuments(getClient)),
    vscode.window.registerFileDecorationProvider(filesView),
    layersTree.onDidChangeSelection((e) => {
      const node = e.selection[0];
      filesView.selectLayer(node?.kind === 'layer' ? node.layer.index : undefined);
      refreshFiles();
    }),
    command('layerwise.buildImage', (args?: BuildCommandArgs | vscode.Uri) => (args instanceof vscode.Uri ? buildImage(buildDeps, undefined, args) : buildImage(buildDeps, args))),
    command('layerwise.rebuildImage', () => rebuildImage(buildDeps)),
    command('layerwise.cancelBuild', () => cancelBuild()),
    command('layerwise.inspectImage', (arg?: string | ImageSummary) => inspectImage(imageDeps, arg)),
    command('layerwise.showImage', (arg: string | ImageSummary) => showImage(imageDeps, typeof arg === 'string' ? arg : arg.ref)),
    command('layerwise.exportImage', (arg?: Parameters<typeof exportImage>[1]) => exportImage(imageDeps, arg)),
    command('layerwise.pushImage', (arg?: Parameters<typeof pushImage>[1]) => pushImage(imageDeps, arg)),
    command('layerwise.pullImage', (ref?: string) => pullImage(imageDeps, ref)),
    command('layerwise.compareImages', (a?: string | ImageSummary, b?: string | ImageSummary) => compareImages(imageDeps, a, b)),
    command('layerwise.lintWorkspace', () => lintWorkspace(imageDeps)),
    command('layerwise.refreshLayers', () => layersView.refresh()),
    command('layerwise.refreshImages', () => imagesView.refresh()),
    command('layerwise.revealInstruction', (location: Location) => revealRange(location)),
    command(REVEAL_LAYER_COMMAND, (arg: RevealLayerArg) =>
      revealLayer(arg, { view: layersView, tree: layersTree, client: getClient, show: (image) => show(image), selected: (index) => (filesView.selectLayer(index), refreshFiles()) })),
    command('layerwise.openLayerFile', (uri: vscode.Uri) => openLayerFile(uri)),
    command('layerwise.compareWithPrevious', (arg: vscode.Uri | FileNode) => compareFileWithPrevious(filesView, arg)),
    command('layerwise.files.sortByName', () => (filesView.setSort('name'), refreshFiles())),
    command('layerwise.files.sortBySize', () => (filesView.setSort('size'), refreshFiles())),
    command('layerwise.files.toggleLayerFilter', () => (filesView.toggleLayerFilter(), refreshFiles())),
    command('layerwise.files.toggleWastedFilter', () => (filesView.toggleWastedFilter(), refreshFiles())),
    command('layerwise.showLog', () => output.show(true)),
    ...registerRunImage(getClient, layersView, (image, run) => (show(image, undefined, run), imagesView.refresh())),
  );
  return {
    layersView, filesView, imagesView, statusBar,
    client: getClient,
    lastBuild: () => lastBuild,
    activationMs: performance.now() - loadStart,
    activateCallMs: performance.now() - started,
  };
}

// "Layerwise: Run Image" with its own terminal-like output channel.
function registerRunImage(client: () => Promise<LanguageClient>, layersView: LayersView, onRun: (image: ImageAnalysis, run: ContainerRun) => void): vscode.Disposable[] {
  const output = vscode.window.createOutputChannel('Layerwise: Container');
  const deps = {
    client,
    output,
    current: () => layersView.current?.ref ?? layersView.current?.digest,
    onRun: (r: { image: ImageAnalysis; run: ContainerRun }) => onRun(r.image, r.run),
  };
  // From the Images view the argument is its node: ask the rest, that image chosen.
  const run = (args?: RunCommandArgs | ImagesNode) => (args && 'kind' in args ? runImage(deps, undefined, args.kind === 'image' ? args.ref : undefined) : runImage(deps, args));
  return [output, vscode.commands.registerCommand('layerwise.runImage', run)];
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
