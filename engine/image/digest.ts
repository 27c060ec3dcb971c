import { createHash } from 'node:crypto';
import type { Digest } from './oci';

/** The sha256 digest of some bytes. */
export function sha256(data: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** True for a well-formed sha256 digest (the only algorithm the store accepts). */
export function isDigest(value: string): value is Digest {
  return /^sha256:[a-f0-9]{64}$/.test(value);
}

/** The hex part of a digest, for file names. */
export function digestHex(digest: Digest): string {
  return digest.slice('sha256:'.length);
}

/** The short form people read: the first 12 hex characters. */
export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

/**
 * JSON bytes for a blob. Key order is the object's insertion order, which the engine keeps
 * stable, so the same image always serializes to the same digest.
 */
export function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
