import type { SandboxChoice } from './run/select-sandbox';
import type { Range } from '../dockerfile/types';
import type { Store } from '../image/store';
import type { WarmContexts } from './cache/warm-contexts';

export interface BuildOptions {
  /** The build context folder. */
  context: string;
  /** The Dockerfile; default `<context>/Dockerfile`. */
  dockerfile?: string;
  /** Dockerfile text to use instead of reading the file (an editor's unsaved buffer). */
  dockerfileText?: string;
  /** Reference to tag the result with. */
  tag?: string;
  /** Stage to build; default the last. */
  target?: string;
  buildArgs?: Record<string, string>;
  store: Store;
  /** Seconds since the epoch for every timestamp; default $SOURCE_DATE_EPOCH, else now. */
  sourceDateEpoch?: number;
  /** RUN --mount=type=secret sources: id -> file (`--secret id=x,src=FILE`). Never in a layer. */
  secrets?: Record<string, string>;
  /** The ssh agent socket for RUN --mount=type=ssh; default $SSH_AUTH_SOCK. */
  sshSocket?: string;
  /** Do not reuse cached steps (results are still cached for next time). */
  noCache?: boolean;
  /** The RUN sandbox; default $LAYERWISE_SANDBOX, else auto. */
  sandbox?: SandboxChoice;
  signal?: AbortSignal;
  /** A long-lived process's watch on the contexts it builds: an unchanged context is not read again. */
  warm?: WarmContexts;
  onEvent?: (event: BuildEvent) => void;
}

/** Progress a build reports, in order: one `step` per instruction, `layer` after each layer is stored. */
export type BuildEvent =
  | { type: 'start'; steps: number; dockerfile: string }
  | { type: 'step'; step: number; steps: number; stage: number; instruction: string; range: Range }
  | { type: 'layer'; step: number; digest: string; size: number; files: number }
  | { type: 'cached'; step: number; digest: string }
  | { type: 'log'; message: string }
  | { type: 'done'; digest: string; ref?: string; durationMs: number };

/** Who builds: Layerwise itself, or a delegate whose image is imported back. */
export type BuilderKind = 'embedded' | 'docker' | 'buildah';
/** A builder as settings and `--builder` name it; `auto` picks one (docs/builders.md). */
export type BuilderChoice = BuilderKind | 'auto';
