import { parseCheckDirective } from '../dockerfile/directives';
import type { Dockerfile } from '../dockerfile/types';
import type { Finding, Rule } from './types';

// hadolint allows a comment after the list: `# hadolint ignore=DL3008 # we track the distro`.
const PRAGMA = /^hadolint\s+(global\s+)?ignore\s*=\s*([\w\-, ]+?)\s*(?:#.*)?$/i;

/**
 * The ways a Dockerfile silences a rule, as hadolint and BuildKit users write them:
 * `# hadolint ignore=LW2001` on the line(s) above an instruction, `# hadolint global
 * ignore=...` anywhere, and the `# check=skip=...` directive. Rules are named by ID or name.
 */
export function suppressionFilter(dockerfile: Dockerfile, rules: readonly Rule[]): (f: Finding) => boolean {
  const names = (list: string) => list.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const global = new Set<string>();
  const perLine = new Map<number, Set<string>>();
  for (const ins of dockerfile.instructions) {
    for (const comment of ins.comments) {
      const m = PRAGMA.exec(comment.trim());
      if (!m) continue;
      if (m[1]) names(m[2]).forEach((n) => global.add(n));
      else {
        const set = perLine.get(ins.range.start.line) ?? new Set<string>();
        names(m[2]).forEach((n) => set.add(n));
        for (let l = ins.range.start.line; l <= ins.range.end.line; l++) perLine.set(l, set);
      }
    }
  }
  const check = dockerfile.directives.find((d) => d.name === 'check');
  const checkSkip = check ? parseCheckDirective(check.value) : undefined;
  const skipAll = checkSkip?.skip === 'all';
  if (checkSkip && Array.isArray(checkSkip.skip)) checkSkip.skip.forEach((n) => global.add(n.toLowerCase()));
  const aliases = new Map(rules.map((r) => [r.id.toLowerCase(), r.name.toLowerCase()]));
  const silenced = (set: Set<string> | undefined, rule: string) => {
    if (!set) return false;
    const id = rule.toLowerCase();
    return set.has(id) || set.has(aliases.get(id) ?? '');
  };
  return (f) => {
    // Syntax errors are what docker build rejects: they cannot be silenced.
    if (f.rule === 'LW0001') return true;
    if (skipAll || silenced(global, f.rule) || silenced(perLine.get(f.range.start.line), f.rule)) return false;
    return true;
  };
}
