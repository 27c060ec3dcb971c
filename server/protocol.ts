/**
 * The custom LSP requests between the Layerwise client and server. Defined once here; the
 * client imports these types (client -> server is the allowed direction).
 */
import type { ImageDiff } from '../engine/analyze/diff';
import type { BuildResult, ImageAnalysis } from '../engine/analyze/model';
import type { ImageSharing, StoreSharing } from '../engine/analyze/sharing';
import type { BuilderChoice } from '../engine/build/types';
import type { ContainerChange, ContainerRun } from '../engine/container/model';
import type { BaseOverride, Severity } from '../engine/lint/types';

export type { BuildResult, BuilderChoice, ContainerChange, ContainerRun, ImageAnalysis, ImageDiff, ImageSharing, StoreSharing };

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
  /** Do not reuse cached steps. */
  noCache?: boolean;
  /** Overrides the `layerwise.builder` setting for this build. */
  builder?: BuilderChoice;
  /** Chosen by the client, for `layerwise/cancelBuild`. */
  id?: string;
  /** The `analysisKey` of an answer the client holds: when the build gives that same analysis, it is not sent again. */
  knownAnalysis?: string;
}

/** `layerwise/build`'s answer with the image's analysis, and the key to name it by next time. */
export interface BuildAnswerFull extends BuildResult {
  analysisKey?: string;
}

/** `layerwise/build`'s answer when the analysis is the one the client named in `knownAnalysis`. */
export interface BuildAnswerSame {
  sameAnalysis: string;
  durationMs: number;
  cachedLayers?: BuildResult['cachedLayers'];
}

export type BuildAnswer = BuildAnswerFull | BuildAnswerSame;

/** `layerwise/cancelBuild`: stops a build (also one whose request has not arrived yet). */
export interface CancelBuildParams {
  id: string;
}

export interface InspectParams {
  /**
   * The image as a user names it: a reference or digest in the store, an archive file
   * (docker-archive, oci-archive), an OCI layout folder, or `docker-archive:FILE:REF` forms.
   */
  ref: string;
  /** A Dockerfile to match the image's history against. */
  dockerfile?: string;
}

/** RUN sandbox choice of the embedded builder; `off` makes RUN steps fail with a clear error. */
export type SandboxSetting = 'auto' | 'bubblewrap' | 'chroot' | 'off';

/** Settings the client sends at start and on change (the `layerwise` section). */
export interface ServerSettings {
  /** Image store folder; empty for the default. */
  store: string;
  layerCountThreshold: number;
  /** Who builds: auto, embedded, docker or buildah (docs/builders.md). */
  builder: BuilderChoice;
  /** How the embedded builder sandboxes RUN steps. */
  sandbox: SandboxSetting;
  /** Rule ID or name -> severity, or 'off'. */
  severities: Record<string, Severity | 'off'>;
  /** Rule IDs or names never reported. */
  ignored: string[];
  /** The shellcheck binary; '' looks it up on PATH, 'off' disables it. */
  shellcheckPath: string;
  /** Additions to the built-in base-image table, by repository or reference. */
  baseImages: Record<string, BaseOverride>;
}

/** What the server uses until the client says otherwise. */
export const DEFAULT_SERVER_SETTINGS: ServerSettings = { store: '', layerCountThreshold: 20, builder: 'auto', sandbox: 'auto', severities: {}, ignored: [], shellcheckPath: '', baseImages: {} };

export const Requests = {
  build: 'layerwise/build',
  inspect: 'layerwise/inspect',
  images: 'layerwise/images',
  pull: 'layerwise/pull',
  push: 'layerwise/push',
  export: 'layerwise/export',
  compare: 'layerwise/compare',
  stages: 'layerwise/stages',
  cancelBuild: 'layerwise/cancelBuild',
  lintFiles: 'layerwise/lintFiles',
  fileContent: 'layerwise/fileContent',
  run: 'layerwise/run',
  stopRun: 'layerwise/stopRun',
} as const;

/** Server -> client: output of a running container, as it comes. */
export const Notifications = {
  runOutput: 'layerwise/runOutput',
} as const;

/** `layerwise/images`: the store's images with the bytes they share, and the store's totals. */
export interface ImagesResult {
  images: ImageSummary[];
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
  /** The step that failed, as the log names it (`[2/3] RUN make`). */
  step?: string;
}

/**
 * One image of the store, as the Images view lists it: the bytes it shares with other images,
 * and its efficiency and waste once it has been analysed (built, inspected).
 */
export interface ImageSummary extends ImageSharing {
  /** As Docker prints it (`hello:latest`). */
  name: string;
  efficiency?: number;
  wastedBytes?: number;
}

export interface PullParams {
  ref: string;
  platform?: string;
}

export interface PullResult {
  ref: string;
  digest: string;
  size: number;
  downloaded: number;
  layers: number;
  durationMs: number;
}

export interface PushParams {
  /** A store image. */
  image: string;
  /** Where to push; default the image's own name. */
  destination?: string;
}

export interface PushResult {
  /** `REF@DIGEST` as pushed. */
  ref: string;
  uploaded: number;
  durationMs: number;
}

/** docker-archive and oci-archive are one tar (it is both); oci-layout is a folder. */
export type ExportFormat = 'docker-archive' | 'oci-archive' | 'oci-layout';

export interface ExportParams {
  image: string;
  format: ExportFormat;
  /** The tar file or folder to write (absolute). */
  destination: string;
}

export interface CompareParams {
  a: string;
  b: string;
}

export interface CompareResult {
  diff: ImageDiff;
  /** The comparison as `layerwise diff` prints it. */
  text: string;
}

export interface StagesParams {
  uri: string;
}

/** What the Build Image pickers offer: stage names (in order) and the ARGs a build may set. */
export interface StagesResult {
  stages: { name?: string; index: number; from: string }[];
  args: { name: string; default?: string }[];
}

export interface LintFilesParams {
  /** Dockerfiles as file: URIs; diagnostics are published for each. */
  uris: string[];
}

export interface LintFilesResult {
  files: number;
  findings: number;
  errors: number;
}

export interface FileContentParams {
  /** The analysed image's manifest digest (the server remembers where it read it). */
  image: string;
  layer: number;
  path: string;
}

/** A file's content as one layer stores it; anything not shown as text says why. */
export type FileContent =
  | { kind: 'text'; text: string; size: number }
  | { kind: 'binary' | 'too-large'; size: number }
  | { kind: 'not-a-file'; type: string; linkTarget?: string }
  | { kind: 'missing' };

/** The client command a layer CodeLens runs: reveal that layer of that image in the Layers tree. */
export const REVEAL_LAYER_COMMAND = 'layerwise.revealLayer';

/** Which layer a CodeLens click reveals. */
export interface RevealLayerArgs {
  /** Manifest digest of the built image. */
  image: string;
  /** The layer's index in it. */
  layer: number;
}
