import type { Range } from './dockerfile/types';

/** Error codes the CLI and server can act on; the message is written for the user. */
export type EngineErrorCode =
  | 'BAD_REFERENCE'
  | 'NOT_FOUND'
  | 'PARSE'
  | 'UNSUPPORTED'
  | 'BUILD'
  | 'CONTEXT'
  | 'STORE'
  | 'CANCELLED'
  | 'USAGE'
  /** A container that cannot start (its program missing, not executable, no interpreter). */
  | 'START';

/** Every error the engine raises on purpose: a code to branch on, a message for people. */
export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    options?: { cause?: unknown; location?: ErrorLocation },
  ) {
    super(message, options);
    this.name = 'EngineError';
    this.location = options?.location;
  }

  /** The Dockerfile instruction at fault, when there is one. */
  readonly location?: ErrorLocation;
}

export interface ErrorLocation {
  file: string;
  range: Range;
}

/** Throws EngineError('CANCELLED') when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EngineError('CANCELLED', 'cancelled');
}
