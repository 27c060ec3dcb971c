/**
 * The custom LSP requests between the Layerwise client and server. Defined once here; the
 * client imports these types (client -> server is the allowed direction).
 */
import type { BuildResult, ImageAnalysis } from '../engine/analyze/model';
import type { ImageSharing, StoreSharing } from '../engine/analyze/sharing';
import type { BuilderChoice } from '../engine/build/types';
import type { ContainerChange, ContainerRun } from '../engine/container/model';
import type { BaseOverride, Severity } from '../engine/lint/types';

export type { BuildResult, BuilderChoice, ContainerChange, ContainerRun, ImageAnalysis, ImageSharing, StoreSharing };

export interface BuildParams {
  /** The Dockerfile, as a file: URI. */
  uri: string;
  /** Build context folder (file system path); default the Dockerfile's folder. */
  context?: string;
  tag?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  /** Build the editor's text instead of the file on disk. */
  useOpenDocument?: boolean;
  /** Overrides the `layerwise.builder` setting for this build. */
  builder?: BuilderChoice;
}

export interface InspectParams {
  /** An image reference or digest in the store. */
  ref: string;
}

/** Settings the client sends at start and on change (the `layerwise` section). */
export interface ServerSettings {
  /** Image store folder; empty for the default. */
  store: string;
  layerCountThreshold: number;
  /** Who builds: auto, embedded, docker or buildah (docs/builders.md). */
  builder: BuilderChoice;
  /** Rule ID or name -> severity, or 'off'. */
  severities: Record<string, Severity | 'off'>;
  /** Rule IDs or names never reported. */
  ignored: string[];
  /** The shellcheck binary; '' looks it up on PATH, 'off' disables it. */
  shellcheckPath: string;
  /** Additions to the built-in base-image table, by repository or reference. */
  baseImages: Record<string, BaseOverride>;
}

export const Requests = {
  build: 'layerwise/build',
  inspect: 'layerwise/inspect',
  images: 'layerwise/images',
  run: 'layerwise/run',
  stopRun: 'layerwise/stopRun',
} as const;

/** Server -> client: output of a running container, as it comes. */
export const Notifications = {
  runOutput: 'layerwise/runOutput',
} as const;

/** `layerwise/images`: the store's images with the bytes they share, and the store's totals. */
export interface ImagesResult {
  images: ImageSharing[];
  store: StoreSharing;
}

/** `layerwise/run`: run an image of the store (as `layerwise run`); the reply comes when it has stopped. */
export interface RunParams {
  /** Chosen by the client; names the run in output notifications and `layerwise/stopRun`. */
  id: string;
  /** An image reference or digest in the store. */
  ref: string;
  /** Replaces the image's CMD. */
  command?: string[];
  /** Stop the container after this many seconds. */
  timeoutSeconds?: number;
  /** Tag the writable layer as a new image. */
  commit?: string;
}

export interface RunOutputParams {
  id: string;
  text: string;
  stream: 'stdout' | 'stderr';
}

/** `layerwise/stopRun`: stop a run (as Ctrl-C); its reply still comes, with the changes. */
export interface StopRunParams {
  id: string;
}

/** The finished run, and the image analysis (with base and own groups) its provenance refers to. */
export interface RunResult {
  run: ContainerRun;
  image: ImageAnalysis;
}

/** Error data of a run that could not start (Docker's explanation is the message). */
export interface RunErrorData {
  code: string;
  /** docker run's exit status for it: 127 not found, 126 not runnable. */
  exitStatus?: number;
}

/** Build failure details the client turns into "Reveal Instruction". */
export interface BuildErrorData {
  code: string;
  location?: { file: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } };
}

/** The client command a layer CodeLens runs: reveal that layer of that image in the Layers tree. */
export const REVEAL_LAYER_COMMAND = 'layerwise.revealLayer';

/** Which layer a CodeLens click reveals. */
export interface RevealLayerArgs {
  /** Manifest digest of the built image. */
  image: string;
  /** The layer's index in it. */
  layer: number;
}
