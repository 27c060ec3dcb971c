/**
 * Source ranges for parts of words: a variable reference inside an argument, a `from=` field
 * inside a `--mount` flag. Words can span continuation lines and lose quotes on the way to
 * their value, so a part's range is found by mapping offsets through the instruction's
 * logical line rather than by adding to a start column.
 */
import { unquoteFlagWord } from './flags';
import type { Flag, Heredoc, Instruction, Range, Word } from './types';

/** Offset in `ins.original` of a source position, or -1 when the instruction has no line map. */
function offsetOf(ins: Instruction, pos: Range['start']): number {
  return ins.lineMap ? ins.lineMap.offsetAt(pos) : -1;
}

// Without a line map (a model built by hand), a part falls back to its whole word.
function mapped(ins: Instruction, base: number, start: number, end: number, fallback: Range): Range {
  if (base < 0 || !ins.lineMap) return fallback;
  return ins.lineMap.range(base + start, base + end);
}

/** The range of word.value[start, end) for a word whose value is its source text (quotes kept). */
export function wordPartRange(ins: Instruction, word: Word, start: number, end: number): Range {
  return mapped(ins, offsetOf(ins, word.range.start), start, end, word.range);
}

/** The range of value[start, end) of a JSON-array element (the value is the decoded string). */
export function jsonPartRange(ins: Instruction, word: Word, start: number, end: number): Range {
  const base = offsetOf(ins, word.range.start);
  const until = offsetOf(ins, word.range.end);
  if (base < 0 || until < 0) return word.range;
  const offsets = jsonStringOffsets(ins.original.slice(base, until));
  const at = (i: number): number => offsets[Math.min(i, offsets.length - 1)];
  return mapped(ins, base, at(start), Math.max(at(start), at(end)), word.range);
}

/** The range of flag.value[start, end): the flag's value after BuildKit removed quotes and escapes. */
export function flagValuePartRange(ins: Instruction, flag: Flag, start: number, end: number): Range {
  const base = offsetOf(ins, flag.range.start);
  const until = offsetOf(ins, flag.range.end);
  const fallback = flag.valueRange ?? flag.range;
  if (base < 0 || until < 0 || flag.value === undefined) return fallback;
  const unquoted = unquoteFlagWord(ins.original.slice(base, until));
  // The value starts after `--name=`; where the raw text disagrees with BuildKit's (non-ASCII), use the whole value.
  if (unquoted.text !== flag.text) return fallback;
  const shift = flag.text.length - flag.value.length;
  const at = (i: number): number => unquoted.offsets[Math.min(i + shift, unquoted.offsets.length - 1)];
  const s = at(start);
  // An end offset maps to just past the last character it covers.
  const e = end > start ? unquoted.offsets[Math.min(end - 1 + shift, unquoted.offsets.length - 1)] + 1 : s;
  return mapped(ins, base, s, Math.max(s, e), fallback);
}

/** The range of content[start, end) of a heredoc body (offsets into h.content). */
export function heredocPartRange(h: Heredoc, start: number, end: number): Range {
  return { start: contentPosition(h, start), end: contentPosition(h, Math.max(start, end)) };
}

function contentPosition(h: Heredoc, offset: number): Range['start'] {
  let line = h.bodyRange.start.line;
  let lineStart = 0;
  for (let i = h.content.indexOf('\n'); i >= 0 && i < offset; i = h.content.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  // A CRLF body keeps its \r in the content; positions never point past the line's text.
  let character = offset - lineStart;
  const lineEnd = h.content.indexOf('\n', lineStart);
  const lineText = h.content.slice(lineStart, lineEnd < 0 ? h.content.length : lineEnd).replace(/\r+$/, '');
  if (character > lineText.length) character = lineText.length;
  if (line > h.bodyRange.end.line) return { ...h.bodyRange.end };
  return { line, character };
}

/**
 * For a JSON string token (with its quotes), the offset in the token of each UTF-16 unit of
 * the decoded string, and one more for the end.
 */
export function jsonStringOffsets(token: string): number[] {
  const offsets: number[] = [];
  let i = token.startsWith('"') ? 1 : 0;
  const end = token.endsWith('"') && token.length > 1 ? token.length - 1 : token.length;
  while (i < end) {
    if (token.charCodeAt(i) !== 0x5c) {
      offsets.push(i);
      i++;
      continue;
    }
    offsets.push(i);
    i += token[i + 1] === 'u' ? 6 : 2;
  }
  offsets.push(end);
  return offsets;
}

/** The body as BuildKit expands it (chomped for `<<-`) with, per character, its offset in h.content. */
export function chompedWithOffsets(h: Heredoc): { text: string; offsets: number[] } {
  let text = '';
  const offsets: number[] = [];
  let atLineStart = true;
  for (let i = 0; i < h.content.length; i++) {
    const c = h.content.charCodeAt(i);
    if (h.chomp && atLineStart && c === 0x09) continue;
    atLineStart = c === 0x0a;
    text += h.content[i];
    offsets.push(i);
  }
  offsets.push(h.content.length);
  return { text, offsets };
}
