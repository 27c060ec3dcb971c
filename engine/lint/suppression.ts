import { parseCheckDirective, type CheckDirective } from '../dockerfile/directives';
import type { Dockerfile } from '../dockerfile/types';
import { SYNTAX_RULE_ID } from './syntax-rule';
import type { Finding, Rule } from './types';

// hadolint allows a comment after the list: `# hadolint ignore=DL3008 # we track the distro`.
const PRAGMA = /^hadolint\s+(global\s+)?ignore\s*=\s*([\w\-, ]+?)\s*(?:#.*)?$/i;
// A `# check=skip=...` comment right above an instruction (not in the directive block).
const CHECK_COMMENT = /^check\s*=\s*skip\s*=\s*([\w\-, ]+)$/i;

const checkCache = new WeakMap<Dockerfile, CheckDirective>();

/**
 * The file's `# check=` options as `docker build` reads them: the value is cut at its first
 * space (BuildKit's ParseDirective), so `# check=skip=A, B` skips only `A,`. Cached per model.
 */
export function lintCheckOptions(dockerfile: Dockerfile): CheckDirective {
  let options = checkCache.get(dockerfile);
  if (!options) {
    const value = dockerfile.directives.find((d) => d.name === 'check')?.value ?? '';
    const space = value.indexOf(' ');
    options = parseCheckDirective(space < 0 ? value : value.slice(0, space));
    checkCache.set(dockerfile, options);
  }
  return options;
}

/**
 * The ways a Dockerfile silences a rule, as hadolint and BuildKit users write them:
 * `# hadolint ignore=LW2001` or `# check=skip=StageNameCasing` on the line(s) above an
 * instruction, `# hadolint global ignore=...` anywhere, and the `# check=skip=...` directive.
 * Rules are named by ID or name. An experimental BuildKit check named in `experimental=`
 * stays on even when `skip=` names it too, as in BuildKit's linter.
 */
export function suppressionFilter(dockerfile: Dockerfile, rules: readonly Rule[]): (f: Finding) => boolean {
  const names = (list: string) => list.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const global = new Set<string>();
  const perLine = new Map<number, Set<string>>();
  for (const ins of dockerfile.instructions) {
    for (const comment of ins.comments) {
      const text = comment.trim();
      const pragma = PRAGMA.exec(text);
      const check = pragma ? undefined : CHECK_COMMENT.exec(text);
      if (pragma?.[1]) {
        names(pragma[2]).forEach((n) => global.add(n));
        continue;
      }
      const listed = pragma?.[2] ?? check?.[1];
      if (listed === undefined) continue;
      const set = perLine.get(ins.range.start.line) ?? new Set<string>();
      names(listed).forEach((n) => set.add(n));
      for (let l = ins.range.start.line; l <= ins.range.end.line; l++) perLine.set(l, set);
    }
  }
  const checkSkip = lintCheckOptions(dockerfile);
  const skipAll = checkSkip.skip === 'all';
  const experimental = new Set(Array.isArray(checkSkip.experimental) ? checkSkip.experimental.map((n) => n.toLowerCase()) : []);
  if (Array.isArray(checkSkip.skip)) checkSkip.skip.forEach((n) => !experimental.has(n.toLowerCase()) && global.add(n.toLowerCase()));
  const aliases = new Map(rules.map((r) => [r.id.toLowerCase(), r.name.toLowerCase()]));
  const silenced = (set: Set<string> | undefined, rule: string) => {
    if (!set) return false;
    const id = rule.toLowerCase();
    return set.has(id) || set.has(aliases.get(id) ?? '');
  };
  return (f) => {
    // Syntax errors are what docker build rejects: they cannot be silenced.
    if (f.rule === SYNTAX_RULE_ID) return true;
    const here = perLine.get(f.range.start.line);
    if (skipAll || here?.has('all') || silenced(global, f.rule) || silenced(here, f.rule)) return false;
    return true;
  };
}
