import { EngineError } from '../../errors';
import type { Descriptor, Index, Platform } from '../oci';

/** The annotation BuildKit puts on the attestation entries of an index. */
export const REFERENCE_TYPE = 'vnd.docker.reference.type';

const ARCH: Record<string, string> = {
  x64: 'amd64', x86_64: 'amd64', 'x86-64': 'amd64', amd64: 'amd64',
  ia32: '386', i386: '386', i686: '386', '386': '386',
  arm64: 'arm64', aarch64: 'arm64',
  arm: 'arm', armhf: 'arm', armel: 'arm',
  ppc64: 'ppc64le', ppc64le: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', mips64le: 'mips64le', loong64: 'loong64',
};

/** Docker's name for the host's architecture (process.arch x64 is amd64, and so on). */
export function hostPlatform(): Platform {
  const architecture = ARCH[process.arch] ?? process.arch;
  const platform: Platform = { os: 'linux', architecture };
  if (architecture === 'arm') {
    const v = (process.config.variables as Record<string, unknown>).arm_version;
    platform.variant = `v${typeof v === 'string' || typeof v === 'number' ? v : 7}`;
  }
  return platform;
}

/** Normalizes as containerd does: aarch64 -> arm64, armhf -> arm/v7, arm64/v8 -> arm64, arm -> arm/v7. */
export function normalizePlatform(p: Platform): Platform {
  const rawArch = (p.architecture ?? '').toLowerCase();
  const architecture = ARCH[rawArch] ?? rawArch;
  let variant = p.variant?.toLowerCase() || undefined;
  if (rawArch === 'armhf' && !variant) variant = 'v7';
  if (rawArch === 'armel' && !variant) variant = 'v6';
  if (architecture === 'arm64' && (variant === 'v8' || variant === '8')) variant = undefined;
  if (architecture === 'arm' && !variant) variant = 'v7';
  if (variant && /^\d+$/.test(variant)) variant = `v${variant}`;
  const out: Platform = { os: (p.os ?? '').toLowerCase(), architecture };
  if (variant) out.variant = variant;
  return out;
}

/** `linux/arm64`, `linux/arm/v7`, `linux/amd64` (as `--platform` takes them); the OS defaults to linux. */
export function parsePlatform(spec: string): Platform {
  const parts = spec.trim().split('/');
  if (parts.some((p) => p === '') || parts.length > 3) throw new EngineError('USAGE', `--platform must be os/arch[/variant], e.g. linux/arm64, not "${spec}"`);
  const [os, architecture, variant] = parts.length === 1 ? ['linux', parts[0]] : parts;
  return normalizePlatform({ os, architecture, variant });
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** An index entry that is not an image: BuildKit's attestations, unknown/unknown entries. */
export function isAttestation(d: Descriptor): boolean {
  return d.annotations?.[REFERENCE_TYPE] === 'attestation-manifest' || (d.platform?.os === 'unknown' && d.platform?.architecture === 'unknown');
}

/** The index's images (attestations left out), with their platforms, for messages. */
export function platformsOf(index: Index): string[] {
  return index.manifests.filter((d) => !isAttestation(d) && d.platform).map((d) => formatPlatform(normalizePlatform(d.platform!)));
}

/**
 * The index entry for `want`: os and architecture must match; a wanted variant must match too,
 * except that 32-bit arm falls back to older variants (v7 runs v6 and v5 images). Without a
 * wanted variant, an entry without variant is preferred. Attestations are never chosen.
 */
export function selectManifest(index: Index, wanted: Platform): Descriptor | undefined {
  const want = normalizePlatform(wanted);
  const candidates = index.manifests
    .filter((d) => !isAttestation(d) && d.platform)
    .map((d) => ({ d, p: normalizePlatform(d.platform!) }))
    .filter(({ p }) => p.os === want.os && p.architecture === want.architecture);
  // Entries without a platform (some hand-made indexes) are taken as containerd takes them:
  // as candidates when nothing else matches; the pulled config says what they are.
  if (candidates.length === 0) return index.manifests.find((d) => !isAttestation(d) && !d.platform);
  if (want.variant) {
    for (const v of variantOrder(want.architecture, want.variant)) {
      const hit = candidates.find(({ p }) => p.variant === v);
      if (hit) return hit.d;
    }
    return undefined;
  }
  return (candidates.find(({ p }) => !p.variant) ?? candidates[0]).d;
}

/** Variants a machine of this variant runs, best first: arm/v7 runs v7, v6 and v5 images. */
function variantOrder(architecture: string, variant: string): string[] {
  const arm = ['v8', 'v7', 'v6', 'v5'];
  const i = arm.indexOf(variant);
  return architecture === 'arm' && i >= 0 ? arm.slice(i) : [variant];
}
