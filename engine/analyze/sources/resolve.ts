import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Platform } from '../../image/oci';
import type { Store } from '../../image/store';
import type { ImageSourceKind } from '../model';
import { openLayoutImage } from './layout';
import { openStoreImage } from './store-source';
import type { ImageSource } from './types';

const PREFIXES: Record<string, ImageSourceKind> = {
  'docker-archive:': 'docker-archive',
  'oci-archive:': 'oci-archive',
  'oci:': 'oci-layout',
};

export interface OpenImageOptions {
  /** Opens the store, only when the image is not a path. */
  store: () => Promise<Store>;
  platform?: Platform;
}

/**
 * Opens an image named the way a user types it: `docker-archive:FILE[:REF]`,
 * `oci-archive:FILE[:REF]`, `oci:DIR[:REF]` (skopeo's transports), a path to an archive file or
 * a layout folder, or else a reference or digest in the local store.
 */
export async function openImage(spec: string, options: OpenImageOptions): Promise<ImageSource> {
  for (const [prefix, kind] of Object.entries(PREFIXES)) {
    if (!spec.startsWith(prefix)) continue;
    const { file, ref } = splitPathRef(spec.slice(prefix.length));
    return openLayoutImage(file, { kind, ref, platform: options.platform });
  }
  if (looksLikeImagePath(spec)) return openLayoutImage(path.resolve(spec), { platform: options.platform });
  return openStoreImage(await options.store(), spec, options.platform);
}

/** `FILE:REF` where FILE exists (the longest existing prefix wins: names may hold colons). */
function splitPathRef(text: string): { file: string; ref?: string } {
  if (fs.existsSync(text)) return { file: path.resolve(text) };
  for (let i = text.lastIndexOf(':'); i > 0; i = text.lastIndexOf(':', i - 1)) {
    const candidate = text.slice(0, i);
    if (fs.existsSync(candidate)) return { file: path.resolve(candidate), ref: text.slice(i + 1) || undefined };
  }
  return { file: path.resolve(text) };
}

/** A regular file, or a folder holding an OCI layout: anything else is a store reference. */
export function looksLikeImagePath(spec: string): boolean {
  try {
    const stat = fs.statSync(spec);
    if (stat.isFile()) return true;
    return stat.isDirectory() && fs.existsSync(path.join(spec, 'index.json'));
  } catch {
    return false;
  }
}
