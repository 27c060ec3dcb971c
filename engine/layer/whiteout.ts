import * as path from 'node:path';

/**
 * OCI whiteouts: a deletion in a layer is an empty file named `.wh.<name>` beside the deleted
 * path; `.wh..wh..opq` in a directory hides everything the lower layers had in it.
 */
const PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';

export type Whiteout = { kind: 'delete'; target: string } | { kind: 'opaque'; dir: string };

/** What an image path in a layer means as a whiteout, or undefined for an ordinary entry. */
export function parseWhiteout(imagePath: string): Whiteout | undefined {
  const base = path.posix.basename(imagePath);
  if (!base.startsWith(PREFIX)) return undefined;
  const dir = path.posix.dirname(imagePath);
  if (base === OPAQUE) return { kind: 'opaque', dir };
  return { kind: 'delete', target: path.posix.join(dir, base.slice(PREFIX.length)) };
}

/** The whiteout entry path that deletes `imagePath`. */
export function whiteoutFor(imagePath: string): string {
  return path.posix.join(path.posix.dirname(imagePath), PREFIX + path.posix.basename(imagePath));
}

/** The entry path that marks `dir` opaque. */
export function opaqueMarkerFor(dir: string): string {
  return path.posix.join(dir, OPAQUE);
}
