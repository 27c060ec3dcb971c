import type { Finding, Severity } from './types';

/**
 * Rules of different families that find the same problem in the same place. The key (a
 * Layerwise rule, or Docker's build check, whose messages, ranges and fixes are the richer) is
 * reported; its equivalents from hadolint are folded into it, so one mistake is one diagnostic.
 * A pragma, config entry or setting that silences any member silences the group.
 */
export const EQUIVALENT_RULES: Readonly<Record<string, readonly string[]>> = {
  LW1002: ['DL3059'],
  LW3001: ['DL3006', 'DL3007'],
  LW3005: ['DL3026'],
  LW5002: ['DL3009', 'DL3019', 'DL3032', 'DL3036', 'DL3040', 'DL3042', 'DL3060'],
  DuplicateStageName: ['DL3024'],
  JSONArgsRecommended: ['DL3025'],
  MaintainerDeprecated: ['DL4000'],
  ReservedStageName: ['DL3063'],
  WorkdirRelativePath: ['DL3000'],
};

const groupOf = new Map<string, string[]>();
for (const [key, others] of Object.entries(EQUIVALENT_RULES)) {
  const group = [key, ...others];
  for (const id of group) groupOf.set(id, [...(groupOf.get(id) ?? [id]), ...group.filter((g) => g !== id && !(groupOf.get(id) ?? []).includes(g))]);
}

/** A rule ID with the IDs that find the same problem (just itself for most rules). */
export function equivalentGroup(rule: string): readonly string[] {
  return groupOf.get(rule) ?? [rule];
}

const RANK: Severity[] = ['style', 'info', 'warning', 'error'];

/**
 * Folds each equivalent's finding into the kept rule's finding that covers its line: the kept
 * one stays, at the higher of the two severities (so a hadolint `error` is not softened), and
 * lists the folded codes in `alsoReportedAs`. Findings with nothing to fold into are left as they are.
 */
export function foldEquivalents(findings: Finding[]): Finding[] {
  const keepers = findings.filter((f) => EQUIVALENT_RULES[f.rule] !== undefined);
  if (keepers.length === 0) return findings;
  const folded = new Map<Finding, { severity: Severity; codes: Set<string> }>();
  const out: Finding[] = [];
  for (const f of findings) {
    const keeper = keepers.find((k) => k !== f && EQUIVALENT_RULES[k.rule].includes(f.rule) && k.range.start.line <= f.range.start.line && f.range.start.line <= k.range.end.line);
    if (!keeper) {
      out.push(f);
      continue;
    }
    const entry = folded.get(keeper) ?? { severity: keeper.severity, codes: new Set<string>() };
    if (RANK.indexOf(f.severity) > RANK.indexOf(entry.severity)) entry.severity = f.severity;
    entry.codes.add(f.rule);
    folded.set(keeper, entry);
  }
  return out.map((f) => {
    const entry = folded.get(f);
    return entry ? { ...f, severity: entry.severity, alsoReportedAs: [...entry.codes].sort() } : f;
  });
}
