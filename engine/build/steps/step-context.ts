import type { Instruction } from '../../dockerfile/types';
import { EngineError } from '../../errors';

/** What every step needs besides its stage: timestamps, where the Dockerfile is, cancellation. */
export interface StepContext {
  /** RFC 3339 time written into history entries. */
  created: string;
  /** Seconds since the epoch that file times are clamped to, when reproducible builds are asked for. */
  clampMtime: number | undefined;
  /** Seconds since the epoch for entries the build creates (parent directories). */
  now: number;
  dockerfile: string;
  contextDir: string;
  /** A scratch folder of this build (downloads, unpacked archives), removed when it ends. */
  workDir: string;
  signal?: AbortSignal;
  /** An error located at the instruction. */
  fail(ins: Instruction, message: string, cause?: unknown): EngineError;
}

/**
 * The time a metadata step is dated: the stage's newest layer's (so a rebuild from cache gives the
 * same image digest, as with BuildKit), or the build's time when pinned by SOURCE_DATE_EPOCH.
 */
export function metadataTime(ctx: StepContext, state: { layerCreated: string | undefined }): string {
  return ctx.clampMtime === undefined && state.layerCreated ? state.layerCreated : ctx.created;
}

/** Makes the `fail` helper for a Dockerfile. */
export function failAt(dockerfile: string): StepContext['fail'] {
  return (ins, message, cause) =>
    new EngineError('BUILD', `${ins.keyword.toLowerCase()} (line ${ins.range.start.line + 1}): ${message}`, {
      cause,
      location: { file: dockerfile, range: ins.range },
    });
}
