import * as path from 'node:path';
import { executeBits } from '../../context/context-index';
import type { Instruction, Range, Stage } from '../../dockerfile/types';
import type { CopiedFile } from '../copied-files';
import { executedContextFiles } from '../executed-files';
import type { ExecSite } from '../exec-sites';
import type { Finding, Fix, LintInput, Rule } from '../types';

/**
 * LW2001: a file copied from the context without the execute bit, then executed directly.
 * Docker fails at run time with `exec: "/while.sh": permission denied`; in a git repository
 * the index mode counts, because that is what a CI checkout gets.
 */
export const executeBitRule: Rule = {
  id: 'LW2001',
  name: 'execute-bit',
  severity: 'error',
  description: 'A script copied without the execute bit is run directly: the container fails with "permission denied".',
  check(input: LintInput): Finding[] {
    const findings: Finding[] = [];
    for (const { stage, site, copied } of executedContextFiles(input)) {
      const problem = missingBit(copied);
      if (!problem || chmodFlagAddsX(copied.copy.chmod) || chmodLater(stage, copied.copy.instruction, site)) continue;
      findings.push(finding(copied, site, problem));
    }
    return dedupe(findings);
  },
};

function missingBit(copied: CopiedFile): 'disk' | 'git' | undefined {
  const bits = executeBits(copied.file);
  if (!bits.disk) return 'disk';
  if (bits.git === false) return 'git';
  return undefined;
}

function chmodFlagAddsX(chmod: string | undefined): boolean {
  if (!chmod) return false;
  if (/^[0-7]+$/.test(chmod)) return (parseInt(chmod, 8) & 0o111) !== 0;
  return /[+=][rwsXt]*x/.test(chmod);
}

// A RUN chmod between the COPY and the use that names the file (or a folder above it).
function chmodLater(stage: Stage, copy: Instruction, site: ExecSite): boolean {
  const from = stage.instructions.indexOf(copy);
  const to = site.via === 'RUN' ? stage.instructions.indexOf(site.instruction) : stage.instructions.length;
  const base = path.posix.basename(site.path);
  return stage.instructions.slice(from + 1, to).some((ins) => {
    if (ins.keyword !== 'RUN') return false;
    const text = ins.args.map((a) => a.value).join(' ') + ins.heredocs.map((h) => h.content).join('\n');
    return /\bchmod\b/.test(text) && (text.includes(base) || /\bchmod\s+(-R|--recursive)\b/.test(text) || /\+x\s+\S*\*/.test(text));
  });
}

function finding(copied: CopiedFile, site: ExecSite, problem: 'disk' | 'git'): Finding {
  const file = copied.file.path;
  const line = site.range.start.line + 1;
  const fails = `the container fails with exec: "${site.path}": permission denied`;
  const message =
    problem === 'disk'
      ? `${file} is copied without the execute bit and ${site.via} on line ${line} runs ${site.path}: ${fails}. Add --chmod=755 to the ${copied.copy.instruction.keyword}, or chmod +x ${file}.`
      : `${file} is executable on disk but not in git's index, so a CI checkout copies it without the execute bit and ${site.via} on line ${line} fails with exec: "${site.path}": permission denied. Run git update-index --chmod=+x ${file}, or add --chmod=755 to the ${copied.copy.instruction.keyword}.`;
  return {
    rule: executeBitRule.id,
    severity: executeBitRule.severity,
    range: copied.source.range,
    message,
    fixes: fixes(copied),
    related: [{ range: site.range, message: `${site.via} executes ${site.path} here` }],
  };
}

function fixes(copied: CopiedFile): Fix[] {
  const ins = copied.copy.instruction;
  const existing = ins.flags.find((f) => f.name === 'chmod');
  const all: Fix[] = [];
  const shared = copied.copy.sources.length > 1;
  all.push({
    title: `Add --chmod=755 to this ${ins.keyword}${shared ? ' (every source becomes executable)' : ''}`,
    preferred: !shared,
    edits: [
      existing
        ? { range: existing.range, newText: '--chmod=755' }
        : { range: { start: ins.keywordRange.end, end: ins.keywordRange.end }, newText: ' --chmod=755' },
    ],
  });
  if (shared && !existing) all.push(splitFix(copied));
  return all;
}

// Moves the script to its own COPY --chmod=755 line, leaving the other sources as they were.
function splitFix(copied: CopiedFile): Fix {
  const ins = copied.copy.instruction;
  const word = copied.source.range;
  const dest = ins.args[ins.args.length - 1];
  const removal: Range = { start: word.start, end: { line: word.end.line, character: word.end.character + 1 } };
  const indent = ' '.repeat(ins.keywordRange.start.character);
  const flags = ins.flags.map((f) => ` ${f.text}`).join('');
  return {
    title: `Copy ${copied.source.value} on its own ${ins.keyword} line with --chmod=755`,
    preferred: true,
    edits: [
      { range: removal, newText: '' },
      { range: { start: ins.range.end, end: ins.range.end }, newText: `\n${indent}${ins.keyword}${flags} --chmod=755 ${copied.source.value} ${dest.value}` },
    ],
  };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.range.start.line}:${f.range.start.character}:${f.related[0]?.range.start.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
