/**
 * The layer analysis: one structure read by `layerwise inspect --json`, the language server
 * and the VS Code tree. Provenance is data: every layer knows the instruction (and, for
 * our builds, the Dockerfile range) that made it, and every file knows its layers.
 */
import type { Range } from '../dockerfile/types';
import type { EntryType } from '../layer/entry';
import type { ContainerConfig, Digest } from '../image/oci';

export type ChangeKind = 'added' | 'modified' | 'deleted' | 'opaque';

/** Where an instruction sits in a Dockerfile. Ranges are 0-based (LSP convention). */
export interface SourceLocation {
  file: string;
  range: Range;
}

/** One path a layer changed. `size` is the bytes this layer stores for it (0 for deletions). */
export interface FileChange {
  path: string;
  kind: ChangeKind;
  type: EntryType;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkTarget?: string;
}

export interface LayerAnalysis {
  /** 0-based position in the manifest. */
  index: number;
  digest: Digest;
  diffId: Digest;
  mediaType: string;
  /** Bytes of the blob as stored (tar headers and padding included; compressed for pulled layers). */
  size: number;
  /** The history entry that made it, when history maps onto layers. */
  historyIndex?: number;
  createdBy: string;
  /** `created_by` as a person reads it: no `/bin/sh -c #(nop)` or `# buildkit` noise. */
  instruction: string;
  source?: SourceLocation;
  /** Every path it changed, in tar order. */
  files: FileChange[];
  /** Sum of the sizes of the files it adds or replaces. */
  contentSize: number;
}

export interface HistoryStep {
  index: number;
  createdBy: string;
  instruction: string;
  emptyLayer: boolean;
  created?: string;
  /** The layer it made, when not empty. */
  layer?: number;
  source?: SourceLocation;
}

/** A layer that wrote a path: added it, replaced it, or deleted it. */
export interface PathEvent {
  layer: number;
  kind: ChangeKind;
  size: number;
}

/** A node of the merged filesystem, as a container would see it. */
export interface FileNode {
  name: string;
  path: string;
  type: EntryType;
  /** Files: their size; directories: the sum of everything visible below. */
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkTarget?: string;
  /** The layer whose copy is visible. */
  layer: number;
  /** Every layer that wrote this path, oldest first (earlier copies are hidden bytes). */
  history: PathEvent[];
  children?: FileNode[];
}

export interface ImageAnalysis {
  /** Normalized reference, when the image was reached through one. */
  ref?: string;
  /** The reference as Docker prints it (`hello:latest`), or the short digest. */
  name: string;
  /** Manifest digest: the image's identity. */
  digest: Digest;
  configDigest: Digest;
  os: string;
  architecture: string;
  created?: string;
  /** Sum of the layer blobs. */
  size: number;
  layers: LayerAnalysis[];
  history: HistoryStep[];
  /** The merged filesystem; the root is "/". */
  tree: FileNode;
  config: ContainerConfig;
  /** The Dockerfile our build read, when known. */
  dockerfile?: string;
}

/** The result of a build: what was built, and how long it took. */
export interface BuildResult {
  image: ImageAnalysis;
  durationMs: number;
}
