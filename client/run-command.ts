import * as vscode from 'vscode';
import { ResponseError, type LanguageClient } from 'vscode-languageclient/node';
import { humanSize } from '../engine/analyze/format';
import { containerChangesText, endLine } from '../engine/container/format';
import { familiar } from './images-view';
import { splitWords } from './run-command-words';
import { Notifications, Requests, type ImagesResult, type RunErrorData, type RunOutputParams, type RunParams, type RunResult } from '../server/protocol';

/** Arguments for running the command from code (tests, other extensions): no prompts. */
export interface RunCommandArgs {
  ref: string;
  command?: string[];
  timeoutSeconds?: number;
  commit?: string;
}

export interface RunDeps {
  client: () => Promise<LanguageClient>;
  /** The terminal-like channel the container's output goes to. */
  output: vscode.OutputChannel;
  /** The image shown in the Layers view, offered first. */
  current: () => string | undefined;
  onRun: (result: RunResult) => void;
}

/**
 * "Layerwise: Run Image": runs an image of the store in the language server (the same sandbox
 * as RUN, network off), streams its output into the channel, stops it on request (the progress
 * notification's Cancel) or after the chosen seconds, then shows the container's changes in the
 * Layers view. With an argument object it runs without prompting and resolves to the result.
 */
export async function runImage(deps: RunDeps, args?: RunCommandArgs, ref?: string): Promise<RunResult | undefined> {
  const interactive = !args;
  const client = await deps.client();
  const chosen = args ?? (await ask(client, deps.current(), ref));
  if (!chosen) return undefined;
  const id = `run-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const params: RunParams = { id, ref: chosen.ref, command: chosen.command, timeoutSeconds: chosen.timeoutSeconds, commit: chosen.commit };
  const out = deps.output;
  const name = familiar(chosen.ref);
  out.show(true);
  out.appendLine(`$ layerwise run${chosen.timeoutSeconds ? ` --timeout ${chosen.timeoutSeconds}` : ''} ${name}${chosen.command?.length ? ` -- ${chosen.command.join(' ')}` : ''}`);
  const sub = client.onNotification(Notifications.runOutput, (p: RunOutputParams) => {
    if (p.id === id) out.append(p.text);
  });
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Layerwise: running ${name}`, cancellable: true },
      (_progress, token) => {
        // Cancel stops the container; the reply still comes, with what it changed.
        const stop = token.onCancellationRequested(() => void client.sendRequest(Requests.stopRun, { id }));
        return client.sendRequest<RunResult>(Requests.run, params).finally(() => stop.dispose());
      },
    );
    out.appendLine('');
    out.appendLine(endLine(result.run, chosen.timeoutSeconds));
    for (const line of containerChangesText(result.run)) out.appendLine(line);
    deps.onRun(result);
    if (interactive) {
      await vscode.commands.executeCommand('layerwise.layers.focus');
      const s = result.run.summary;
      void vscode.window.showInformationMessage(`${name}: ${s.added.count} added, ${s.modified.count} modified, ${s.deleted.count} deleted; the image is ${result.run.imageAfter.unchanged ? 'unchanged' : 'CHANGED'}`);
    }
    return result;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const data = e instanceof ResponseError ? (e.data as RunErrorData | undefined) : undefined;
    out.appendLine(`layerwise run: ${message}${data?.exitStatus ? ` (docker run would exit ${data.exitStatus})` : ''}`);
    if (!interactive) throw e;
    void vscode.window.showErrorMessage(`Layerwise: ${name} cannot run: ${message}`);
    return undefined;
  } finally {
    sub.dispose();
  }
}

async function ask(client: LanguageClient, current: string | undefined, chosenRef: string | undefined): Promise<RunCommandArgs | undefined> {
  const pick = chosenRef ? { ref: chosenRef } : await pickImage(client, current);
  if (!pick) return undefined;
  const command = await vscode.window.showInputBox({ title: 'Layerwise: Run Image', prompt: 'Command (empty: the image\'s ENTRYPOINT and CMD)', placeHolder: 'sh -c "echo hi > /tmp/x"' });
  if (command === undefined) return undefined;
  const timeout = await vscode.window.showInputBox({
    title: 'Layerwise: Run Image',
    prompt: 'Stop after this many seconds (empty: when it exits, or Cancel on the notification)',
    value: '10',
    validateInput: (v) => (v === '' || Number(v) > 0 ? undefined : 'A number of seconds, or empty'),
  });
  if (timeout === undefined) return undefined;
  return { ref: pick.ref, command: command.trim() ? splitWords(command) : undefined, timeoutSeconds: timeout ? Number(timeout) : undefined };
}

async function pickImage(client: LanguageClient, current: string | undefined): Promise<{ ref: string } | undefined> {
  const { images } = await client.sendRequest<ImagesResult>(Requests.images);
  if (images.length === 0) {
    void vscode.window.showWarningMessage('Layerwise: the image store has no image yet; build one first');
    return undefined;
  }
  const items = images.map((i) => ({ label: familiar(i.ref), ref: i.ref, description: `${humanSize(i.size)} · ${humanSize(i.sharedBytes)} shared`, detail: i.digest }));
  items.sort((a, b) => Number(b.ref === current || b.detail === current) - Number(a.ref === current || a.detail === current));
  return vscode.window.showQuickPick(items, { title: 'Layerwise: Run Image', placeHolder: 'Image to run' });
}
