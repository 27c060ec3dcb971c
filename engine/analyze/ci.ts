import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineError } from '../errors';
import { humanSize } from './format';
import type { ImageAnalysis } from './model';

/** dive's three CI rules, under its names. `undefined` = not configured; 'disabled' = skipped. */
export interface CiRules {
  lowestEfficiency?: string;
  highestWastedBytes?: string;
  highestUserWastedPercent?: string;
}

/** Which figures the rules read: ours (each byte once; default) or dive's, for parity with a dive pipeline. */
export type CiFigures = 'ours' | 'dive';

export interface CiConfig {
  rules: Required<CiRules>;
  figures: CiFigures;
  /** The file the rules came from, if any. */
  file?: string;
}

/** dive's defaults (`dive --ci` with no .dive-ci). */
export const DIVE_DEFAULT_RULES: Required<CiRules> = { lowestEfficiency: '0.9', highestWastedBytes: 'disabled', highestUserWastedPercent: '0.1' };

export const CI_FILES = ['.layerwise-ci', '.dive-ci'];

/**
 * Reads a `.layerwise-ci` / `.dive-ci` file: YAML with a `rules:` map (dive's format), plus an
 * optional top-level `figures: ours|dive`. Only this flat subset of YAML is understood.
 */
export function parseCiFile(text: string, file: string): { rules: CiRules; figures?: CiFigures } {
  const rules: CiRules = {};
  let figures: CiFigures | undefined;
  let section = '';
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '');
    if (line.trim() === '') continue;
    const m = /^(\s*)([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!m) throw new EngineError('USAGE', `${file}:${i + 1}: cannot read "${raw.trim()}"`);
    const [, indent, key, rawValue] = m;
    const value = rawValue.trim().replace(/^(['"])(.*)\1$/, '$2');
    if (indent === '') {
      section = value === '' ? key : '';
      if (key === 'figures') {
        if (value !== 'ours' && value !== 'dive') throw new EngineError('USAGE', `${file}:${i + 1}: figures is "ours" or "dive", not "${value}"`);
        figures = value;
      } else if (value !== '') throw new EngineError('USAGE', `${file}:${i + 1}: unknown setting "${key}"`);
      continue;
    }
    if (section !== 'rules') throw new EngineError('USAGE', `${file}:${i + 1}: "${key}" is not under rules:`);
    if (key === 'lowestEfficiency' || key === 'highestWastedBytes' || key === 'highestUserWastedPercent') rules[key] = value;
    else throw new EngineError('USAGE', `${file}:${i + 1}: unknown rule "${key}" (known: lowestEfficiency, highestWastedBytes, highestUserWastedPercent)`);
  }
  return { rules, figures };
}

/**
 * The CI configuration: flags over the file (`--ci-config`, else .layerwise-ci or .dive-ci in
 * `dir`), over dive's defaults for rules neither sets.
 */
export function loadCiConfig(flags: CiRules & { config?: string; figures?: string }, dir = process.cwd()): CiConfig {
  let file = flags.config;
  if (file === undefined) file = CI_FILES.map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  let fromFile: { rules: CiRules; figures?: CiFigures } = { rules: {} };
  if (file !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new EngineError('NOT_FOUND', `cannot read the CI config ${file}: ${(e as Error).message}`);
    }
    fromFile = parseCiFile(text, file);
  }
  const figures = flags.figures ?? fromFile.figures ?? 'ours';
  if (figures !== 'ours' && figures !== 'dive') throw new EngineError('USAGE', `--ci-figures is "ours" or "dive", not "${figures}"`);
  const pick = (k: keyof CiRules) => flags[k] ?? fromFile.rules[k] ?? DIVE_DEFAULT_RULES[k];
  return {
    rules: { lowestEfficiency: pick('lowestEfficiency'), highestWastedBytes: pick('highestWastedBytes'), highestUserWastedPercent: pick('highestUserWastedPercent') },
    figures,
    file,
  };
}

const UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12,
  ki: 1024, kib: 1024, mi: 1024 ** 2, mib: 1024 ** 2, gi: 1024 ** 3, gib: 1024 ** 3, ti: 1024 ** 4, tib: 1024 ** 4,
};

/** Bytes as go-humanize's ParseBytes reads them: `20MB` = 20,000,000, `20MiB` = 20,971,520, `1024`. */
export function parseBytes(text: string): number {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(text.replace(/,/g, ''));
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`not a byte size: "${text}"`);
  return Math.floor(Number(m[1]) * unit);
}

/** A ratio: `0.1`, or a percentage `10%`. */
function parseRatio(text: string): number {
  const t = text.trim();
  const v = t.endsWith('%') ? Number(t.slice(0, -1)) / 100 : Number(t);
  if (t === '' || !Number.isFinite(v)) throw new Error(`not a number: "${text}"`);
  return v;
}

export type CiStatus = 'pass' | 'fail' | 'skip' | 'misconfigured';

export interface CiRuleResult {
  rule: keyof CiRules;
  status: CiStatus;
  /** The threshold as configured. */
  threshold: string;
  /** The image's figure the rule compared. */
  value: number | null;
  message: string;
}

export interface CiVerdict {
  pass: boolean;
  figures: CiFigures;
  configFile?: string;
  results: CiRuleResult[];
}

/** Evaluates the rules as dive does: efficiency below, wasted bytes above, user-wasted ratio above the threshold fail. */
export function evaluateCi(image: ImageAnalysis, config: CiConfig): CiVerdict {
  const e = image.efficiency!;
  const dive = config.figures === 'dive';
  const efficiency = dive ? e.dive.efficiency : e.efficiency;
  const wasted = dive ? e.dive.wastedBytes : e.wastedBytes;
  const userPercent = dive ? e.dive.userWastedPercent : e.userWastedPercent;
  const results: CiRuleResult[] = [];
  const rule = (name: keyof CiRules, value: number | null, check: (threshold: string) => { fail: boolean; message: string }) => {
    const threshold = config.rules[name];
    if (threshold.trim().toLowerCase() === 'disabled') {
      results.push({ rule: name, status: 'skip', threshold, value, message: 'rule disabled' });
      return;
    }
    try {
      const { fail, message } = check(threshold);
      results.push({ rule: name, status: fail ? 'fail' : 'pass', threshold, value, message: fail ? message : '' });
    } catch (err) {
      results.push({ rule: name, status: 'misconfigured', threshold, value, message: `invalid value ('${threshold}'): ${(err as Error).message}` });
    }
  };
  rule('lowestEfficiency', efficiency, (t) => {
    const min = parseRatio(t);
    return { fail: efficiency < min, message: `image efficiency is too low (efficiency=${percent(efficiency)} < threshold=${percent(min)})` };
  });
  rule('highestWastedBytes', wasted, (t) => {
    const max = parseBytes(t);
    return { fail: wasted > max, message: `too many bytes wasted (wasted-bytes=${wasted} (${humanSize(wasted)}) > threshold=${max} (${humanSize(max)}))` };
  });
  rule('highestUserWastedPercent', userPercent, (t) => {
    const max = parseRatio(t);
    const v = userPercent ?? (wasted > 0 ? Infinity : 0);
    return { fail: v > max, message: `too many bytes wasted, relative to the user bytes added (user-wasted=${userPercent === null ? 'undefined (no user bytes)' : percent(v)} > threshold=${percent(max)})` };
  });
  return { pass: results.every((r) => r.status === 'pass' || r.status === 'skip'), figures: config.figures, configFile: config.file, results };
}

function percent(v: number): string {
  return `${(v * 100).toFixed(2)}%`;
}
