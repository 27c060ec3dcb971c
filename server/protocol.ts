/**
 * The custom LSP requests between the Layerwise client and server. Defined once here; the
 * client imports these types (client -> server is the allowed direction).
 */
import type { BuildResult, ImageAnalysis } from '../engine/analyze/model';

export type { BuildResult, ImageAnalysis };

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
}

export interface InspectParams {
  /** An image reference or digest in the store. */
  ref: string;
}

/** Settings the client sends at start and on change. */
export interface ServerSettings {
  /** Image store folder; empty for the default. */
  store: string;
  layerCountThreshold: number;
}

export const Requests = {
  build: 'layerwise/build',
  inspect: 'layerwise/inspect',
} as const;

/** Build failure details the client turns into "Reveal Instruction". */
export interface BuildErrorData {
  code: string;
  location?: { file: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } };
}
