import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { humanSize } from '../engine/analyze/format';
import {
  Requests,
  type CompareResult, type ExportFormat, type ExportParams, type ImageAnalysis, type ImageSummary, type InspectParams,
  type LintFilesResult, type PullResult, type PushParams, type PushResult,
} from '../server/protocol';
import { findDockerfiles } from './build-command';
import { errorMessage, requestWithProgress, withServerProgress } from './server-request';

export interface ImageCommandDeps {
  client: () => Promise<LanguageClient>;
  output: vscode.OutputChannel;
  /** Shows an analysed image in the Layers and Files views. */
  show: (image: ImageAnalysis) => void;
  /** The store changed (pull, inspect of a new image): refresh the Images view. */
  storeChanged: () => void;
  /** The store's images, for pickers. */
  listImages: () => Promise<ImageSummary[]>;
}

/** An image argument as commands receive it: a name, or an Images view row. */
export type ImageArg = string | ImageSummary | undefined;

const nameOf = (arg: ImageArg): string | undefined => (typeof arg === 'string' ? arg : arg?.ref);

/**
 * "Layerwise: Inspect Image": from the store, an archive file, an OCI layout folder, or a
 * registry reference (pulled first); analysed in the server, then shown in the panel.
 */
export async function inspectImage(deps: ImageCommandDeps, arg?: ImageArg): Promise<ImageAnalysis | undefined> {
  const spec = nameOf(arg) ?? (await pickImageSource(deps));
  if (!spec) return undefined;
  return guard(deps, 'inspect failed', async () => {
    const client = await deps.client();
    const image = await withServerProgress(`Layerwise: analysing ${spec}`, (_p, token) => client.sendRequest<ImageAnalysis>(Requests.inspect, { ref: spec } satisfies InspectParams, token));
    if (!image) return undefined;
    deps.output.appendLine(`Inspected ${image.name}: ${humanSize(image.size)}, ${image.layers.length} layer(s)`);
    deps.show(image);
    await vscode.commands.executeCommand('layerwise.layers.focus');
    return image;
  });
}

/** Analyses a store image in the server and shows it, with progress in the Layers view (the Images view's click). */
export async function showImage(deps: ImageCommandDeps, ref: string): Promise<ImageAnalysis | undefined> {
  return guard(deps, `cannot show ${ref}`, async () => {
    const client = await deps.client();
    const image = await vscode.window.withProgress({ location: { viewId: 'layerwise.layers' } }, () => client.sendRequest<ImageAnalysis>(Requests.inspect, { ref } satisfies InspectParams));
    deps.show(image);
    return image;
  });
}

async function pickImageSource(deps: ImageCommandDeps): Promise<string | undefined> {
  const kinds = [
    { label: '$(package) Image in the store', id: 'store' },
    { label: '$(file-zip) Archive file…', description: 'docker save, OCI archive (.tar, .tar.gz)', id: 'archive' },
    { label: '$(folder) OCI layout folder…', id: 'layout' },
    { label: '$(cloud-download) Registry reference…', description: 'pulled into the store first', id: 'registry' },
  ];
  const kind = await vscode.window.showQuickPick(kinds, { title: 'Layerwise: Inspect Image', placeHolder: 'Where is the image?' });
  switch (kind?.id) {
    case 'store':
      return pickStoreImage(deps, 'Image to inspect');
    case 'archive':
      return (await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectFolders: false, title: 'Image archive', filters: { 'Image archives': ['tar', 'gz', 'tgz'], All: ['*'] } }))?.[0]?.fsPath;
    case 'layout':
      return (await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, title: 'OCI layout folder' }))?.[0]?.fsPath;
    case 'registry': {
      const pulled = await pullImage(deps);
      return pulled?.ref;
    }
    default:
      return undefined;
  }
}

/** A store image picked from a list (newest first). */
export async function pickStoreImage(deps: ImageCommandDeps, placeHolder: string): Promise<string | undefined> {
  const images = await deps.listImages();
  if (images.length === 0) {
    void vscode.window.showWarningMessage('Layerwise: the image store is empty; build or pull an image first');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    images.map((i) => ({ label: i.name, description: `${humanSize(i.size)} · ${i.layers} layer(s)`, detail: i.digest, ref: i.ref })),
    { placeHolder },
  );
  return pick?.ref;
}

/** "Layerwise: Pull Image": pulls a reference into the store with byte progress. */
export async function pullImage(deps: ImageCommandDeps, ref?: string): Promise<PullResult | undefined> {
  const name = ref ?? (await vscode.window.showInputBox({ title: 'Layerwise: Pull Image', prompt: 'Image reference (busybox, ghcr.io/org/app:1, localhost:5000/x@sha256:…)', validateInput: (v) => (v.trim() ? undefined : 'Name an image') }));
  if (!name) return undefined;
  return guard(deps, 'pull failed', async () => {
    const client = await deps.client();
    const r = await withServerProgress(`Layerwise: pulling ${name}`, (p, token) => requestWithProgress<PullResult>(client, Requests.pull, { ref: name.trim() }, p, token));
    if (!r) return undefined;
    deps.output.appendLine(`Pulled ${r.ref} ${r.digest}: ${humanSize(r.size)} in ${r.layers} layer(s), ${humanSize(r.downloaded)} downloaded in ${(r.durationMs / 1000).toFixed(1)} s`);
    deps.storeChanged();
    if (!ref) void vscode.window.showInformationMessage(`Pulled ${r.ref} (${humanSize(r.size)})`);
    return r;
  });
}

