import type { LabelType, Severity } from '../types';
import { mergeLintOptions, type FailureThreshold, type LintConfig } from './hadolint-config';

const LABEL_TYPES: readonly string[] = ['text', 'url', 'semver', 'hash', 'rfc3339', 'spdx', 'email'];
const LEVELS: readonly string[] = ['error', 'warning', 'info', 'style'];

const truthy = (v: string | undefined) => v !== undefined && ['1', 'y', 'on', 'true', 'yes'].includes(v.toLowerCase());
const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/**
 * The settings hadolint reads from its environment variables (HADOLINT_IGNORE,
 * HADOLINT_OVERRIDE_ERROR/WARNING/INFO/STYLE, HADOLINT_ALLOWED_REGISTRIES,
 * HADOLINT_REQUIRE_LABELS=label:type,..., HADOLINT_STRICT_LABELS, HADOLINT_FAILURE_THRESHOLD,
 * HADOLINT_NOFAIL); values hadolint would not understand are left out, as hadolint does.
 */
export function environmentConfig(env: NodeJS.ProcessEnv): LintConfig {
  const config: LintConfig = { path: undefined, options: {} };
  const ignored = list(env.HADOLINT_IGNORE);
  if (ignored.length > 0) config.options.ignored = ignored;
  const severities: Record<string, Severity> = {};
  for (const level of ['error', 'warning', 'info', 'style'] as const) for (const rule of list(env[`HADOLINT_OVERRIDE_${level.toUpperCase()}`])) severities[rule] = level;
  if (Object.keys(severities).length > 0) config.options.severities = severities;
  const registries = list(env.HADOLINT_ALLOWED_REGISTRIES);
  if (registries.length > 0) config.options.trustedRegistries = registries;
  const schema: Record<string, LabelType> = {};
  for (const pair of list(env.HADOLINT_REQUIRE_LABELS)) {
    const [label, type] = pair.split(':');
    if (label && LABEL_TYPES.includes(type)) schema[label] = type as LabelType;
  }
  if (Object.keys(schema).length > 0) config.options.labelSchema = schema;
  if (env.HADOLINT_STRICT_LABELS !== undefined) config.options.strictLabels = truthy(env.HADOLINT_STRICT_LABELS);
  const threshold = env.HADOLINT_FAILURE_THRESHOLD;
  if (threshold && LEVELS.includes(threshold)) config.failureThreshold = threshold as FailureThreshold;
  if (threshold === 'none' || threshold === 'ignore') config.failureThreshold = 'none';
  if (truthy(env.HADOLINT_NOFAIL)) config.failureThreshold = 'none';
  return config;
}

/** A configuration file's settings under the environment's: lists add up, the environment's values win. */
export function withEnvironment(file: LintConfig, env: LintConfig): LintConfig {
  return { path: file.path, options: mergeLintOptions(file.options, env.options), failureThreshold: env.failureThreshold ?? file.failureThreshold };
}
