import type { Stage } from '../../../dockerfile/types';
import type { Rule } from '../../types';
import { dlRule, flagOf } from './define';

/** An image reference split as hadolint splits it: registry (when the first part looks like a host), name, tag, digest. */
export interface ImageParts {
  registry: string | undefined;
  name: string;
  tag: string | undefined;
  digest: string | undefined;
}

/** Splits `registry/name:tag@digest`. */
export function imageParts(ref: string): ImageParts {
  const at = ref.indexOf('@');
  const digest = at < 0 ? undefined : ref.slice(at + 1);
  let rest = at < 0 ? ref : ref.slice(0, at);
  const colon = rest.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  const registry = first && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : undefined;
  return { registry, name: registry ? rest.slice(slash + 1) : rest, tag, digest };
}

// FROM words naming an earlier stage (`FROM build`) or scratch are not images.
function earlierStage(stage: Stage, stages: Stage[]): boolean {
  const word = stage.base?.value.toLowerCase();
  return stages.some((s) => s.index < stage.index && s.name === word);
}

const eachFrom = (stages: Stage[], pick: (s: Stage) => boolean) => stages.filter(pick).map((s) => s.base?.range ?? s.from.range);
const imageOf = (s: Stage) => s.base?.value ?? '';
const isImage = (s: Stage, stages: Stage[]) => !!s.base && imageOf(s).toLowerCase() !== 'scratch' && !earlierStage(s, stages) && !imageOf(s).includes('$');

export const DL3006: Rule = dlRule(
  { id: 'DL3006', name: 'tag-image-version', severity: 'warning', message: 'Always tag the version of an image explicitly' },
  ({ dockerfile: { stages } }) => eachFrom(stages, (s) => isImage(s, stages) && !imageParts(imageOf(s)).tag && !imageParts(imageOf(s)).digest),
);

export const DL3007: Rule = dlRule(
  { id: 'DL3007', name: 'no-latest-tag', severity: 'warning', message: 'Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag' },
  ({ dockerfile: { stages } }) => eachFrom(stages, (s) => isImage(s, stages) && imageParts(imageOf(s)).tag === 'latest' && !imageParts(imageOf(s)).digest),
);

export const DL3024: Rule = dlRule(
  { id: 'DL3024', name: 'unique-stage-names', severity: 'error', message: 'FROM aliases (stage names) must be unique' },
  ({ dockerfile: { stages } }) =>
    stages.filter((s) => s.name !== undefined && stages.some((p) => p.index < s.index && p.name === s.name)).map((s) => s.nameRange ?? s.from.range),
);

export const DL3026: Rule = dlRule(
  { id: 'DL3026', name: 'trusted-registry', severity: 'error', message: 'Use only an allowed registry in the FROM image' },
  ({ dockerfile: { stages }, options }) => {
    const allowed = new Set(options.trustedRegistries);
    if (allowed.size === 0) return [];
    return eachFrom(stages, (s) => {
      if (!isImage(s, stages)) return false;
      const { registry } = imageParts(imageOf(s));
      if (registry) return !allowed.has(registry) && !(registry === 'docker.io' && allowed.has('hub.docker.com'));
      return !allowed.has('docker.io') && !allowed.has('hub.docker.com');
    });
  },
);

export const DL3029: Rule = dlRule(
  { id: 'DL3029', name: 'no-from-platform', severity: 'warning', message: 'Do not use --platform flag with FROM' },
  ({ dockerfile: { stages } }) =>
    stages.flatMap((s) => s.from.flags.filter((f) => f.name === 'platform' && !(f.value ?? '').includes('$')).map((f) => f.range)),
);

export const DL3061: Rule = dlRule(
  { id: 'DL3061', name: 'from-first', severity: 'error', message: 'Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment.' },
  ({ dockerfile }) => {
    const first = dockerfile.instructions.findIndex((i) => i.keyword === 'FROM');
    const before = first < 0 ? dockerfile.instructions : dockerfile.instructions.slice(0, first);
    return before.filter((i) => i.keyword !== 'ARG').map((i) => i.keywordRange);
  },
);

export const DL3063: Rule = dlRule(
  { id: 'DL3063', name: 'reserved-stage-name', severity: 'warning', message: 'Stage name should not be a reserved word' },
  ({ dockerfile: { stages } }) => stages.filter((s) => s.name === 'scratch' || s.name === 'context').map((s) => s.nameRange ?? s.from.range),
);

export const DL3065: Rule = dlRule(
  { id: 'DL3065', name: 'redundant-target-platform', severity: 'warning', message: 'Setting `FROM --platform` to predefined `$TARGETPLATFORM` is redundant as this is the default behavior' },
  ({ dockerfile: { stages } }) =>
    stages.filter((s) => ['$TARGETPLATFORM', '${TARGETPLATFORM}'].includes(flagOf(s.from, 'platform') ?? '')).map((s) => s.from.flags.find((f) => f.name === 'platform')!.range),
);

/** hadolint's rules about FROM and stages. */
export const STAGE_RULES: readonly Rule[] = [DL3006, DL3007, DL3024, DL3026, DL3029, DL3061, DL3063, DL3065];
