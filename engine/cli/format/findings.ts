import * as path from 'node:path';
import type { Finding } from '../../lint/types';

/** One finding in `--format json`: hadolint's fields (1-based line/column) plus the end of the range. */
export interface LintJsonRecord {
  code: string;
  level: Finding['severity'];
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** hadolint codes folded into this finding (the same problem found by two rule families). */
  alsoReportedAs?: string[];
}

/** Findings as hadolint-compatible JSON records. */
export function findingsToJson(file: string, findings: Finding[]): LintJsonRecord[] {
  return findings.map((f) => ({
    code: f.rule,
    level: f.severity,
    message: f.message,
    file,
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    ...(f.alsoReportedAs ? { alsoReportedAs: f.alsoReportedAs } : {}),
  }));
}

/** Findings as hadolint's tty format: `file:line:col CODE level: message`, plus related places. */
export function findingsToText(file: string, findings: Finding[]): string {
  const shown = path.relative(process.cwd(), file) || file;
  return findings
    .map((f) => {
      const also = f.alsoReportedAs ? ` (also ${f.alsoReportedAs.join(', ')})` : '';
      const head = `${shown}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.rule} ${f.severity}: ${f.message}${also}`;
      const related = f.related.map((r) => `    ${shown}:${r.range.start.line + 1}:${r.range.start.character + 1} ${r.message}`);
      const fixes = f.fixes.map((x) => `    fix: ${x.title}`);
      return [head, ...related, ...fixes].join('\n');
    })
    .join('\n');
}
