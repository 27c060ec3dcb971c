import type { FormattingOptions, Range, TextEdit } from 'vscode-languageserver';
import type { Instruction } from '../../engine/dockerfile/types';
import { parsed, type ParsedDocument } from './document';

/**
 * Formatting: instruction keywords upper-cased (ONBUILD's wrapped one and FROM's AS too), instructions
 * start at column 0, continuation lines indented by one level. Nothing inside a heredoc
 * changes, and a continuation line whose leading blanks are inside quotes keeps them (they
 * are part of the value). `range` limits the edits to lines it touches.
 */
export function formatDocument(text: string, options: FormattingOptions, range?: Range): TextEdit[] {
  const doc = parsed(text);
  const indent = options.insertSpaces ? ' '.repeat(options.tabSize) : '\t';
  const edits: TextEdit[] = [];
  for (const ins of doc.dockerfile.instructions) {
    if (range && (ins.range.end.line < range.start.line || ins.range.start.line > range.end.line)) continue;
    casing(doc, ins, edits);
    if (ins.subInstruction) casing(doc, ins.subInstruction, edits);
    // BuildKit's FromAsCasing check wants `AS` cased like `FROM`, which is now upper case.
    const as = ins.keyword === 'FROM' && ins.args.length === 3 ? ins.args[1] : undefined;
    if (as && as.value !== 'AS' && as.value.toUpperCase() === 'AS') edits.push(replace(as.range.start.line, as.range.start.character, as.range.end.character, 'AS'));
    const first = ins.range.start.line;
    const lead = /^[ \t]*/.exec(doc.lines[first] ?? '')![0];
    if (lead.length > 0) edits.push(replace(first, 0, lead.length, ''));
    for (const line of continuationLines(doc, ins)) {
      const current = /^[ \t]*/.exec(doc.lines[line])![0];
      if (current !== indent) edits.push(replace(line, 0, current.length, indent));
    }
  }
  return range ? edits.filter((e) => e.range.start.line >= range.start.line && e.range.start.line <= range.end.line) : edits;
}

function replace(line: number, from: number, to: number, newText: string): TextEdit {
  return { range: { start: { line, character: from }, end: { line, character: to } }, newText };
}

function casing(doc: ParsedDocument, ins: Instruction, edits: TextEdit[]): void {
  const r = ins.keywordRange;
  if (r.start.line !== r.end.line) return;
  const written = (doc.lines[r.start.line] ?? '').slice(r.start.character, r.end.character);
  if (written !== ins.keyword && written.toUpperCase() === ins.keyword) edits.push(replace(r.start.line, r.start.character, r.end.character, ins.keyword));
}

/**
 * The lines after the first that continue the instruction (not heredoc lines, not blank), whose
 * leading blanks are outside quotes and between words: re-indenting those cannot change what
 * BuildKit reads.
 */
function continuationLines(doc: ParsedDocument, ins: Instruction): number[] {
  const escape = doc.dockerfile.escapeChar;
  const last = ins.heredocs.length > 0 ? ins.heredocs[0].bodyRange.start.line - 1 : ins.range.end.line;
  const out: number[] = [];
  let quote: string | undefined;
  let wordBreak = true;
  for (let line = ins.range.start.line; line <= last; line++) {
    const text = doc.lines[line] ?? '';
    // Blanks are only changed where some already separate words: `RU\` + `N` stays one word.
    const separated = wordBreak || /^[ \t]/.test(text);
    if (line > ins.range.start.line && quote === undefined && text.trim() !== '' && separated) out.push(line);
    if (/^\s*#/.test(text) && line > ins.range.start.line) continue;
    quote = scanQuotes(text, escape, quote);
    const body = text.trimEnd();
    wordBreak = body.endsWith(escape) ? /[ \t]$/.test(body.slice(0, -1)) : true;
  }
  return out;
}

/** The quote still open at the end of `text` (a shell's view: `'` takes everything, `"` honours the escape). */
function scanQuotes(text: string, escape: string, open: string | undefined): string | undefined {
  let quote = open;
  const end = text.trimEnd().endsWith(escape) ? text.trimEnd().length - 1 : text.length;
  for (let i = 0; i < end; i++) {
    const c = text[i];
    if (c === escape && quote !== "'") i++;
    else if (quote === undefined && (c === '"' || c === "'")) quote = c;
    else if (c === quote) quote = undefined;
  }
  return quote;
}
