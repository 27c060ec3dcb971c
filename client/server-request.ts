import * as vscode from 'vscode';
import type { LanguageClient, WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport } from 'vscode-languageclient/node';

/** LSP's RequestCancelled, as the server answers a cancelled request. */
const REQUEST_CANCELLED = -32800;

/**
 * Sends a request whose work the server reports as work-done progress, relaying each report
 * (message, percentage) to a VS Code progress and cancelling the request with the token.
 */
export async function requestWithProgress<R>(
  client: LanguageClient,
  method: string,
  params: object,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  token: vscode.CancellationToken,
): Promise<R> {
  // Loaded with the client already (language-client.ts): this import costs nothing more.
  const { WorkDoneProgress } = await import('vscode-languageclient/node.js');
  const workDoneToken = `${method}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  let last = 0;
  const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd) => {
    if (value.kind === 'end') return;
    const pct = value.percentage ?? last;
    progress.report({ message: value.message, increment: Math.max(0, pct - last) });
    last = Math.max(last, pct);
  });
  try {
    // A token cancelled before the request goes out would never reach the server.
    if (token.isCancellationRequested) throw new vscode.CancellationError();
    return await client.sendRequest<R>(method, { ...params, workDoneToken }, token);
  } finally {
    sub.dispose();
  }
}

/** Runs a server request under a cancellable notification; resolves undefined when cancelled. */
export async function withServerProgress<R>(
  title: string,
  run: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Promise<R>,
): Promise<R | undefined> {
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, run);
  } catch (e) {
    if (isCancelled(e)) return undefined;
    throw e;
  }
}

/** An LSP ResponseError (told by shape: the client library is loaded lazily). */
export function isResponseError(e: unknown): e is Error & { code: number; data?: unknown } {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'number';
}

/** The request was cancelled (by the user or the token), not failed. */
export function isCancelled(e: unknown): boolean {
  if (isResponseError(e)) return e.code === REQUEST_CANCELLED;
  return e instanceof vscode.CancellationError || (e instanceof Error && /cancel/i.test(e.message));
}

/** The message of an error as the user should read it. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
