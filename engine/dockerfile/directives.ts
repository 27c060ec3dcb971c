import { goQuote } from './dump';
import { goParseBool, goTrimSpace, skipGoSpace } from './gotext';
import { lineRange } from './logical-line';
import type { Directive, EscapeChar, ParseProblem } from './types';

// BuildKit's directiveRegexp, applied after the comment prefix and any (Go) whitespace; Go's
// `\s` is [\t\n\f\r ] and its `.` is anything but \n.
const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*([^\n]+?)[\t\n\f\r ]*$/;
const KNOWN = new Set(['syntax', 'escape', 'check']);

interface RawDirective {
  name: string;
  value: string;
  /** Offset of the value in the line given. */
  valueStart: number;
}

/**
 * BuildKit's DirectiveParser.ParseLine: a known `# name=value` line is a directive; any other
 * line ends the directives for good (`done`), even if a directive-looking comment follows.
 * Returns undefined for a line that is not one, the directive otherwise, or a string: the
 * error for a repeated directive.
 */
class DirectiveLineParser {
  done = false;
  private readonly seen = new Set<string>();

  parseLine(line: string): RawDirective | string | undefined {
    if (this.done) return undefined;
    if (line.charCodeAt(0) !== 0x23) {
      this.done = true;
      return undefined;
    }
    const bodyStart = skipGoSpace(line, 1);
    const m = DIRECTIVE.exec(bodyStart === 0 ? line : line.slice(bodyStart));
    if (!m || !KNOWN.has(m[1].toLowerCase())) {
      this.done = true;
      return undefined;
    }
    const name = m[1].toLowerCase();
    // A repeated directive is an error; BuildKit does not mark the parser done for it.
    if (this.seen.has(name)) return `only one ${name} parser directive can be used`;
    this.seen.add(name);
    const afterEq = line.indexOf('=', bodyStart + m[1].length) + 1;
    return { name, value: m[2], valueStart: line.indexOf(m[2], afterEq) };
  }
}

/**
 * Reads parser directives the way BuildKit's parser does: each line is checked after its
 * leading whitespace is removed, and the first line that is not a known directive ends the
 * block for good, even if a directive-looking comment follows.
 */
export class DirectiveReader {
  readonly directives: Directive[] = [];
  readonly errors: ParseProblem[] = [];
  escapeChar: EscapeChar = '\\';
  private readonly parser = new DirectiveLineParser();

  /** Offers one source line (with its original indentation); true when BuildKit takes it as a directive. */
  offer(rawLine: string, lineNo: number): boolean {
    if (this.parser.done) return false;
    const indent = skipGoSpace(rawLine);
    const line = indent === 0 ? rawLine : rawLine.slice(indent);
    const d = this.parser.parseLine(line);
    if (d === undefined) return false;
    if (typeof d === 'string') {
      this.errors.push({ message: d, range: lineRange(lineNo, indent, line.length) });
      return false;
    }
    const directive: Directive = {
      name: d.name,
      value: d.value,
      range: lineRange(lineNo, indent, line.length),
      valueRange: lineRange(lineNo, indent + d.valueStart, d.value.length),
    };
    this.directives.push(directive);
    if (d.name === 'escape') return this.setEscape(directive);
    return true;
  }

  private setEscape(d: Directive): boolean {
    if (d.value === '\\' || d.value === '`') {
      this.escapeChar = d.value;
      return true;
    }
    this.errors.push({ message: `invalid escape token '${d.value}' does not match \` or \\`, range: d.valueRange });
    return false;
  }
}

/** A directive as BuildKit's ParseDirective finds it in the raw file (see findDirective). */
export interface FoundDirective {
  /** What BuildKit uses: the value up to its first space (`# check=skip=A, B` gives `skip=A,`). */
  value: string;
  /** The whole value, as written after `=`, trimmed. */
  cmdline: string;
  /** 0-based line of the directive. */
  line: number;
}

/**
 * BuildKit's ParseDirective(key, file), which the builder uses to read `# check=` (and, with
 * other comment forms, `# syntax=`): a byte-order mark and a `#!` first line are skipped, the
 * lines are not trimmed (an indented directive is not found), and the value is cut at its
 * first space.
 */
export function findDirective(source: string, key: string): FoundDirective | undefined {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  let lines = text.split('\n');
  let line = 0;
  if (lines[0].startsWith('#!')) {
    lines = lines.slice(1);
    line = 1;
  }
  // bufio.ScanLines: no empty last line, one trailing \r dropped.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const parser = new DirectiveLineParser();
  for (const raw of lines) {
    if (parser.done) break;
    const d = parser.parseLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    if (typeof d === 'string') break;
    if (d && d.name === key) {
      const space = d.value.indexOf(' ');
      return { value: space < 0 ? d.value : d.value.slice(0, space), cmdline: d.value, line };
    }
    line++;
  }
  return undefined;
}

export interface CheckDirective {
  /** 'all' when `skip=all` was given (even if a later `skip=` named rules too). */
  skip: string[] | 'all';
  error: boolean;
  experimental: string[] | 'all';
  skipAll: boolean;
  skipRules: string[];
  experimentalAll: boolean;
  experimentalRules: string[];
  /**
   * Set when BuildKit rejects the value; `docker build` then fails with
   * "failed to parse check options: <problem>" and the other fields keep their defaults.
   */
  problem?: string;
}

/**
 * Parses a check value exactly as BuildKit's linter.ParseLintOptions does: at most three
 * `;`-separated parts (a fourth stays inside the third), keys are case-sensitive and trimmed,
 * rule lists are split on `,` and trimmed (empty names kept), `all` is only `all`, and `error`
 * takes Go's boolean spellings.
 */
export function parseCheckDirective(value: string): CheckDirective {
  const result: CheckDirective = {
    skip: [],
    error: false,
    experimental: [],
    skipAll: false,
    skipRules: [],
    experimentalAll: false,
    experimentalRules: [],
  };
  const check = goTrimSpace(value);
  if (check === '') return result;
  const parsed = { ...result };
  for (const part of splitN(check, ';', 3)) {
    const eq = part.indexOf('=');
    if (eq < 0) return { ...result, problem: `invalid check option ${goQuote(part)}` };
    const key = goTrimSpace(part.slice(0, eq));
    const val = goTrimSpace(part.slice(eq + 1));
    switch (key) {
      case 'skip':
        if (val === 'all') parsed.skipAll = true;
        else parsed.skipRules = val.split(',').map(goTrimSpace);
        break;
      case 'experimental':
        if (val === 'all') parsed.experimentalAll = true;
        else parsed.experimentalRules = val.split(',').map(goTrimSpace);
        break;
      case 'error': {
        const b = goParseBool(val);
        if (b === undefined) {
          return { ...result, problem: `failed to parse check option ${goQuote(part)}: strconv.ParseBool: parsing ${goQuote(val)}: invalid syntax` };
        }
        parsed.error = b;
        break;
      }
      default:
        return { ...result, problem: `invalid check option ${goQuote(key)}` };
    }
  }
  parsed.skip = parsed.skipAll ? 'all' : parsed.skipRules;
  parsed.experimental = parsed.experimentalAll ? 'all' : parsed.experimentalRules;
  return parsed;
}

/** The check options `docker build` applies to a file: its `# check=` directive as BuildKit reads it. */
export function checkOptions(source: string): CheckDirective {
  return parseCheckDirective(findDirective(source, 'check')?.value ?? '');
}

/** Go's strings.SplitN(s, sep, n) for n > 0. */
function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}
