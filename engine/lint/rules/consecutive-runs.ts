import type { Instruction, Stage } from '../../dockerfile/types';
import type { Finding, Fix, LintInput, Rule } from '../types';

// Shell text that changes the state later commands run in, or ends a command list: merged
// after `&&` it would change what the next command sees, so it is run in a subshell.
const NEEDS_SUBSHELL = /[;\n]|(^|[^&])&($|[^&])|\|\||\b(cd|export|set|unset|umask|source|pushd|popd|shopt|alias|trap|exec|exit)\b|(^|\s)\.\s/;

/** A RUN that can be merged as it is: shell form, no flags, no heredocs. */
function mergeable(ins: Instruction): boolean {
  return ins.keyword === 'RUN' && !ins.json && ins.flags.length === 0 && ins.heredocs.length === 0 && (ins.args[0]?.value ?? '').trim() !== '';
}

function groups(stage: Stage): Instruction[][] {
  const out: Instruction[][] = [];
  let current: Instruction[] = [];
  for (const ins of stage.instructions) {
    if (mergeable(ins)) {
      current.push(ins);
      continue;
    }
    if (current.length > 1) out.push(current);
    current = [];
  }
  if (current.length > 1) out.push(current);
  return out;
}

// A comment (or empty) line inside a RUN's continuation lines is not in its text: merging
// would drop it, so no fix is offered then.
function hasInnerCommentLines(ins: Instruction): boolean {
  if (!ins.lineMap) return true;
  for (let line = ins.range.start.line + 1; line <= ins.range.end.line; line++) {
    if (ins.lineMap.offsetAt({ line, character: 0 }) < 0) return true;
  }
  return false;
}

/** The merged RUN: each command on its own continuation line, comments above a RUN kept as comment lines. */
export function mergeRuns(runs: Instruction[], escape: string): string {
  const lines: string[] = [];
  runs.forEach((ins, i) => {
    const text = ins.args[0].value.trim();
    const command = NEEDS_SUBSHELL.test(text) ? `(${text})` : text;
    if (i > 0) lines.push(...ins.comments.map((c) => `# ${c}`));
    lines.push(i === 0 ? `RUN ${command}` : `    ${command}`);
  });
  // Comment lines inside a continuation are dropped by the parser, so they need no escape.
  return lines.map((l, i) => (i === lines.length - 1 || l.startsWith('#') ? l : `${l} && ${escape}`)).join('\n');
}

/**
 * LW1002: consecutive RUNs in a stage that could be one. Each adds a layer, and a cleanup in
 * a later RUN does not shrink the earlier one. The fix merges them with `&&` on continuation
 * lines, in a subshell where a command would change the next one's directory or environment.
 */
export const consecutiveRunsRule: Rule = {
  id: 'LW1002',
  name: 'consecutive-runs',
  severity: 'info',
  description: 'Consecutive RUN instructions make one layer each; merged with && they make one.',
  check(input: LintInput): Finding[] {
    const findings: Finding[] = [];
    for (const stage of input.dockerfile.stages) {
      for (const runs of groups(stage)) {
        const first = runs[0];
        const last = runs[runs.length - 1];
        const fixes: Fix[] = runs.some(hasInnerCommentLines)
          ? []
          : [{
              title: `Merge these ${runs.length} RUN instructions into one`,
              edits: [{ range: { start: first.range.start, end: last.range.end }, newText: mergeRuns(runs, input.dockerfile.escapeChar) }],
              preferred: true,
            }];
        findings.push({
          rule: consecutiveRunsRule.id,
          severity: consecutiveRunsRule.severity,
          range: { start: runs[1].keywordRange.start, end: last.range.end },
          message: `${runs.length} consecutive RUN instructions make ${runs.length} layers; merged with && they make one, and files a later command deletes then never reach a layer.`,
          fixes,
          related: [{ range: first.keywordRange, message: 'the first RUN of the run' }],
        });
      }
    }
    return findings;
  },
};
