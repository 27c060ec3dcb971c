import * as path from 'node:path';
import { normalizeContextPath, type ContextIndex } from '../../context/context-index';
import type { Instruction, Word } from '../../dockerfile/types';
import { contextCopies, globMatch } from '../copied-files';
import { contextEntries } from '../context-walk';
import { suggestName } from './buildkit/suggest';
import type { Finding, LintInput, Rule } from '../types';

interface SourceProblem {
  kind: 'missing' | 'ignored';
  instruction: Instruction;
  source: Word;
  message: string;
}

const isGlob = (p: string): boolean => /[*?[]/.test(p);

function sourceProblems(input: LintInput): SourceProblem[] {
  const context = input.context;
  if (!context) return [];
  const matcher = context.ignoreMatcher();
  const out: SourceProblem[] = [];
  for (const stage of input.dockerfile.stages) {
    for (const copy of contextCopies(stage, new Map())) {
      const verb = copy.instruction.keyword;
      for (const source of copy.sources) {
        // Variables need build args to resolve; `git@host:repo` is a remote ADD source.
        if (source.value.includes('$') || /^[\w.-]+@[\w.-]+:/.test(source.value)) continue;
        const rel = normalizeContextPath(source.value);
        if (rel === undefined) continue;
        const report = (kind: SourceProblem['kind'], message: string) => out.push({ kind, instruction: copy.instruction, source, message });
        if (isGlob(rel)) {
          const dir = path.posix.dirname(rel);
          if (isGlob(dir)) continue;
          const matches = context.list(dir).filter((n) => globMatch(path.posix.basename(rel), n)).map((n) => (dir === '.' ? n : `${dir}/${n}`));
          if (matches.length === 0) report('missing', `${verb} ${source.value}: no file in the build context matches, so docker build fails.`);
          else if (matcher && matches.every((m) => excludedWhole(context, m))) report('ignored', `${verb} ${source.value}: every match (${matches.slice(0, 3).join(', ')}${matches.length > 3 ? ', ...' : ''}) is excluded by .dockerignore, so docker build fails.`);
          continue;
        }
        const file = context.stat(rel);
        if (!file) {
          const guess = suggestName(path.posix.basename(rel), context.list(path.posix.dirname(rel)), false);
          report('missing', `${verb} ${source.value}: ${rel} is not in the build context (${context.root}), so docker build fails with "not found".${guess ? ` Did you mean ${guess}?` : ''}`);
        } else if (matcher && excludedWhole(context, rel)) {
          const how = matcher.exclusions ? ', and no `!` exception in it brings it back' : '';
          report('ignored', `${verb} ${source.value}: ${rel} is excluded by .dockerignore${how}, so docker build does not see it and fails with "not found".`);
        }
      }
    }
  }
  return out;
}

// A file excluded, or an excluded folder none of whose contents a `!` exception keeps (a
// folder that is kept but emptied still exists, and COPY takes it).
function excludedWhole(context: ContextIndex, rel: string): boolean {
  const matcher = context.ignoreMatcher();
  if (!matcher?.matches(rel)) return false;
  return context.stat(rel)?.type !== 'directory' || !matcher.exclusions || contextEntries(context, rel).length === 0;
}

function asFindings(rule: Rule, problems: SourceProblem[]): Finding[] {
  return problems.map((p) => ({ rule: rule.id, severity: rule.severity, range: p.source.range, message: p.message, fixes: [], related: [] }));
}

const cache = new WeakMap<LintInput, SourceProblem[]>();
function problemsOf(input: LintInput): SourceProblem[] {
  let problems = cache.get(input);
  if (!problems) {
    problems = sourceProblems(input);
    cache.set(input, problems);
  }
  return problems;
}

/** LW4001: a COPY/ADD source that is not in the build context (docker build fails). */
export const copySourceMissingRule: Rule = {
  id: 'LW4001',
  name: 'copy-source-missing',
  severity: 'error',
  description: 'A COPY or ADD source does not exist in the build context: docker build fails with "not found".',
  check: (input) => asFindings(copySourceMissingRule, problemsOf(input).filter((p) => p.kind === 'missing')),
};

/** LW4002: a COPY/ADD source that .dockerignore excludes, `!` exceptions included (BuildKit's own check skips those files). */
export const copySourceIgnoredRule: Rule = {
  id: 'LW4002',
  name: 'copy-source-ignored',
  severity: 'error',
  description: 'A COPY or ADD source is excluded by .dockerignore: docker build does not see it and fails.',
  check: (input) => asFindings(copySourceIgnoredRule, problemsOf(input).filter((p) => p.kind === 'ignored')),
};
