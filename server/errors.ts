import { ResponseError } from 'vscode-languageserver';
import { EngineError } from '../engine/errors';

/** Error code for a request that failed on purpose (bad input, missing image): not a server bug. */
export const REQUEST_FAILED = 1;
/** LSP's RequestCancelled. */
export const REQUEST_CANCELLED = -32800;

/** An engine failure as the client should see it: cancelled, or the engine's message; other errors pass through. */
export function toResponseError(e: unknown, data?: (e: EngineError) => unknown): unknown {
  if (!(e instanceof EngineError)) return e;
  if (e.code === 'CANCELLED') return new ResponseError(REQUEST_CANCELLED, 'cancelled');
  return new ResponseError(REQUEST_FAILED, e.message, data ? data(e) : { code: e.code });
}

/** Runs `fn` with an AbortSignal that fires when the request is cancelled. */
export async function withAbort<T>(token: { onCancellationRequested(listener: () => void): { dispose(): void } }, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const sub = token.onCancellationRequested(() => controller.abort());
  try {
    return await fn(controller.signal);
  } catch (e) {
    throw toResponseError(e);
  } finally {
    sub.dispose();
  }
}
