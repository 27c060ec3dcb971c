import * as path from 'node:path';
import * as vscode from 'vscode';
import { ResponseError, WorkDoneProgress, type LanguageClient, type WorkDoneProgressBegin, type WorkDoneProgressReport, type WorkDoneProgressEnd } from 'vscode-languageclient/node';
import { humanSize } from '../engine/analyze/format';
import { Requests, type BuildErrorData, type BuildParams, type BuildResult } from '../server/protocol';
import { revealRange } from './reveal';

/** Arguments for running the command from code (tests, other extensions): no prompts. */
export interface BuildCommandArgs {
  dockerfile: string;
  tag?: string;
  context?: string;
  target?: string;
  buildArgs?: Record<string, string>;
}

export interface BuildDeps {
  client: () => Promise<LanguageClient>;
  output: vscode.OutputChannel;
  onBuilt: (result: BuildResult) => void;
}

/**
 * "Layerwise: Build Image": builds the active (or chosen) Dockerfile in the language server
 * with a cancellable progress notification, then shows its layers. With an argument object it
 * runs without prompting and resolves to the build result.
 */
export async function buildImage(deps: BuildDeps, args?: BuildCommandArgs, chosen?: vscode.Uri): Promise<BuildResult | undefined> {
  const interactive = !args;
  const dockerfile = args?.dockerfile ?? chosen?.fsPath ?? (await pickDockerfile());
  if (!dockerfile) return undefined;
  const tag = args ? args.tag : await askTag(dockerfile);
  if (tag === undefined && interactive) return undefined;
  const uri = vscode.Uri.file(dockerfile);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) await open.save();
  const params: BuildParams = { uri: uri.toString(), tag: tag || undefined, context: args?.context, target: args?.target, buildArgs: args?.buildArgs };
  const client = await deps.client();
  deps.output.appendLine(`Building ${dockerfile}${tag ? ` as ${tag}` : ''}`);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Layerwise: building ${tag || path.basename(path.dirname(dockerfile))}`, cancellable: true },
      (progress, token) => sendBuild(client, params, progress, token),
    );
    deps.onBuilt(result);
    const img = result.image;
    deps.output.appendLine(`Built ${img.ref ?? img.digest}: ${humanSize(img.size)} in ${img.layers.length} layer(s), ${result.durationMs} ms`);
    if (interactive) {
      await vscode.commands.executeCommand('layerwise.layers.focus');
      void vscode.window.showInformationMessage(`Built ${img.ref ?? img.digest.slice(0, 19)} (${humanSize(img.size)}, ${img.layers.length} layer${img.layers.length === 1 ? '' : 's'})`);
    }
    return result;
  } catch (e) {
    await reportFailure(e, deps.output, interactive);
    if (!interactive) throw e;
    return undefined;
  }
}

async function sendBuild(client: LanguageClient, params: BuildParams, progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken): Promise<BuildResult> {
  const workDoneToken = `layerwise-build-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  let last = 0;
  const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd) => {
    if (value.kind === 'report' || value.kind === 'begin') {
      const pct = value.percentage ?? last;
      progress.report({ message: value.message, increment: Math.max(0, pct - last) });
      last = pct;
    }
  });
  try {
    return await client.sendRequest<BuildResult>(Requests.build, { ...params, workDoneToken }, token);
  } finally {
    sub.dispose();
  }
}

async function reportFailure(e: unknown, output: vscode.OutputChannel, interactive: boolean): Promise<void> {
  const message = e instanceof Error ? e.message : String(e);
  output.appendLine(`Build failed: ${message}`);
  if (!interactive) return;
  if (/cancel/i.test(message)) {
    void vscode.window.showInformationMessage('Layerwise: build cancelled');
    return;
  }
  const data = e instanceof ResponseError ? (e.data as BuildErrorData | undefined) : undefined;
  const actions = data?.location ? ['Reveal Instruction', 'Show Log'] : ['Show Log'];
  const choice = await vscode.window.showErrorMessage(`Layerwise: build failed: ${message}`, ...actions);
  if (choice === 'Show Log') output.show(true);
  if (choice === 'Reveal Instruction' && data?.location) await revealRange(data.location);
}

async function pickDockerfile(): Promise<string | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === 'dockerfile' && active.uri.scheme === 'file') return active.uri.fsPath;
  const found = await vscode.workspace.findFiles('{**/Dockerfile,**/Containerfile,**/*.Dockerfile,**/*.dockerfile,**/Dockerfile.*}', '**/node_modules/**', 200);
  if (found.length === 0) {
    void vscode.window.showWarningMessage('Layerwise: no Dockerfile in this workspace');
    return undefined;
  }
  if (found.length === 1) return found[0].fsPath;
  const pick = await vscode.window.showQuickPick(
    found.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
    { placeHolder: 'Dockerfile to build' },
  );
  return pick?.uri.fsPath;
}

async function askTag(dockerfile: string): Promise<string | undefined> {
  const folder = path.basename(path.dirname(dockerfile)).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'image';
  return vscode.window.showInputBox({
    title: 'Layerwise: Build Image',
    prompt: 'Tag for the image (empty: untagged)',
    value: `${folder}:latest`,
    validateInput: (v) => (v === '' || /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?$/.test(v) ? undefined : 'Not a valid image reference'),
  });
}
