import type { BaseOverride, Severity } from '../engine/lint/types';
import { DEFAULT_SERVER_SETTINGS, type SandboxSetting, type ServerSettings } from './protocol';

const SEVERITIES = new Set(['error', 'warning', 'info', 'style', 'off']);
const SANDBOXES: readonly string[] = ['auto', 'bubblewrap', 'chroot', 'off'] satisfies SandboxSetting[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Settings from the client: the flat form sent at start (ServerSettings) or the `layerwise`
 * configuration section (`lint.severities`, `build.sandbox`, ...). A missing or malformed value keeps what was
 * set before, so a typo in settings.json never turns linting off.
 */
export function readSettings(raw: unknown, previous: ServerSettings = DEFAULT_SERVER_SETTINGS): ServerSettings {
  if (!isObject(raw)) return previous;
  const lint = isObject(raw.lint) ? raw.lint : {};
  const pick = (key: string): unknown => (lint[key] !== undefined ? lint[key] : raw[key]);
  const threshold = pick('layerCountThreshold');
  const shellcheck = pick('shellcheckPath');
  const sandbox = isObject(raw.build) && raw.build.sandbox !== undefined ? raw.build.sandbox : raw.sandbox;
  return {
    store: typeof raw.store === 'string' ? raw.store : previous.store,
    layerCountThreshold: typeof threshold === 'number' && threshold >= 1 ? threshold : previous.layerCountThreshold,
    // Any name passes: a build with one it does not know is refused, naming the builders there are.
    builder: typeof raw.builder === 'string' ? (raw.builder as ServerSettings['builder']) : previous.builder,
    sandbox: typeof sandbox === 'string' && SANDBOXES.includes(sandbox) ? (sandbox as SandboxSetting) : previous.sandbox,
    severities: severities(pick('severities')) ?? previous.severities,
    ignored: Array.isArray(pick('ignored')) ? (pick('ignored') as unknown[]).filter((x): x is string => typeof x === 'string') : previous.ignored,
    shellcheckPath: typeof shellcheck === 'string' ? shellcheck : previous.shellcheckPath,
    baseImages: baseImages(pick('baseImages')) ?? previous.baseImages,
  };
}

function severities(v: unknown): Record<string, Severity | 'off'> | undefined {
  if (!isObject(v)) return undefined;
  const out: Record<string, Severity | 'off'> = {};
  for (const [rule, level] of Object.entries(v)) if (typeof level === 'string' && SEVERITIES.has(level)) out[rule] = level as Severity | 'off';
  return out;
}

function baseImages(v: unknown): Record<string, BaseOverride> | undefined {
  if (!isObject(v)) return undefined;
  const out: Record<string, BaseOverride> = {};
  for (const [ref, entry] of Object.entries(v)) {
    if (!isObject(entry)) continue;
    const present = Array.isArray(entry.present) ? entry.present.filter((p): p is string => typeof p === 'string') : undefined;
    const eol = typeof entry.eol === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(entry.eol) ? entry.eol : undefined;
    out[ref] = { present, eol };
  }
  return out;
}
