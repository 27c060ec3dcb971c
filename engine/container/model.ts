/**
 * What `layerwise run` reports: the container's writable layer as changes with provenance (which
 * image layer a modified or deleted path came from, what the copy-up cost), shared by the CLI
 * (`run --json`), the language server's `layerwise/run` and the VS Code view.
 */
import type { FileChange } from '../analyze/model';
import type { Digest } from '../image/oci';

/** What a modified path changed, compared with the copy the image shows. */
export type ChangeAspect = 'content' | 'mode' | 'owner' | 'type' | 'linkTarget' | 'mtime';

/**
 * One path the container changed, as `docker diff` lists it (A, C, D) with provenance. `size` is
 * the bytes the writable layer stores for it (a copy-up stores the whole file; 0 for deletions).
 */
export interface ContainerChange extends Pick<FileChange, 'path' | 'kind' | 'type' | 'size' | 'mode' | 'uid' | 'gid' | 'linkTarget'> {
  kind: 'added' | 'modified' | 'deleted';
  /** Modified and deleted paths: the image layer whose copy was visible before. */
  fromLayer?: number;
  /** That copy's size (folders: everything visible below them). */
  lowerSize?: number;
  /** Modified files: the bytes the copy-up cost, the whole file even when only its mode changed. */
  copyUpBytes?: number;
  /** Deleted paths: image bytes the whiteout hides (they stay stored in the image's layers). */
  hiddenBytes?: number;
  /** Modified paths: what differs from the image's copy (a folder whose entries changed: none). */
  changed?: ChangeAspect[];
}

/** Counts and bytes per kind of change; folders whose only change is their entries are left out. */
export interface ChangeSummary {
  added: { count: number; bytes: number };
  /** bytes: what the copy-ups cost. */
  modified: { count: number; bytes: number };
  /** bytes: image bytes hidden by the whiteouts. */
  deleted: { count: number; bytes: number };
  /** Bytes the writable layer stores. */
  layerBytes: number;
}

/** One `layerwise run`: what ran, how it ended, what it changed, and proof the image did not. */
export interface ContainerRun {
  /** `instructions`: each layer's instruction, for naming the layer a change came from. */
  image: { name: string; ref: string | null; digest: Digest; layers: number; instructions: string[] };
  command: string[];
  sandbox: 'chroot' | 'bubblewrap';
  network: 'none' | 'host';
  /** The image's VOLUME paths: mounted as separate volumes, as Docker does, so changes there are not in the writable layer. */
  volumes: string[];
  /** The process's exit status (137 when it was killed, as Docker reports it). */
  exitCode: number;
  /** Why it was stopped, when it did not exit by itself. */
  stopped: 'timeout' | 'interrupted' | null;
  durationMs: number;
  /** Every changed path, sorted; parent folders (docker diff's "C /dir") included. */
  changes: ContainerChange[];
  summary: ChangeSummary;
  /** The image after the run: the same digest, and every blob it needs re-hashed. */
  imageAfter: { digest: Digest; unchanged: boolean; problems: string[] };
  /** The image made from the writable layer with --commit. */
  committed: { ref: string; digest: Digest; layer: Digest } | null;
}
