import { ARGUMENT_STYLE, parseArguments, type Span } from './arguments';
import { DirectiveReader } from './directives';
import { scanFlags, unquoteFlagWord } from './flags';
import { isKeywordSpace, skipGoSpace, trimGoSpaceEnd, utf8Length } from './gotext';
import { HEREDOC_INSTRUCTIONS, scanHeredocMarkers } from './heredoc';
import { LogicalLine, lineRange, splitSource } from './logical-line';
import { buildStages } from './stages';
import type { Dockerfile, EscapeChar, Flag, Heredoc, Instruction, ParseProblem, Range, Word } from './types';

// Go's bufio.Scanner gives up on a line (with its ending) longer than this many bytes.
const MAX_LINE_BYTES = 64 * 1024;

/** BuildKit's isComment: '#' after leading (Go) whitespace. */
function isComment(line: string): boolean {
  const i = skipGoSpace(line);
  return i < line.length && line.charCodeAt(i) === 0x23;
}

/**
 * Parses a Dockerfile the way BuildKit's parser does, never throwing: problems that make
 * `docker build` refuse the file are collected in `errors` and parsing goes on, so an
 * editor always gets the best model of what the user typed.
 */
export function parseDockerfile(source: string): Dockerfile {
  return new Parser(source).parse();
}

class Parser {
  private readonly lines: string[];
  private readonly endings: string[];
  private readonly directives = new DirectiveReader();
  private readonly errors: ParseProblem[] = [];
  private readonly instructions: Instruction[] = [];
  private next = 0;

  constructor(source: string) {
    const split = splitSource(source.charCodeAt(0) === 0xfeff ? source.slice(1) : source);
    this.lines = split.lines;
    this.endings = split.endings;
  }

  parse(): Dockerfile {
    let comments: string[] = [];
    this.checkLineLengths();
    while (this.next < this.lines.length) {
      const lineNo = this.next++;
      const raw = this.lines[lineNo];
      const directive = this.directives.offer(raw, lineNo);
      if (isComment(raw)) {
        // A directive looks like a comment but is not one of the instruction's comments.
        if (directive) continue;
        const text = raw.trimStart().slice(1).trim();
        comments = text === '' ? [] : [...comments, text];
        continue;
      }
      const instruction = this.readInstruction(raw, lineNo, comments);
      if (instruction) {
        this.instructions.push(instruction);
        comments = [];
      }
    }
    const errors = [...this.directives.errors, ...this.errors];
    if (this.instructions.length === 0) {
      const end = Math.max(this.lines.length - 1, 0);
      errors.push({ message: 'file with no instructions', range: lineRange(end, 0, 0) });
    }
    const { stages, globalArgs, errors: stageErrors } = buildStages(this.instructions);
    return {
      directives: this.directives.directives,
      escapeChar: this.directives.escapeChar,
      instructions: this.instructions,
      globalArgs,
      stages,
      errors: [...errors, ...stageErrors],
      lineCount: this.lines.length,
    };
  }

  // BuildKit reads lines with a bufio.Scanner, which fails on a line over 64 KiB; the file is
  // then rejected at that line.
  private checkLineLengths(): void {
    for (let i = 0; i < this.lines.length; i++) {
      const line = this.lines[i];
      if ((line.length + this.endings[i].length) * 3 <= MAX_LINE_BYTES) continue;
      const ending = this.endings[i];
      const bytes = utf8Length(line) + ending.length;
      if (ending.endsWith('\n') ? bytes > MAX_LINE_BYTES : bytes >= MAX_LINE_BYTES) {
        this.errors.push({ message: `dockerfile line greater than max allowed size of ${MAX_LINE_BYTES - 1}`, range: lineRange(i, 0, line.length) });
      }
    }
  }

  private get escape(): EscapeChar {
    return this.directives.escapeChar;
  }

