import { EngineError } from '../../errors';
import { Annotation, MediaType, type Descriptor, type Digest, type Index, type Platform } from '../../image/oci';
import { normalizeReference } from '../../image/reference';
import { formatPlatform as formatRegistryPlatform, hostPlatform, isAttestation, parsePlatform as parseRegistryPlatform } from '../../image/registry/platform';

/** Reads JSON blobs by digest from wherever the image lives. */
export interface BlobJsonReader {
  readJSON<T>(digest: Digest): Promise<T>;
}

// Platforms are parsed, printed and detected one way everywhere (image/registry/platform.ts).
export { hostPlatform } from '../../image/registry/platform';

/** `os/arch[/variant]` as Docker writes it; inspect and diff want the OS spelled out. */
export function parsePlatform(text: string): Platform {
  if (!text.includes('/')) throw new EngineError('USAGE', `--platform wants os/arch[/variant] (linux/amd64, linux/arm64/v8), not "${text}"`);
  return parseRegistryPlatform(text);
}

/** `os/arch[/variant]`, or `unknown` for an entry without a platform. */
export function formatPlatform(p: Platform | undefined): string {
  return p ? formatRegistryPlatform(p) : 'unknown';
}

function platformMatches(have: Platform | undefined, want: Platform): boolean {
  if (!have) return false;
  if (have.os !== want.os || have.architecture !== want.architecture) return false;
  if (!want.variant || !have.variant) return true;
  return have.variant === want.variant;
}

const isIndex = (d: Descriptor) => d.mediaType === MediaType.ociIndex || d.mediaType === MediaType.dockerManifestList;

/**
 * Descends from an index entry to one image manifest: an index picks the manifest for the
 * platform (the host's when none is given; the only one when there is just one).
 */
export async function selectManifest(reader: BlobJsonReader, descriptor: Descriptor, platform: Platform | undefined, name: string): Promise<Descriptor> {
  let d = descriptor;
  for (let depth = 0; isIndex(d); depth++) {
    if (depth > 4) throw new EngineError('UNSUPPORTED', `${name}: image indexes nested too deep`);
    const index = await reader.readJSON<Index>(d.digest);
    d = pickPlatform(index.manifests, platform, name);
  }
  if (d.mediaType !== MediaType.ociManifest && d.mediaType !== MediaType.dockerManifest) {
    throw new EngineError('UNSUPPORTED', `${name} is a ${d.mediaType}, not an image manifest`);
  }
  return d;
}

/** The manifest of an index's list for a platform. */
export function pickPlatform(manifests: Descriptor[], platform: Platform | undefined, name: string): Descriptor {
  const images = manifests.filter((m) => !isAttestation(m));
  const want = platform ?? hostPlatform();
  const found = images.find((m) => platformMatches(m.platform, want));
  if (found) return found;
  if (!platform && images.length === 1) return images[0];
  const have = images.map((m) => formatPlatform(m.platform)).join(', ') || 'none';
  throw new EngineError('NOT_FOUND', `${name} has no image for ${formatPlatform(want)} (it has: ${have}); choose one with --platform`);
}

/** Names an index entry answers to: the containerd name (full reference) and the OCI ref name. */
export function entryNames(d: Descriptor): string[] {
  return [d.annotations?.[Annotation.containerdName], d.annotations?.[Annotation.refName]].filter((x): x is string => !!x);
}

function sameName(candidate: string, wanted: string): boolean {
  if (candidate === wanted) return true;
  try {
    return normalizeReference(candidate) === normalizeReference(wanted);
  } catch {
    return false;
  }
}

/**
 * The entry of a layout's index.json to analyse: the one named `ref` (full reference, or the
 * tag alone as OCI layouts name them), else the only image in it.
 */
export function selectIndexEntry(index: Index, ref: string | undefined, platform: Platform | undefined, name: string): Descriptor {
  const entries = index.manifests ?? [];
  if (entries.length === 0) throw new EngineError('NOT_FOUND', `${name} holds no image`);
  if (ref !== undefined) {
    const hit = entries.find((d) => entryNames(d).some((n) => sameName(n, ref))) ?? entries.find((d) => d.digest === ref);
    if (!hit) throw new EngineError('NOT_FOUND', `${name} has no image named "${ref}" (names: ${describeNames(entries)})`);
    return hit;
  }
  const distinct = new Set(entries.map((d) => d.digest));
  if (distinct.size === 1) return entries[0];
  // A layout without names whose entries are one image per platform is a multi-platform image.
  if (entries.every((d) => d.platform)) return pickPlatform(entries, platform, name);
  throw new EngineError('USAGE', `${name} holds ${distinct.size} images (${describeNames(entries)}); name one as ${name}:REF`);
}

function describeNames(entries: Descriptor[]): string {
  return entries.map((d) => entryNames(d)[0] ?? d.digest.slice(0, 19)).join(', ');
}
