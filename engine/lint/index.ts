import type { ContextIndex } from '../context/context-index';
import type { Dockerfile } from '../dockerfile/types';
import { CHECKS_RULES } from './rules/checks';
import { executeBitRule } from './rules/execute-bit';
import { HADOLINT_RULES } from './rules/hadolint';
import { layerCountRule } from './rules/layer-count';
import { crlfRule, interpreterRule, shebangRule } from './rules/script-interpreter';
import { equivalentGroup, foldEquivalents } from './equivalents';
import { suppressionFilter } from './suppression';
import { SYNTAX_RULE_ID as SYNTAX_RULE } from './syntax-rule';
import { DEFAULT_LINT_OPTIONS, type BaseImageFacts, type Finding, type LintOptions, type Rule } from './types';

/** Parse errors: what `docker build` rejects before building (one constant, in syntax-rule.ts). */
export { SYNTAX_RULE };

/** Every rule, in the order their findings are listed. */
export const RULES: readonly Rule[] = [layerCountRule, executeBitRule, interpreterRule, crlfRule, shebangRule, ...CHECKS_RULES, ...HADOLINT_RULES];

export interface LintRequest {
  dockerfile: Dockerfile;
  context?: ContextIndex;
  bases?: Map<string, BaseImageFacts>;
  options?: Partial<LintOptions>;
  /** Findings made outside the rules (ShellCheck's), filtered and sorted with the rest. */
  extra?: Finding[];
}

/**
 * Runs every rule and returns the findings sorted by position. A rule that throws is a
 * bug in that rule: it is reported as an internal finding instead of losing the others.
 */
export function lint(request: LintRequest): Finding[] {
  return settleFindings(request, [...ruleFindings(request), ...(request.extra ?? [])]);
}

/** What the parser and the rules find, before suppression and settings (settleFindings applies those). */
export function ruleFindings(request: LintRequest): Finding[] {
  const input = {
    dockerfile: request.dockerfile,
    context: request.context,
    bases: request.bases ?? new Map(),
    options: { ...DEFAULT_LINT_OPTIONS, ...request.options },
  };
  const findings: Finding[] = request.dockerfile.errors.map((e) => ({
    rule: SYNTAX_RULE,
    severity: 'error' as const,
    range: e.range,
    message: e.message,
    fixes: [],
    related: [],
  }));
  for (const rule of RULES) {
    try {
      findings.push(...rule.check(input));
    } catch (e) {
      findings.push({
        rule: rule.id,
        severity: 'info',
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        message: `internal error in rule ${rule.id} (${rule.name}): ${(e as Error).message}`,
        fixes: [],
        related: [],
      });
    }
  }
  return findings;
}

/**
 * Applies the file's pragmas and skips, the settings (ignored rules, severities) and the folding of
 * equivalent codes to raw findings (the rules' and others', like ShellCheck's), sorted by position.
 */
export function settleFindings(request: Pick<LintRequest, 'dockerfile' | 'options'>, findings: Finding[]): Finding[] {
  const options = { ...DEFAULT_LINT_OPTIONS, ...request.options };
  const silenced = suppressionFilter(request.dockerfile, RULES);
  // A finding counts as silenced when any rule of its equivalence group is.
  const keep = (f: Finding) => equivalentGroup(f.rule).every((rule) => silenced(rule === f.rule ? f : { ...f, rule }));
  const settled = applySettings(findings.filter(keep), options);
  return (options.foldEquivalents ? foldEquivalents(settled) : settled).sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** Drops ignored rules and applies severity overrides; a rule is named by its ID or its name. */
function applySettings(findings: Finding[], options: LintOptions): Finding[] {
  if (options.ignored.length === 0 && Object.keys(options.severities).length === 0) return findings;
  const nameOf = new Map(RULES.map((r) => [r.id, r.name]));
  const setting = <T>(table: Record<string, T>, id: string): T | undefined => table[id] ?? table[nameOf.get(id) ?? ''];
  const ignored = new Set(options.ignored);
  const out: Finding[] = [];
  for (const f of findings) {
    const group = equivalentGroup(f.rule);
    if (group.some((id) => ignored.has(id) || ignored.has(nameOf.get(id) ?? '') || setting(options.severities, id) === 'off')) continue;
    const severity = setting(options.severities, f.rule);
    if (severity === 'off') continue;
    out.push(severity ? { ...f, severity } : f);
  }
  return out;
}