  // A trailing escape character (spaces may follow) continues the line, unless it is itself
  // escaped (`\\` at the end is a literal backslash), as in BuildKit's continuation regex.
  private trimContinuation(text: string): { text: string; continues: boolean } {
    let end = text.length;
    while (end > 0 && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
    if (end === 0 || text[end - 1] !== this.escape) return { text, continues: false };
    if (end >= 2 && text[end - 2] === this.escape) return { text, continues: false };
    return { text: text.slice(0, end - 1), continues: true };
  }

  private readInstruction(raw: string, lineNo: number, comments: string[]): Instruction | undefined {
    const indent = skipGoSpace(raw);
    const first = this.trimContinuation(indent === 0 ? raw : raw.slice(indent));
    if (!first.continues && first.text.length === 0) return undefined;
    const line = new LogicalLine();
    line.append(first.text, lineNo, indent);
    let lastLine = lineNo;
    let continues = first.continues;
    let hasEmptyContinuationLine = false;
    while (continues && this.next < this.lines.length) {
      const n = this.next++;
      const text = this.lines[n];
      lastLine = n;
      if (isComment(text)) continue;
      if (skipGoSpace(text) === text.length) {
        hasEmptyContinuationLine = true;
        continue;
      }
      const piece = this.trimContinuation(text);
      line.append(piece.text, n, 0);
      continues = piece.continues;
    }
    const text = line.text;
    const start = skipGoSpace(text);
    const end = trimGoSpaceEnd(text, start);
    if (end <= start) return undefined;
    const instruction = this.instructionAt(line, start, end, comments);
    instruction.hasEmptyContinuationLine = hasEmptyContinuationLine;
    const heredocs = this.readHeredocs(instruction, line);
    instruction.heredocs = heredocs;
    if (instruction.subInstruction) instruction.subInstruction.heredocs = heredocs;
    if (heredocs.length > 0) lastLine = heredocs[heredocs.length - 1].terminatorRange.end.line;
    instruction.range = { start: instruction.keywordRange.start, end: { line: lastLine, character: this.lines[lastLine].length } };
    return instruction;
  }

  /** Builds the instruction found in logical text [start, end) (ONBUILD recurses on its argument). */
  private instructionAt(line: LogicalLine, start: number, end: number, comments: string[]): Instruction {
    const text = line.text;
    let kwEnd = start;
    while (kwEnd < end && !isKeywordSpace(text.charCodeAt(kwEnd))) kwEnd++;
    const keyword = text.slice(start, kwEnd).toUpperCase();
    let restStart = kwEnd;
    while (restStart < end && isKeywordSpace(text.charCodeAt(restStart))) restStart++;
    const rest = text.slice(restStart, end);
    const scan = scanFlags(rest);
    const flags = scan.flags.map((f) => this.flag(line, f.text, restStart + f.start, restStart + f.end));
    const argsStart = skipGoSpace(text, restStart + scan.rest, end);
    const argsEnd = trimGoSpaceEnd(text, argsStart, end);
    const argsText = text.slice(argsStart, argsEnd);
    const style = ARGUMENT_STYLE[keyword] ?? 'ignore';
    const parsed = parseArguments(style, argsText, argsStart, this.escape, keyword);
    const word = (s: Span): Word => ({ value: s.value, range: line.range(s.start, s.end) });
    const instruction: Instruction = {
      keyword,
      keywordRange: line.range(start, kwEnd),
      range: line.range(start, end),
      original: text,
      flags,
      argsText,
      argsRange: argsText ? line.range(argsStart, argsEnd) : undefined,
      args: parsed.args.map(word),
      json: parsed.json,
      keyValues: parsed.keyValues.map((kv) => ({
        key: word(kv.key),
        value: kv.value && word(kv.value),
        separator: kv.separator,
        range: line.range(kv.start, kv.end),
      })),
      heredocs: [],
      comments,
      hasEmptyContinuationLine: false,
      lineMap: line,
    };
    if (parsed.error) this.errors.push({ message: parsed.error, range: instruction.argsRange ?? instruction.range });
    if (style === 'subCommand' && argsText) {
      instruction.subInstruction = this.instructionAt(line, argsStart, argsEnd, []);
    }
    return instruction;
  }

  private flag(line: LogicalLine, flagText: string, start: number, end: number): Flag {
    const body = flagText.slice(2);
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const raw = line.text.slice(start, end);
    // Where the name ends and the value starts in the source: quotes and escapes BuildKit
    // removed from the flag make the written text longer than the flag's.
    let nameEnd: number;
    if (raw === flagText) {
      nameEnd = start + 2 + name.length;
    } else {
      const unquoted = unquoteFlagWord(raw);
      if (unquoted.text === flagText) {
        nameEnd = start + unquoted.offsets[2 + name.length];
      } else {
        // BuildKit read non-ASCII text byte by byte; fall back to the written '='.
        const rawEq = raw.indexOf('=');
        nameEnd = rawEq < 0 ? end : start + rawEq;
      }
    }
    return {
      name,
      value: eq < 0 ? undefined : body.slice(eq + 1),
      text: flagText,
      range: line.range(start, end),
      nameRange: line.range(start, nameEnd),
      valueRange: eq < 0 || nameEnd >= end ? undefined : line.range(nameEnd + 1, end),
    };
  }

  /** BuildKit reads the bodies right after the instruction, one heredoc after the other, in marker order. */
  private readHeredocs(instruction: Instruction, line: LogicalLine): Heredoc[] {
    const target = instruction.subInstruction ?? instruction;
    if (!HEREDOC_INSTRUCTIONS.has(target.keyword) || target.json || !line.text.includes('<<')) return [];
    const scan = scanHeredocMarkers(line.text);
    if (scan.error) {
      this.errors.push({ message: scan.error, range: instruction.range });
      return [];
    }
    const heredocs: Heredoc[] = [];
    for (const marker of scan.markers) {
      const bodyStart = this.next;
      let content = '';
      let terminator: Range | undefined;
      while (this.next < this.lines.length) {
        const n = this.next++;
        const text = this.lines[n];
        let tabs = 0;
        if (marker.chomp) while (tabs < text.length && text.charCodeAt(tabs) === 0x09) tabs++;
        if (text.length - tabs === marker.name.length && text.endsWith(marker.name)) {
          terminator = lineRange(n, tabs, marker.name.length);
          break;
        }
        content += text + this.endings[n];
      }
      const lastBody = (terminator ? terminator.start.line : this.next) - 1;
      const bodyRange: Range =
        lastBody >= bodyStart
          ? { start: { line: bodyStart, character: 0 }, end: { line: lastBody, character: this.lines[lastBody].length } }
          : this.emptyRangeAt(bodyStart);
      if (!terminator) {
        this.errors.push({ message: `unterminated heredoc ${marker.name}`, range: line.range(marker.start, marker.end) });
        const end = Math.max(this.next - 1, 0);
        terminator = lineRange(end, this.lines[end]?.length ?? 0, 0);
      }
      heredocs.push({
        name: marker.name,
        chomp: marker.chomp,
        expand: marker.expand,
        fileDescriptor: marker.fileDescriptor,
        content,
        markerRange: line.range(marker.start, marker.end),
        bodyRange,
        terminatorRange: terminator,
      });
    }
    return heredocs;
  }

  /** An empty range at the start of `line`, or at the end of the document when that line does not exist. */
  private emptyRangeAt(line: number): Range {
    if (line < this.lines.length) return lineRange(line, 0, 0);
    const last = Math.max(this.lines.length - 1, 0);
    return lineRange(last, this.lines[last]?.length ?? 0, 0);
  }
}
