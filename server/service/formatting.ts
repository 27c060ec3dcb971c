import type { FormattingOptions, Range, TextEdit } from 'vscode-languageserver';
import { isGoSpace, skipGoSpace, trimGoSpaceEnd } from '../../engine/dockerfile/gotext';
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
  const byInstruction = doc.dockerfile.instructions.map((ins) => {
    if (range && (ins.range.end.line < range.start.line || ins.range.start.line > range.end.line)) return [];
    return instructionEdits(doc, ins, indent).filter((e) => !range || (e.range.start.line >= range.start.line && e.range.start.line <= range.end.line));
  });
  // A layout change must not change what BuildKit reads: check by parsing the result, and
  // leave alone any instruction whose reading changed (odd escapes, stray carriage returns).
  const changed = changedInstructions(doc, byInstruction.flat());
  if (changed === undefined) return [];
  const kept = byInstruction.filter((_, i) => !changed.has(i)).flat();
  return changed.size === 0 || changedInstructions(doc, kept)?.size === 0 ? kept : [];
}

function instructionEdits(doc: ParsedDocument, ins: Instruction, indent: string): TextEdit[] {
  const edits: TextEdit[] = [];
  casing(doc, ins, edits);
  if (ins.subInstruction) casing(doc, ins.subInstruction, edits);
  // BuildKit's FromAsCasing check wants `AS` cased like `FROM`, which is now upper case.
  const as = ins.keyword === 'FROM' && ins.args.length === 3 ? ins.args[1] : undefined;
  if (as && as.value !== 'AS' && as.value.toUpperCase() === 'AS') edits.push(replace(as.range.start.line, as.range.start.character, as.range.end.character, 'AS'));
  const first = ins.range.start.line;
  const lead = /^[ \t]*/.exec(doc.lines[first] ?? '')![0];
  if (lead.length > 0) edits.push(replace(first, 0, lead.length, ''));
  if (!blanksAreSeparators(ins.subInstruction ?? ins)) return edits;
  for (const line of continuationLines(doc, ins)) {
    const current = /^[ \t]*/.exec(doc.lines[line])![0];
    if (current !== indent) edits.push(replace(line, 0, current.length, indent));
  }
  return edits;
}

/** Indexes of the instructions the edits change the reading of; undefined when they change the instruction count. */
function changedInstructions(doc: ParsedDocument, edits: TextEdit[]): Set<number> | undefined {
  if (edits.length === 0) return new Set();
  const lines = [...doc.lines];
  // Single-line edits, applied right to left so earlier columns stay valid.
  for (const e of [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)) {
    const l = lines[e.range.start.line];
    lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
  }
  const before = doc.dockerfile.instructions;
  const after = parsed(lines.join('\n')).dockerfile.instructions;
  if (after.length !== before.length) return undefined;
  const escape = doc.dockerfile.escapeChar;
  return new Set(before.flatMap((ins, i) => (reading(ins, escape) === reading(after[i], escape) ? [] : [i])));
}

/** What BuildKit takes from an instruction, blanks between words (outside quotes) counted as one. */
function reading(ins: Instruction, escape: string): string {
  const words = (v: string) => (ins.json ? v : collapseBlanks(v, escape));
  return JSON.stringify([
    ins.keyword,
    ins.subInstruction && reading(ins.subInstruction, escape),
    ins.flags.map((f) => f.text),
    ins.json,
    ins.args.map((a, n) => (ins.keyword === 'FROM' && n === 1 ? a.value.toUpperCase() : words(a.value))),
    ins.keyValues.map((kv) => [kv.key.value, kv.value?.value, kv.separator]),
    ins.heredocs.map((h) => h.content),
  ]);
}

/** Runs of blanks outside quotes as one space (a shell splits words on them, whatever their number). */
function collapseBlanks(value: string, escape: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quote === undefined && isGoSpace(value.charCodeAt(i))) {
      if (!out.endsWith(' ')) out += ' ';
      continue;
    }
    out += c;
    if (c === escape && quote !== "'") out += value[++i] ?? '';
    else if (quote === undefined && (c === '"' || c === "'")) quote = c;
    else if (c === quote) quote = undefined;
  }
  return out;
}

// Blanks as BuildKit sees them: Go's spaces (a BOM is part of a word, \r and U+0085 are blank).
const blank = (s: string): boolean => skipGoSpace(s) === s.length;

/** The text before a line's continuation escape (trailing blanks after it allowed), or undefined when it does not continue. */
function continued(text: string, escape: string): string | undefined {
  const end = trimGoSpaceEnd(text, 0);
  return end > 0 && text[end - 1] === escape ? text.slice(0, end - 1) : undefined;
}

// One-string arguments keep their blanks: `WORKDIR /a \` + `b` is the folder "/a    b".
const ONE_STRING = new Set(['USER', 'WORKDIR', 'MAINTAINER', 'STOPSIGNAL']);

/** Whether blanks in the arguments only separate words (so their number does not matter). */
function blanksAreSeparators(ins: Instruction): boolean {
  if (ONE_STRING.has(ins.keyword)) return false;
  // The legacy `ENV KEY value with spaces` form: the rest of the line is the value, blanks included.
  return !ins.keyValues.some((kv) => kv.separator === '');
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
    const separated: boolean = wordBreak || (text.length > 0 && isGoSpace(text.charCodeAt(0)));
    // A keyword continued over lines (`FR\` + `OM`) is left as written.
    if (line > ins.keywordRange.end.line && quote === undefined && !blank(text) && separated) out.push(line);
    // Comment and empty lines inside a continuation are dropped from it: they join nothing.
    if ((text[skipGoSpace(text)] === '#' || blank(text)) && line > ins.range.start.line) continue;
    quote = scanQuotes(text, escape, quote);
    const joined = continued(text, escape);
    // A line of nothing but blanks and the escape passes the break it was given on.
    wordBreak = joined === undefined ? true : blank(joined) ? separated || joined !== '' : isGoSpace(joined.charCodeAt(joined.length - 1));
  }
  return out;
}

/** The quote still open at the end of `text` (a shell's view: `'` takes everything, `"` honours the escape). */
function scanQuotes(text: string, escape: string, open: string | undefined): string | undefined {
  let quote = open;
  const end = continued(text, escape)?.length ?? text.length;
  for (let i = 0; i < end; i++) {
    const c = text[i];
    if (c === escape && quote !== "'") i++;
    else if (quote === undefined && (c === '"' || c === "'")) quote = c;
    else if (c === quote) quote = undefined;
  }
  return quote;
}
