import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { Instruction } from '../../engine/dockerfile/types';
import { parsed } from './document';

/**
 * Folding: each stage (FROM to its last line), each heredoc (marker to terminator), each
 * instruction continued over several lines, and runs of two or more comment lines.
 */
export function foldingRanges(text: string): FoldingRange[] {
  const { dockerfile: df, lines } = parsed(text);
  const out: FoldingRange[] = [];
  const add = (startLine: number, endLine: number, kind?: FoldingRangeKind) => {
    if (endLine > startLine) out.push({ startLine, endLine, kind });
  };
  for (const stage of df.stages) {
    const last = stage.instructions[stage.instructions.length - 1] ?? stage.from;
    add(stage.from.range.start.line, last.range.end.line, FoldingRangeKind.Region);
  }
  for (const ins of df.instructions) {
    const firstBody = ins.heredocs[0]?.bodyRange.start.line;
    // The continuation lines stop where the first heredoc body starts.
    add(ins.range.start.line, firstBody === undefined ? ins.range.end.line : Math.max(ins.range.start.line, firstBody - 1));
    for (const h of ins.heredocs) add(h.bodyRange.start.line - 1, h.terminatorRange.end.line);
  }
  let commentStart = -1;
  lines.forEach((line, i) => {
    const isComment = /^\s*#/.test(line) && !insideHeredoc(df.instructions, i);
    if (isComment && commentStart < 0) commentStart = i;
    if (!isComment && commentStart >= 0) {
      add(commentStart, i - 1, FoldingRangeKind.Comment);
      commentStart = -1;
    }
  });
  if (commentStart >= 0) add(commentStart, lines.length - 1, FoldingRangeKind.Comment);
  return out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}

function insideHeredoc(instructions: Instruction[], line: number): boolean {
  return instructions.some((i) => i.heredocs.some((h) => h.bodyRange.start.line <= line && line <= h.terminatorRange.end.line));
}
