/**
 * The custom LSP requests between the Layerwise client and server. Defined once here; the
 * client imports these types (client -> server is the allowed direction).
 */
import type { ImageDiff } from '../engine/analyze/diff';
import type { BuildResult, ImageAnalysis } from '../engine/analyze/model';

export type { BuildResult, ImageAnalysis, ImageDiff };

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
  /** Chosen by the client, for `layerwise/cancelBuild`. */
  id?: string;
}

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

/** RUN sandbox choice; `off` makes RUN steps fail with a clear error. */
export type SandboxSetting = 'auto' | 'bubblewrap' | 'chroot' | 'off';

/** Who builds: our builder, or Docker / buildah with the image imported into the store. */
export type BuilderSetting = 'embedded' | 'docker' | 'buildah';

/** Settings the client sends at start and on change. */
export interface ServerSettings {
  /** Image store folder; empty for the default. */
  store: string;
  layerCountThreshold: number;
  sandbox: SandboxSetting;
  builder: BuilderSetting;
  /** Rule IDs or names never reported. */
  ignoredRules: string[];
  /** Per-rule severity overrides. */
  ruleSeverities: Record<string, 'error' | 'warning' | 'info' | 'style' | 'off'>;
  /** shellcheck binary; '' looks it up on PATH, 'off' disables it. */
  shellcheckPath: string;
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = { store: '', layerCountThreshold: 20, sandbox: 'auto', builder: 'embedded', ignoredRules: [], ruleSeverities: {}, shellcheckPath: '' };

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
} as const;

/** Build failure details the client turns into "Reveal Instruction". */
export interface BuildErrorData {
  code: string;
  location?: { file: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } };
  /** The step that failed, as the log names it (`[2/3] RUN make`). */
  step?: string;
}

/** One image of the store, as the Images view lists it. */
export interface ImageSummary {
  ref: string;
  /** As Docker prints it (`hello:latest`). */
  name: string;
  digest: string;
  size: number;
  layers: number;
  /** Known once the image has been analysed in this session (built, inspected). */
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
