import type { Position, Range } from './types';

interface Piece {
  /** Offset of the piece in the logical text. */
  offset: number;
  line: number;
  character: number;
  length: number;
}

/**
 * An instruction's text with its continuation lines joined, remembering where each piece
 * came from so that any offset in the joined text maps back to an exact source position.
 */
export class LogicalLine {
  private readonly pieces: Piece[] = [];
  text = '';

  /** Appends `text`, which starts at (line, character) in the source. */
  append(text: string, line: number, character: number): void {
    this.pieces.push({ offset: this.text.length, line, character, length: text.length });
    this.text += text;
  }

  /** The source position of a logical offset; the end of the text maps past its last character. */
  position(offset: number): Position {
    const pieces = this.pieces;
    if (pieces.length === 0) return { line: 0, character: 0 };
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pieces[mid].offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    // An offset at a piece boundary belongs to the next piece's start, except for an end offset.
    let p = pieces[lo];
    while (lo > 0 && p.length === 0) p = pieces[--lo];
    const within = Math.min(offset - p.offset, p.length);
    return { line: p.line, character: p.character + within };
  }

  /** The source range of logical [start, end); an end on a piece boundary stays on the earlier line. */
  range(start: number, end: number): Range {
    const s = this.position(start);
    const e = end > start ? this.endPosition(end) : s;
    return { start: s, end: e };
  }

  /** Models carry their line map; serializing a model leaves it out (it is text the model already has). */
  toJSON(): undefined {
    return undefined;
  }

  /** The logical offset of a source position inside this line's pieces, or -1 when it lies outside them. */
  offsetAt(pos: Position): number {
    for (const p of this.pieces) {
      if (p.line === pos.line && pos.character >= p.character && pos.character <= p.character + p.length) {
        return p.offset + pos.character - p.character;
      }
    }
    return -1;
  }

  private endPosition(end: number): Position {
    const p = this.position(end - 1);
    return { line: p.line, character: p.character + 1 };
  }
}

/** Splits source text into lines as Go's bufio.ScanLines does (a trailing \r is dropped); see splitSource for BuildKit's own split. */
export function splitLines(source: string): string[] {
  const lines = source.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** A range covering `length` characters of one source line. */
export function lineRange(line: number, character: number, length: number): Range {
  return { start: { line, character }, end: { line, character: character + length } };
}

/** Source lines as BuildKit reads them, with what was cut off each line's end. */
export interface SourceLines {
  /** Lines without their line ending and without any trailing \r (BuildKit's trimNewline). */
  lines: string[];
  /** What followed each line in the source: "\n", "\r\n", "\r\r\n", or "" for a last line without newline. */
  endings: string[];
}

/** Splits source text as BuildKit's line scanner does: on \n, every trailing \r dropped, no empty last line. */
export function splitSource(source: string): SourceLines {
  const lines = source.split('\n');
  const finalNewline = lines.length > 1 && lines[lines.length - 1] === '';
  if (finalNewline) lines.pop();
  const endings = new Array<string>(lines.length);
  const last = lines.length - 1;
  for (let i = 0; i <= last; i++) {
    const line = lines[i];
    const nl = i < last || finalNewline ? '\n' : '';
    let end = line.length;
    while (end > 0 && line.charCodeAt(end - 1) === 13) end--;
    if (end === line.length) {
      endings[i] = nl;
    } else {
      endings[i] = line.slice(end) + nl;
      lines[i] = line.slice(0, end);
    }
  }
  return { lines, endings };
}