/** "Layerwise: Push Image": pushes a store image to its own name or another destination. */
export async function pushImage(deps: ImageCommandDeps, arg?: ImageArg | PushParams): Promise<PushResult | undefined> {
  const given = typeof arg === 'object' && 'image' in arg ? arg : undefined;
  const image = given?.image ?? nameOf(arg as ImageArg) ?? (await pickStoreImage(deps, 'Image to push'));
  if (!image) return undefined;
  const destination = given ? given.destination : await vscode.window.showInputBox({ title: `Layerwise: Push ${image}`, prompt: 'Destination (empty: the image\'s own name)', value: '' });
  if (destination === undefined) return undefined;
  return guard(deps, 'push failed', async () => {
    const client = await deps.client();
    const r = await withServerProgress(`Layerwise: pushing ${destination || image}`, (p, token) => requestWithProgress<PushResult>(client, Requests.push, { image, destination: destination || undefined }, p, token));
    if (!r) return undefined;
    deps.output.appendLine(`Pushed ${r.ref}: ${humanSize(r.uploaded)} uploaded in ${(r.durationMs / 1000).toFixed(1)} s`);
    if (!given) void vscode.window.showInformationMessage(`Pushed ${r.ref}`);
    return r;
  });
}

/** "Layerwise: Export Image": a docker-archive / OCI archive tar, or an OCI layout folder. */
export async function exportImage(deps: ImageCommandDeps, arg?: ImageArg | ExportParams): Promise<string | undefined> {
  const given = typeof arg === 'object' && 'format' in arg ? arg : undefined;
  const image = given?.image ?? nameOf(arg as ImageArg) ?? (await pickStoreImage(deps, 'Image to export'));
  if (!image) return undefined;
  let format: ExportFormat | undefined = given?.format;
  let destination = given?.destination;
  if (!given) {
    const formats: { label: string; description: string; format: ExportFormat }[] = [
      { label: 'docker-archive', description: 'a tar for docker load -i (also an OCI archive)', format: 'docker-archive' },
      { label: 'OCI archive', description: 'the same tar, named .oci.tar', format: 'oci-archive' },
      { label: 'OCI layout folder', description: 'for skopeo, podman, umoci', format: 'oci-layout' },
    ];
    format = (await vscode.window.showQuickPick(formats, { title: `Layerwise: Export ${image}` }))?.format;
    if (!format) return undefined;
    const base = image.replace(/^.*\//, '').replace(/[:@]/g, '-');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (format === 'oci-layout') destination = (await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, title: 'Folder to write the OCI layout into', defaultUri: folder }))?.[0]?.fsPath;
    else destination = (await vscode.window.showSaveDialog({ title: 'Image archive', defaultUri: folder && vscode.Uri.joinPath(folder, `${base}${format === 'oci-archive' ? '.oci' : ''}.tar`), filters: { 'Tar archives': ['tar'] } }))?.fsPath;
  }
  if (!format || !destination) return undefined;
  const params: ExportParams = { image, format, destination };
  return guard(deps, 'export failed', async () => {
    const client = await deps.client();
    const r = await withServerProgress(`Layerwise: exporting ${image}`, (_p, token) => client.sendRequest<{ destination: string }>(Requests.export, params, token));
    if (!r) return undefined;
    deps.output.appendLine(`Exported ${image} as ${format} to ${r.destination}`);
    if (!given) void vscode.window.showInformationMessage(`Exported ${image} to ${r.destination}`);
    return r.destination;
  });
}

/** "Layerwise: Compare Images": files added, removed and changed between two images, as a document. */
export async function compareImages(deps: ImageCommandDeps, a?: ImageArg, b?: ImageArg): Promise<CompareResult | undefined> {
  const first = nameOf(a) ?? (await pickStoreImage(deps, 'First image (before)'));
  if (!first) return undefined;
  const second = nameOf(b) ?? (await pickStoreImage(deps, `Compare ${first} with (after)`));
  if (!second) return undefined;
  return guard(deps, 'compare failed', async () => {
    const client = await deps.client();
    const r = await withServerProgress(`Layerwise: comparing ${first} and ${second}`, (_p, token) => client.sendRequest<CompareResult>(Requests.compare, { a: first, b: second }, token));
    if (!r) return undefined;
    const doc = await vscode.workspace.openTextDocument({ content: r.text, language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { preview: true });
    return r;
  });
}

/** "Layerwise: Lint Workspace": lints every Dockerfile (open or not) and shows the Problems panel. */
export async function lintWorkspace(deps: ImageCommandDeps): Promise<LintFilesResult | undefined> {
  return guard(deps, 'lint failed', async () => {
    const files = await findDockerfiles();
    const client = await deps.client();
    const r = await client.sendRequest<LintFilesResult>(Requests.lintFiles, { uris: files.map((f) => f.toString()) });
    deps.output.appendLine(`Linted ${r.files} Dockerfile(s): ${r.findings} finding(s), ${r.errors} error(s)`);
    if (r.findings > 0) await vscode.commands.executeCommand('workbench.actions.view.problems');
    void vscode.window.showInformationMessage(`Layerwise: ${r.files} Dockerfile(s) linted, ${r.findings} finding(s)`);
    return r;
  });
}

/** Runs a command's work; a failure is logged and shown with "Show Log", never thrown at VS Code. */
async function guard<T>(deps: ImageCommandDeps, what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    deps.output.appendLine(`Layerwise: ${what}: ${errorMessage(e)}`);
    void vscode.window.showErrorMessage(`Layerwise: ${what}: ${errorMessage(e)}`, 'Show Log').then((c) => c && deps.output.show(true));
    return undefined;
  }
}
