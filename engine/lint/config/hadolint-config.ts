import * as yaml from 'js-yaml';
import { EngineError } from '../../errors';
import type { LabelType, LintOptions, Severity } from '../types';

/** The exit-status threshold of `.hadolint.yaml` (`ignore` and `no-fail: true` read as none). */
export type FailureThreshold = Severity | 'none';

/** A `.hadolint.yaml` read into Layerwise's lint options. */
export interface LintConfig {
  /** The file it came from; undefined when no file was found. */
  path: string | undefined;
  options: Partial<LintOptions>;
  /** `failure-threshold`, for the CLI's exit status when `--failure-threshold` is not given. */
  failureThreshold?: FailureThreshold;
}

const LEVELS = ['error', 'warning', 'info', 'style'] as const;
const LABEL_TYPES: readonly LabelType[] = ['text', 'url', 'semver', 'hash', 'rfc3339', 'spdx', 'email'];
// Keys hadolint accepts that change its output or CLI behaviour, not what is found.
const PRESENTATION_KEYS = new Set(['format', 'no-color', 'verbose', 'disable-ignore-pragma', 'notrustedregistries']);

/**
 * Parses `.hadolint.yaml` text (hadolint's keys: ignored, override, failure-threshold,
 * trustedRegistries, label-schema, strict-labels, no-fail). Throws EngineError('PARSE')
 * naming the file and the key at fault; an empty file is an empty configuration.
 */
export function parseHadolintConfig(text: string, file: string): LintConfig {
  let doc: unknown;
  try {
    doc = yaml.load(text, { filename: file });
  } catch (e) {
    throw new EngineError('PARSE', `${file}: not valid YAML: ${(e as Error).message}`, { cause: e });
  }
  const config: LintConfig = { path: file, options: {} };
  if (doc === null || doc === undefined) return config;
  if (!isMap(doc)) throw bad(file, 'the top level must be a mapping of settings');
  for (const [key, value] of Object.entries(doc)) {
    switch (key) {
      case 'ignored':
        config.options.ignored = stringList(value, file, key);
        break;
      case 'override':
        config.options.severities = overrides(value, file);
        break;
      case 'failure-threshold':
        config.failureThreshold = threshold(value, file);
        break;
      case 'no-fail':
        if (typeof value !== 'boolean') throw bad(file, 'no-fail must be true or false');
        if (value) config.failureThreshold = 'none';
        break;
      case 'trustedRegistries':
      case 'trusted-registries':
        config.options.trustedRegistries = stringList(value, file, key);
        break;
      case 'label-schema':
        config.options.labelSchema = labelSchema(value, file);
        break;
      case 'strict-labels':
        if (typeof value !== 'boolean') throw bad(file, 'strict-labels must be true or false');
        config.options.strictLabels = value;
        break;
      default:
        if (!PRESENTATION_KEYS.has(key)) throw bad(file, `unknown setting "${key}" (hadolint knows ignored, override, failure-threshold, trustedRegistries, label-schema, strict-labels)`);
    }
  }
  return config;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (file: string, what: string) => new EngineError('PARSE', `${file}: ${what}`);

function stringList(value: unknown, file: string, key: string): string[] {
  if (value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw bad(file, `${key} must be a list of strings`);
  return value;
}

function overrides(value: unknown, file: string): Record<string, Severity | 'off'> {
  if (value === null) return {};
  if (!isMap(value)) throw bad(file, 'override must map error/warning/info/style to lists of rule codes');
  const out: Record<string, Severity | 'off'> = {};
  for (const [level, rules] of Object.entries(value)) {
    const severity = level === 'ignore' ? 'off' : (LEVELS as readonly string[]).includes(level) ? (level as Severity) : undefined;
    if (!severity) throw bad(file, `override.${level}: the levels are ${LEVELS.join(', ')}, ignore`);
    for (const rule of stringList(rules, file, `override.${level}`)) out[rule] = severity;
  }
  return out;
}

function threshold(value: unknown, file: string): FailureThreshold {
  if (value === 'ignore' || value === 'none') return 'none';
  if (typeof value === 'string' && (LEVELS as readonly string[]).includes(value)) return value as Severity;
  throw bad(file, `failure-threshold must be one of ${LEVELS.join(', ')}, ignore, none`);
}

function labelSchema(value: unknown, file: string): Record<string, LabelType> {
  if (value === null) return {};
  if (!isMap(value)) throw bad(file, 'label-schema must map label names to types');
  const out: Record<string, LabelType> = {};
  for (const [label, type] of Object.entries(value)) {
    if (!LABEL_TYPES.includes(type as LabelType)) throw bad(file, `label-schema.${label}: the types are ${LABEL_TYPES.join(', ')}`);
    out[label] = type as LabelType;
  }
  return out;
}

/** Options under others (a file's under the environment's, under the editor's): lists add up, the upper values win. */
export function mergeLintOptions(under: Partial<LintOptions>, over: Partial<LintOptions> = {}): Partial<LintOptions> {
  const out = { ...under, ...over };
  if (under.ignored || over.ignored) out.ignored = [...(under.ignored ?? []), ...(over.ignored ?? [])];
  if (under.severities || over.severities) out.severities = { ...under.severities, ...over.severities };
  if (under.trustedRegistries || over.trustedRegistries) out.trustedRegistries = [...new Set([...(under.trustedRegistries ?? []), ...(over.trustedRegistries ?? [])])];
  if (under.labelSchema || over.labelSchema) out.labelSchema = { ...under.labelSchema, ...over.labelSchema };
  return out;
}
