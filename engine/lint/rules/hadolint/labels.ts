import type { KeyValue, Stage } from '../../../dockerfile/types';
import type { LabelType, LintInput, Rule } from '../../types';
import { dlRule, dropQuotes, instructionsOf, parentStage, stagesUsedAsBase, type DLMeta, type Hit } from './define';

const SPDX_IDS: ReadonlySet<string> = new Set<string>([...require('spdx-license-ids'), ...require('spdx-license-ids/deprecated')]);

/** Every LABEL pair of a stage, in order. */
function labelsOf(stage: Stage): KeyValue[] {
  return stage.instructions.filter((i) => i.keyword === 'LABEL').flatMap((i) => i.keyValues);
}

const allLabels = (input: LintInput) => instructionsOf(input.dockerfile, 'LABEL').flatMap((p) => p.ins.keyValues);
const valueOf = (kv: KeyValue) => dropQuotes(kv.value?.value ?? '');

export const DL3048: Rule = dlRule({ id: 'DL3048', name: 'label-key', severity: 'style', message: 'Invalid label key.' }, (input) =>
  allLabels(input)
    .filter((kv) => {
      const k = kv.key.value;
      return (
        !/^[a-z]/.test(k) ||
        !/[a-z0-9]$/.test(k) ||
        /[^a-z0-9.-]/.test(k) ||
        /^(com\.docker\.|io\.docker\.|org\.dockerproject\.)/.test(k) ||
        k.includes('..') ||
        k.includes('--')
      );
    })
    .map((kv) => kv.key.range),
);

/** Stages whose labels end up in an image: the ones no later FROM builds on. */
function finalStages(input: LintInput): Stage[] {
  const used = stagesUsedAsBase(input.dockerfile.stages);
  return input.dockerfile.stages.filter((s) => !used.has(s));
}

/** Labels a stage carries, its own and those of the stages it builds on. */
function inheritedLabels(stage: Stage, stages: Stage[]): KeyValue[] {
  const parent = parentStage(stage, stages);
  return [...(parent ? inheritedLabels(parent, stages) : []), ...labelsOf(stage)];
}

export const DL3049: Rule = dlRule({ id: 'DL3049', name: 'label-missing', severity: 'info', message: 'Label is missing.' }, (input) => {
  const hits: Hit[] = [];
  if (Object.keys(input.options.labelSchema).length === 0) return hits;
  for (const stage of finalStages(input)) {
    const have = new Set(inheritedLabels(stage, input.dockerfile.stages).map((kv) => kv.key.value));
    for (const label of Object.keys(input.options.labelSchema)) {
      if (!have.has(label)) hits.push({ range: stage.from.range, message: `Label \`${label}\` is missing.` });
    }
  }
  return hits;
});

export const DL3050: Rule = dlRule({ id: 'DL3050', name: 'label-superfluous', severity: 'info', message: 'Superfluous label(s) present.' }, (input) => {
  if (!input.options.strictLabels) return [];
  return allLabels(input)
    .filter((kv) => !(kv.key.value in input.options.labelSchema))
    .map((kv) => ({ range: kv.key.range, message: `Superfluous label \`${kv.key.value}\` present.` }));
});

export const DL3051: Rule = dlRule({ id: 'DL3051', name: 'label-empty', severity: 'warning', message: 'Label is empty.' }, (input) =>
  (Object.keys(input.options.labelSchema).length > 0 ? allLabels(input) : [])
    .filter((kv) => kv.key.value in input.options.labelSchema && valueOf(kv) === '')
    .map((kv) => ({ range: kv.range, message: `Label \`${kv.key.value}\` is empty.` })),
);

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
// RFC 5322 addr-spec, dot-atom local part (what hadolint's email-validate accepts in practice).
const EMAIL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

function validUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return /^[a-z][a-z0-9+.-]*:$/.test(u.protocol) && (u.host !== '' || u.protocol === 'mailto:' || u.protocol === 'urn:');
  } catch {
    return false;
  }
}

function validTime(v: string): boolean {
  if (!RFC3339.test(v)) return false;
  return !Number.isNaN(Date.parse(v.replace(' ', 'T')));
}

/** A rule for labels of one schema type whose values must pass `valid`. */
function typedLabelRule(meta: DLMeta, type: LabelType, what: string, valid: (v: string) => boolean): Rule {
  return dlRule(meta, (input) =>
    (Object.values(input.options.labelSchema).includes(type) ? allLabels(input) : [])
      .filter((kv) => input.options.labelSchema[kv.key.value] === type && valueOf(kv) !== '' && !valueOf(kv).includes('$') && !valid(valueOf(kv)))
      .map((kv) => ({ range: kv.value?.range ?? kv.range, message: `Label \`${kv.key.value}\` ${what}` })),
  );
}

export const DL3052 = typedLabelRule({ id: 'DL3052', name: 'label-url', severity: 'warning', message: 'Label is not a valid URL.' }, 'url', 'is not a valid URL.', validUrl);
export const DL3053 = typedLabelRule(
  { id: 'DL3053', name: 'label-time', severity: 'warning', message: 'Label is not a valid time format - must conform to RFC3339.' },
  'rfc3339',
  'is not a valid time format - must conform to RFC3339.',
  validTime,
);
export const DL3054 = typedLabelRule({ id: 'DL3054', name: 'label-spdx', severity: 'warning', message: 'Label is not a valid SPDX license identifier.' }, 'spdx', 'is not a valid SPDX license identifier.', (v) =>
  SPDX_IDS.has(v),
);
export const DL3055 = typedLabelRule({ id: 'DL3055', name: 'label-git-hash', severity: 'warning', message: 'Label is not a valid git hash.' }, 'hash', 'is not a valid git hash.', (v) =>
  /^[0-9a-f]{7,40}$/i.test(v) || /^[0-9a-f]{64}$/i.test(v),
);
export const DL3056 = typedLabelRule({ id: 'DL3056', name: 'label-semver', severity: 'warning', message: 'Label does not conform to semantic versioning.' }, 'semver', 'does not conform to semantic versioning.', (v) =>
  SEMVER.test(v),
);
export const DL3058 = typedLabelRule(
  { id: 'DL3058', name: 'label-email', severity: 'warning', message: 'Label is not a valid email format - must conform to RFC5322.' },
  'email',
  'is not a valid email format - must conform to RFC5322.',
  (v) => EMAIL.test(v),
);

/** hadolint's rules about LABEL keys and the label-schema of `.hadolint.yaml`. */
export const LABEL_RULES: readonly Rule[] = [DL3048, DL3049, DL3050, DL3051, DL3052, DL3053, DL3054, DL3055, DL3056, DL3058];
