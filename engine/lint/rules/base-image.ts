import { DISTRO_SUFFIXES, LIFECYCLE, LIFECYCLE_CHECKED, type LifecycleEntry } from '../data/base-image-lifecycle';
import { SMALLER_VARIANTS, TOOLCHAINS } from '../data/base-image-variants';
import { baseReferences, type BaseReference } from '../base-references';
import { finalImageStages } from '../stage-chain';
import type { Finding, Fix, LintInput, Rule, Severity } from '../types';

function finding(rule: Rule, base: BaseReference, message: string, fixes: Fix[] = [], severity: Severity = rule.severity): Finding {
  return { rule: rule.id, severity, range: base.word.range, message, fixes, related: [] };
}

/** LW3001: a base image without a tag, or `latest`: each build may get a different image. */
export const baseUntaggedRule: Rule = {
  id: 'LW3001',
  name: 'base-untagged',
  severity: 'warning',
  description: 'A FROM image without a tag or with :latest changes under the Dockerfile whenever the tag moves.',
  check(input: LintInput): Finding[] {
    return baseReferences(input.dockerfile)
      .filter((b) => !b.ref.digest && (b.writtenTag === undefined || b.writtenTag === 'latest'))
      .map((b) => {
        const how = b.writtenTag === undefined ? `has no tag, so it means ${b.name}:latest` : 'uses :latest';
        const via = b.name !== b.word.value ? ` (${b.word.value} with its ARG defaults)` : '';
        return finding(baseUntaggedRule, b, `${b.name}${via} ${how}: the next build may get a different image, with other packages and other bugs. Pin a version tag (and a digest for fully repeatable builds).`);
      });
  },
};

function versionMatches(tag: string, version: string): boolean {
  return version === '*' || tag === version || tag.startsWith(`${version}.`) || tag.startsWith(`${version}-`);
}

function lifecycle(b: BaseReference): { entry: LifecycleEntry; viaTag: boolean } | undefined {
  if (b.ref.domain !== 'docker.io') return undefined;
  const tag = b.ref.tag ?? 'latest';
  const direct = LIFECYCLE.find((e) => e.repository === b.ref.path && versionMatches(tag, e.version));
  if (direct) return { entry: direct, viaTag: false };
  for (const suffix of DISTRO_SUFFIXES) {
    const m = suffix.pattern.exec(tag);
    if (!m) continue;
    const entry = LIFECYCLE.find((e) => e.repository === suffix.repository && e.version === suffix.version(m));
    if (entry) return { entry, viaTag: true };
  }
  return undefined;
}

/**
 * LW3002: a base image (or the Debian/Ubuntu/Alpine release its tag names) past its end of
 * life, or a deprecated image, from the dated table in lint/data/base-image-lifecycle.ts.
 */
export const baseEndOfLifeRule: Rule = {
  id: 'LW3002',
  name: 'base-end-of-life',
  severity: 'warning',
  description: 'The base image, or the distribution release its tag names, no longer gets security fixes.',
  check(input: LintInput): Finding[] {
    const today = new Date().toISOString().slice(0, 10);
    const out: Finding[] = [];
    for (const b of baseReferences(input.dockerfile)) {
      const found = lifecycle(b);
      if (!found || found.entry.eol > today) continue;
      const { entry, viaTag } = found;
      const name = entry.repository.replace('library/', '');
      const what = entry.version === '*' ? `the ${name} image is deprecated (since ${entry.eol})` : `${viaTag ? 'the ' : ''}${name} ${entry.version}${viaTag ? ' it is built on' : ''} reached end of life on ${entry.eol}`;
      const instead = viaTag ? `a tag of ${b.ref.path.replace('library/', '')} on a supported release (${entry.instead})` : entry.instead;
      out.push(finding(baseEndOfLifeRule, b, `${b.name}: ${what} and gets no security fixes. Use ${instead}. (Lifecycle table checked ${LIFECYCLE_CHECKED}.)`));
    }
    return out;
  },
};

// Docker Hub writes the variant before a Debian codename: python:3.12-slim-bookworm.
function withSuffix(tag: string | undefined, suffix: string): string {
  if (tag === undefined || tag === 'latest') return suffix.slice(1);
  const codename = /-(trixie|bookworm|bullseye|buster|stretch|jessie|noble|jammy|focal|bionic)$/.exec(tag);
  return codename ? `${tag.slice(0, codename.index)}${suffix}${codename[0]}` : `${tag}${suffix}`;
}

