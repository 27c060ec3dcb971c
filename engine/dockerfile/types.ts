/**
 * The Dockerfile model every part of Layerwise reads: lint rules, the builder, hover, the
 * layer tree's "which line made this file". Positions are 0-based lines and UTF-16 columns,
 * the same convention as LSP, so the server passes ranges through untouched.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type EscapeChar = '\\' | '`';

/** A parser directive from the top of the file (`# syntax=`, `# escape=`, `# check=`). */
export interface Directive {
  name: string;
  value: string;
  range: Range;
  valueRange: Range;
}

/** A piece of argument text with where it sits in the source. */
export interface Word {
  value: string;
  range: Range;
}

/** A `--name=value` flag; `value` is undefined for a bare `--name`. Quotes are removed as BuildKit does. */
export interface Flag {
  name: string;
  value: string | undefined;
  /** The flag as BuildKit reports it, `--name=value` without the quotes. */
  text: string;
  range: Range;
  nameRange: Range;
  valueRange?: Range;
}

/** `KEY=value` of ENV, LABEL and ARG; `separator` is '=' or '' (the legacy `ENV KEY value` form). */
export interface KeyValue {
  key: Word;
  value: Word | undefined;
  separator: '=' | '';
  range: Range;
}

export interface Heredoc {
  /** The delimiter word after quote removal. */
  name: string;
  /** `<<-`: leading tabs are stripped from the body and the terminator. */
  chomp: boolean;
  /** False when the delimiter was quoted: the body is taken literally. */
  expand: boolean;
  fileDescriptor: number;
  /**
   * The body exactly as BuildKit stores it: each line with its own line ending ("\r\n" in a
   * CRLF file), leading tabs not yet stripped (see heredocBody in heredoc.ts).
   */
  content: string;
  /** The `<<EOF` marker on the instruction line. */
  markerRange: Range;
  /** The body lines, empty (start == end) when the body is empty. */
  bodyRange: Range;
  terminatorRange: Range;
}

/** Maps offsets in an instruction's `original` text to source positions and back. */
export interface OffsetMap {
  /** The source range of original[start, end); continuation lines make this non-linear. */
  range(start: number, end: number): Range;
  /** The offset in `original` of a source position on the instruction's lines, or -1. */
  offsetAt(position: Position): number;
}

export interface Instruction {
  /** Upper-cased instruction keyword as written (unknown keywords are kept, for lint). */
  keyword: string;
  keywordRange: Range;
  /** From the keyword to the end of the last continuation or heredoc line. */
  range: Range;
  /** The logical line: continuations joined, comment lines inside them dropped. */
  original: string;
  flags: Flag[];
  /** Argument text after the flags, trimmed. */
  argsText: string;
  argsRange: Range | undefined;
  /**
   * The arguments as BuildKit's AST holds them: JSON elements (decoded) for the exec form,
   * whitespace-separated words for FROM/COPY/ADD/VOLUME/EXPOSE, one string for the shell
   * form of RUN/CMD/ENTRYPOINT/SHELL and for USER/WORKDIR/MAINTAINER/STOPSIGNAL.
   */
  args: Word[];
  /** The arguments were a JSON array of strings (exec form). */
  json: boolean;
  /** ENV and LABEL pairs, ARG declarations. */
  keyValues: KeyValue[];
  heredocs: Heredoc[];
  /** ONBUILD's wrapped instruction; HEALTHCHECK's CMD is in args[1..]. */
  subInstruction?: Instruction;
  /** Comment lines directly above the instruction, without the '#'. */
  comments: string[];
  /** True when an empty line sat inside its continuation lines (deprecated by Docker). */
  hasEmptyContinuationLine: boolean;
  /** Maps offsets in `original` (of words, flags, variable references) back to the source. */
  lineMap?: OffsetMap;
}

export interface ParseProblem {
  message: string;
  range: Range;
}

export interface Stage {
  index: number;
  /** `AS name`, lower-cased as BuildKit compares it. */
  name: string | undefined;
  nameRange: Range | undefined;
  /** The FROM image word, unexpanded. */
  base: Word | undefined;
  from: Instruction;
  /** Instructions after FROM, up to the next FROM. */
  instructions: Instruction[];
}

export interface Dockerfile {
  directives: Directive[];
  escapeChar: EscapeChar;
  instructions: Instruction[];
  /** ARG instructions before the first FROM. */
  globalArgs: Instruction[];
  stages: Stage[];
  /** Problems that make `docker build` reject the file; the model is still as complete as possible. */
  errors: ParseProblem[];
  /** Number of lines in the source, for whole-file ranges. */
  lineCount: number;
}
