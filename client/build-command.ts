import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { humanSize } from '../engine/analyze/format';
import { Requests, type BuildAnswer, type BuildErrorData, type BuildParams, type BuildResult, type CancelBuildParams, type ImageAnalysis, type StagesResult } from '../server/protocol';
import { pickBuildChoice, type BuildChoice } from './build-pickers';
import { revealRange } from './reveal';
import { isCancelled, isResponseError, requestWithProgress } from './server-request';

/** Arguments for running the command from code (tests, other extensions): no prompts. */
export interface BuildCommandArgs {
  dockerfile: string;
  tag?: string;
  context?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  noCache?: boolean;
}

export interface BuildDeps {
  client: () => Promise<LanguageClient>;
  output: vscode.OutputChannel;
  onBuilt: (result: BuildResult, dockerfile: string) => void;
  /** Where the last choices per Dockerfile are remembered (workspaceState). */
  state?: vscode.Memento;
}

let running: { cts: vscode.CancellationTokenSource; id: string; client: LanguageClient } | undefined;
let last: BuildCommandArgs | undefined;

/**
 * "Layerwise: Build Image": builds the active (or chosen) Dockerfile in the language server
 * with a cancellable progress notification, then shows its layers. Interactively it asks for
 * the target stage, tag and build args, offering the last choice for that Dockerfile. With an
 * argument object it runs without prompting and resolves to the build result.
 */
export async function buildImage(deps: BuildDeps, args?: BuildCommandArgs, chosen?: vscode.Uri): Promise<BuildResult | undefined> {
  if (args) return runBuild(deps, args, false);
  const dockerfile = chosen?.fsPath ?? (await pickDockerfile());
  if (!dockerfile) return undefined;
  const client = await deps.client();
  const stages = await client.sendRequest<StagesResult>(Requests.stages, { uri: vscode.Uri.file(dockerfile).toString() });
  const key = `layerwise.build:${dockerfile}`;
  const choice = await pickBuildChoice(dockerfile, stages, deps.state?.get<BuildChoice>(key));
  if (!choice) return undefined;
  await deps.state?.update(key, choice);
  return runBuild(deps, { dockerfile, ...choice }, true);
}

/** "Layerwise: Rebuild": the last build again, without prompts (Build Image when there was none). */
export async function rebuildImage(deps: BuildDeps): Promise<BuildResult | undefined> {
  return last ? runBuild(deps, last, true) : buildImage(deps);
}

/**
 * "Layerwise: Cancel Build": stops the running build; false when none runs. The server is told
 * by id as well as through the request's token, so a cancel that overtakes the request still counts.
 */
export async function cancelBuild(): Promise<boolean> {
  if (!running) return false;
  const { cts, id, client } = running;
  cts.cancel();
  await client.sendRequest(Requests.cancelBuild, { id } satisfies CancelBuildParams).catch(() => undefined);
  return true;
}

// The last analysis the server sent, by its key: a rebuild that gives the same one is answered
// with the key alone.
let lastAnalysis: { key: string; image: ImageAnalysis } | undefined;

/** The build result an answer stands for: its own analysis, or the one held under its key. */
function resultOf(answer: BuildAnswer, held: typeof lastAnalysis): BuildResult {
  if ('sameAnalysis' in answer) {
    if (held?.key !== answer.sameAnalysis) throw new Error('the server named an image analysis this window does not hold');
    return { image: held.image, durationMs: answer.durationMs, cachedLayers: answer.cachedLayers };
  }
  if (answer.analysisKey) lastAnalysis = { key: answer.analysisKey, image: answer.image };
  return answer;
}

async function runBuild(deps: BuildDeps, args: BuildCommandArgs, interactive: boolean): Promise<BuildResult | undefined> {
  const { dockerfile, tag } = args;
  const uri = vscode.Uri.file(dockerfile);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) await open.save();
  const id = `build-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const held = lastAnalysis;
  const params: BuildParams = { uri: uri.toString(), tag: tag || undefined, context: args.context, target: args.target, buildArgs: args.buildArgs, noCache: args.noCache, id, knownAnalysis: held?.key };
  const client = await deps.client();
  const what = `${vscode.workspace.asRelativePath(dockerfile)}${args.target ? ` (target ${args.target})` : ''}${tag ? ` as ${tag}` : ''}`;
  deps.output.appendLine(`Building ${what}`);
  last = args;
  if (running) await cancelBuild();
  const cts = new vscode.CancellationTokenSource();
  const mine = { cts, id, client };
  running = mine;
  void vscode.commands.executeCommand('setContext', 'layerwise.building', true);
  try {
    const answer = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Layerwise: building ${tag || path.basename(path.dirname(dockerfile))}`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => cts.cancel());
        return requestWithProgress<BuildAnswer>(client, Requests.build, params, progress, cts.token);
      },
    );
    const result = resultOf(answer, held);
    deps.onBuilt(result, dockerfile);
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
  } finally {
    if (running === mine) {
      running = undefined;
      void vscode.commands.executeCommand('setContext', 'layerwise.building', false);
    }
    cts.dispose();
  }
}

async function reportFailure(e: unknown, output: vscode.OutputChannel, interactive: boolean): Promise<void> {
  const message = e instanceof Error ? e.message : String(e);
  if (isCancelled(e)) {
    output.appendLine('Build cancelled');
    if (interactive) void vscode.window.showInformationMessage('Layerwise: build cancelled');
    return;
  }
  const data = isResponseError(e) ? (e.data as BuildErrorData | undefined) : undefined;
  output.appendLine(`Build failed${data?.step ? ` at ${data.step}` : ''}: ${message}`);
  if (!interactive) return;
  const actions = data?.location ? ['Reveal Instruction', 'Show Log'] : ['Show Log'];
  const choice = await vscode.window.showErrorMessage(`Layerwise: build failed${data?.step ? ` at ${data.step}` : ''}: ${message}`, ...actions);
  if (choice === 'Show Log') output.show(true);
  if (choice === 'Reveal Instruction' && data?.location) await revealRange(data.location);
}

/** The active Dockerfile, else the workspace's only one, else one the user picks. */
export async function pickDockerfile(): Promise<string | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === 'dockerfile' && active.uri.scheme === 'file') return active.uri.fsPath;
  const found = await findDockerfiles();
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

/** Every Dockerfile of the workspace (the names the extension treats as Dockerfiles). */
export function findDockerfiles(): Thenable<vscode.Uri[]> {
  return vscode.workspace.findFiles('{**/Dockerfile,**/Containerfile,**/*.Dockerfile,**/*.dockerfile,**/Dockerfile.*,**/Containerfile.*}', '**/node_modules/**', 2000);
}