/**
 * LW3003: the image `docker build` produces starts from a full official image where a smaller
 * variant exists (-slim, -jre), or from a toolchain image; build stages are left alone.
 */
export const smallerVariantRule: Rule = {
  id: 'LW3003',
  name: 'smaller-base-variant',
  severity: 'info',
  description: 'The runtime stage starts from a full image where a smaller official variant exists.',
  check(input: LintInput): Finding[] {
    const root = finalImageStages(input.dockerfile).at(-1);
    const base = baseReferences(input.dockerfile).find((b) => b.stage === root);
    if (!base || base.ref.domain !== 'docker.io' || base.ref.digest) return [];
    const toolchain = TOOLCHAINS.find((t) => t.repository === base.ref.path);
    if (toolchain) {
      return [finding(smallerVariantRule, base, `The final image is built on ${base.name}, a whole toolchain. Build in a stage of its own and ship only the result: ${toolchain.instead}.`)];
    }
    const variant = SMALLER_VARIANTS.find((v) => v.repository === base.ref.path);
    if (!variant || variant.small.test(base.ref.tag ?? '')) return [];
    const tag = withSuffix(base.writtenTag, variant.suffix);
    const repo = base.name.split('@')[0].replace(/:[^/:]*$/, '');
    const fixes: Fix[] = base.word.value.includes('$') ? [] : [{ title: `Use ${repo}:${tag}`, edits: [{ range: base.word.range, newText: `${repo}:${tag}` }] }];
    return [finding(smallerVariantRule, base, `The final image is built on ${base.name}; ${repo}:${tag} has the same runtime without compilers and headers (${variant.sizes}).`, fixes)];
  },
};

/**
 * LW3004 (opt-in: on only when given a severity in the settings or .hadolint.yaml): a base
 * image not pinned by digest, so a tag pushed again changes the build.
 */
export const digestPinningRule: Rule = {
  id: 'LW3004',
  name: 'base-digest-pinning',
  severity: 'info',
  description: 'Opt-in: a FROM image not pinned by digest (image:tag@sha256:...).',
  check(input: LintInput): Finding[] {
    const setting = input.options.severities[digestPinningRule.id] ?? input.options.severities[digestPinningRule.name];
    if (setting === undefined || setting === 'off') return [];
    return baseReferences(input.dockerfile)
      .filter((b) => !b.ref.digest)
      .map((b) => finding(digestPinningRule, b, `${b.name} is not pinned by digest: a tag can be pushed again. Write ${b.name}@sha256:<digest> (docker buildx imagetools inspect ${b.name} shows it).`));
  },
};

// Docker Hub answers to several names; `*.example.com` allows every subdomain.
const HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'hub.docker.com']);
function trusted(domain: string, allowed: string[]): boolean {
  const host = domain.toLowerCase();
  return allowed.some((entry) => {
    const want = entry.trim().toLowerCase();
    if (want.startsWith('*.')) return host.endsWith(want.slice(1));
    return want === host || (HUB.has(want) && HUB.has(host));
  });
}

/**
 * LW3005: a base image from a registry outside the configured trusted list (`trustedRegistries`
 * in .hadolint.yaml or the settings); silent when no list is configured. Unlike hadolint's DL3026
 * it reads the image through ARG defaults and knows Docker Hub's other names.
 */
export const trustedRegistryRule: Rule = {
  id: 'LW3005',
  name: 'base-untrusted-registry',
  severity: 'warning',
  description: 'A FROM image comes from a registry outside the trusted list.',
  check(input: LintInput): Finding[] {
    const allowed = input.options.trustedRegistries;
    if (allowed.length === 0) return [];
    return baseReferences(input.dockerfile)
      .filter((b) => !trusted(b.ref.domain, allowed))
      .map((b) => finding(trustedRegistryRule, b, `${b.name} comes from ${b.ref.domain}, which is not a trusted registry (${allowed.join(', ')}).`));
  },
};

/** The base-image rules, in ID order. */
export const BASE_IMAGE_RULES: readonly Rule[] = [baseUntaggedRule, baseEndOfLifeRule, smallerVariantRule, digestPinningRule, trustedRegistryRule];
