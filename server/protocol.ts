/**
 * The custom LSP requests between the Layerwise client and server. Defined once here; the
 * client imports these types (client -> server is the allowed direction).
 */
import type { BuildResult, ImageAnalysis } from '../engine/analyze/model';
import type { BaseOverride, Severity } from '../engine/lint/types';

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

/** Settings the client sends at start and on change (the `layerwise` section). */
export interface ServerSettings {
  /** Image store folder; empty for the default. */
  store: string;
  layerCountThreshold: number;
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
} as const;

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
