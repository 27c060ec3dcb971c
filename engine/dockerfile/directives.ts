import type { Directive, EscapeChar, ParseProblem } from './types';
import { lineRange } from './logical-line';

// BuildKit's directive syntax; only these names are directives, anything else ends the block.
const DIRECTIVE = /^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$/;
const KNOWN = new Set(['syntax', 'escape', 'check']);

/**
 * Reads parser directives the way BuildKit does: each line is checked after its leading
 * whitespace is removed, and the first line that is not a known directive ends the block
 * for good, even if a directive-looking comment follows.
 */
export class DirectiveReader {
  readonly directives: Directive[] = [];
  readonly errors: ParseProblem[] = [];
  escapeChar: EscapeChar = '\\';
  private done = false;

  /** Offers one source line (with its original indentation) to the reader. */
  offer(rawLine: string, lineNo: number): void {
    if (this.done) return;
    const indent = rawLine.length - rawLine.trimStart().length;
    const line = rawLine.slice(indent);
    const m = DIRECTIVE.exec(line);
    if (!m || !KNOWN.has(m[1].toLowerCase())) {
      this.done = true;
      return;
    }
    const name = m[1].toLowerCase();
    const value = m[2];
    const valueStart = indent + line.indexOf(value, line.indexOf('=') + 1);
    const directive: Directive = {
      name,
      value,
      range: lineRange(lineNo, indent, line.length),
      valueRange: lineRange(lineNo, valueStart, value.length),
    };
    if (this.directives.some((d) => d.name === name)) {
      this.errors.push({ message: `only one ${name} parser directive can be used`, range: directive.range });
      return;
    }
    this.directives.push(directive);
    if (name === 'escape') this.setEscape(directive);
  }

  private setEscape(d: Directive): void {
    if (d.value === '\\' || d.value === '`') {
      this.escapeChar = d.value;
      return;
    }
    this.errors.push({ message: `invalid escape token '${d.value}' does not match ^[\\\\\`]$`, range: d.valueRange });
  }
}

export interface CheckDirective {
  skip: string[] | 'all';
  error: boolean;
  experimental: string[] | 'all';
}

/** Parses `# check=skip=A,B;error=true;experimental=all` as BuildKit's linter reads it. */
export function parseCheckDirective(value: string): CheckDirective {
  const result: CheckDirective = { skip: [], error: false, experimental: [] };
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const val = part.slice(eq + 1).trim();
    const list = val.toLowerCase() === 'all' ? 'all' : val.split(',').map((s) => s.trim()).filter(Boolean);
    if (key === 'skip') result.skip = list;
    else if (key === 'experimental') result.experimental = list;
    else if (key === 'error') result.error = val.toLowerCase() === 'true';
  }
  return result;
}
