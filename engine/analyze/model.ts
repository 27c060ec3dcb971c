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

/** What a tar header says of a path: the attributes every view of a file shares. */
export interface FileAttributes {
  type: EntryType;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkTarget?: string;
}

/** One path a layer changed. `size` is the bytes this layer stores for it (0 for deletions). */
export interface FileChange extends FileAttributes {
  path: string;
  kind: ChangeKind;
  /** Seconds since the epoch, as the tar header says (absent on deletions). */
  mtime?: number;
  /** `sha256:` of the file's bytes, when the analysis hashed content (files only). */
  digest?: string;
  /**
   * Bytes of earlier layers this change made invisible: the replaced copy (a chmod copies the
   * whole file up), everything below a deleted or replaced folder, what an opaque folder hides.
   * Hard-linked content counts where its last visible link goes.
   */
  hides?: number;
  /** This layer's copy is what the final filesystem shows (additions and modifications only). */
  live?: boolean;
  /** The layer that made this copy invisible (replaced, deleted, or cleared it), when one did. */
  hiddenBy?: number;
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
  /** Bytes of the uncompressed tar (equal to `size` for uncompressed layers). */
  uncompressedSize?: number;
  /** How the blob is compressed. */
  compression?: 'none' | 'gzip' | 'zstd';
  /** The layer belongs to the base (FROM) image. */
  base?: boolean;
  /** Bytes of file content this layer stores that the final filesystem does not show. */
  wastedBytes?: number;
  /** Bytes of earlier layers' content this layer made invisible (sum of its changes' `hides`). */
  hiddenBytes?: number;
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
  /** Permission bits of this copy (a chmod-only change shows here). */
  mode?: number;
  /** `sha256:` of this copy's bytes, when content was hashed. */
  digest?: string;
  /** This copy is the one the final filesystem shows. */
  live?: boolean;
  /** A deletion that came from a folder above: the folder deleted, cleared (opaque) or replaced. */
  via?: string;
}

/** A node of the merged filesystem, as a container would see it. */
export interface FileNode extends FileAttributes {
  name: string;
  path: string;
  /** Files: their size; directories: the sum of everything visible below. */
  size: number;
  /** The layer whose copy is visible. */
  layer: number;
  /** Every layer that wrote this path, oldest first (earlier copies are hidden bytes). */
  history: PathEvent[];
  children?: FileNode[];
  /** `sha256:` of the visible content, when content was hashed (files and hard links). */
  digest?: string;
  /** Seconds since the epoch, from the visible copy's tar header. */
  mtime?: number;
  /** Bytes stored in some layer at this path (folders: at or below it) that are not visible. */
  wasted?: number;
  /** Folders: number of paths visible below it. */
  count?: number;
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
  /** The Dockerfile our build read, or the one given to match history against. */
  dockerfile?: string;
  /** Where the image was read from. */
  source?: ImageSourceInfo;
  variant?: string;
  /** Sum of the uncompressed layer tars. */
  uncompressedSize?: number;
  /** Which leading layers are the base (FROM) image, and how that was decided. */
  base?: BaseInfo;
  /** The base group (when it has layers) then the own group (when it has layers). */
  groups?: LayerGroup[];
  /** Waste and efficiency: ours, and dive's for comparison. */
  efficiency?: EfficiencyFigures;
  /** Every path with bytes stored but not visible, largest first. */
  waste?: WastedPath[];
  /** Whether file content was hashed (FileChange.digest, FileNode.digest). */
  contentDigests?: boolean;
}

export type ImageSourceKind = 'store' | 'docker-archive' | 'oci-archive' | 'oci-layout';

export interface ImageSourceInfo {
  kind: ImageSourceKind;
  /** The store folder, archive file or layout folder. */
  location: string;
}

/**
 * The base image: its layers are the first `layers` of this image. `how` says how we know:
 * `option` (--base), `provenance` (our build recorded it), `image` (another image we can see
 * has exactly those layers), `dockerfile` (history matched to the Dockerfile's final stage),
 * `first-layer` (nothing known: dive's assumption, layer 0), `none` (no layers).
 */
export interface BaseInfo {
  layers: number;
  how: 'option' | 'provenance' | 'image' | 'dockerfile' | 'first-layer' | 'none';
  /** The base image's name, when known. */
  ref?: string;
  /** The base image's manifest digest, when an image with exactly these layers is at hand. */
  digest?: Digest;
}

/**
 * Consecutive layers that belong together: the base (FROM) image's, or the ones the Dockerfile
 * added (`own`). Sizes and waste are sums over its layers.
 */
export interface LayerGroup {
  kind: 'base' | 'own';
  /** The base image's name and digest, when known (base group only). */
  ref?: string;
  digest?: Digest;
  /** Its layers are `first` .. `first + layers - 1`. */
  first: number;
  layers: number;
  /** Layer blobs as stored. */
  size: number;
  /** File content the layers store. */
  contentSize: number;
  /** Of that content, bytes the final filesystem does not show. */
  wastedBytes: number;
  /** Bytes of earlier layers these layers made invisible. */
  hiddenBytes: number;
  /** Base group: its bytes that the own layers hid (deleted or copied up). */
  hiddenByOwn?: number;
  /** Paths the layers changed. */
  changes: number;
}

/** A path whose bytes are (partly) not visible: deleted, replaced, or under a cleared folder. */
export interface WastedPath {
  path: string;
  /** Bytes of this path's copies that are not visible (hard-linked content counted once). */
  bytes: number;
  /** The path still exists in the final filesystem (a later copy is visible). */
  visible: boolean;
  copies: { layer: number; kind: ChangeKind; size: number; hiddenBy?: number }[];
}

/**
 * Our figures count each stored byte once: `wastedBytes` is content stored in some layer and
 * not visible at the end. dive's are computed as dive computes them (see docs/analysis.md).
 */
export interface EfficiencyFigures {
  /** Bytes of file content stored across all layers (hard-linked content once). */
  storedBytes: number;
  /** Bytes of file content the final filesystem shows. */
  visibleBytes: number;
  wastedBytes: number;
  /** visibleBytes / storedBytes (1 when nothing is stored). */
  efficiency: number;
  /** Content stored by layers after the base. */
  userSizeBytes: number;
  /** Waste in layers after the base. */
  userWastedBytes: number;
  /** userWastedBytes / userSizeBytes (0 when the user layers store nothing). */
  userWastedPercent: number;
  /** Base-layer bytes hidden by layers after the base (rm of base files, chmod copy-ups). */
  baseBytesHiddenByUser: number;
  dive: {
    efficiency: number;
    wastedBytes: number;
    userSizeBytes: number;
    /** null when dive divides by zero (no bytes after layer 0). */
    userWastedPercent: number | null;
  };
}

/** The result of a build: what was built, and how long it took. */
export interface BuildResult {
  image: ImageAnalysis;
  durationMs: number;
  /** Digests of the layers this build took from the step cache instead of making them. */
  cachedLayers?: Digest[];
}
