import type { Digest, Platform } from '../oci';

/** What pull and push report while they work (the CLI prints these; the server could forward them). */
export type RegistryEvent =
  | { type: 'resolved'; ref: string; digest: Digest; mediaType: string }
  | { type: 'platform'; platform: Platform; digest: Digest; choices: string[] }
  | { type: 'blob'; phase: BlobPhase; digest: Digest; size: number; kind: 'config' | 'layer'; bytes?: number; from?: string }
  | { type: 'progress'; digest: Digest; bytes: number; size: number }
  | { type: 'compress'; phase: 'start' | 'done' | 'cached'; digest: Digest; size: number; compressed?: Digest; compressedSize?: number }
  | { type: 'retry'; what: string; attempt: number; delayMs: number; reason: string }
  | { type: 'manifest'; phase: 'pushed' | 'stored'; ref: string; digest: Digest; size: number }
  | { type: 'warning'; message: string };

/** start: transfer begins; exists: already there (store or registry); mounted: cross-repository mount; done: transferred and verified. */
export type BlobPhase = 'start' | 'exists' | 'mounted' | 'done';

export type EventSink = (event: RegistryEvent) => void;
