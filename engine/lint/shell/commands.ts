/**
 * Reads the simple commands out of a POSIX shell script, as hadolint reads them from
 * ShellCheck's AST: the command name, its words after quote removal, and where each sits.
 * Commands inside `$(...)`, backticks, subshells, `if`/`while`/`for` bodies and pipelines
 * are all found. It is not a full shell parser (no `case` patterns, no functions): the
 * rules only need command names and arguments. npm's shell-quote does not report offsets
 * or enter command substitutions, which the rules and their ranges need.
 */

/** A word after quote removal; `start`/`end` are offsets in the script text. */
export interface ShellWord {
  value: string;
  start: number;
  end: number;
}

export interface ShellCommand {
  name: string;
  /** The words after the name. */
  args: ShellWord[];
  start: number;
  end: number;
}

export interface ShellScript {
  text: string;
  /** In source order of their names (a command substitution's commands come after the outer command). */
  commands: ShellCommand[];
  /** A `|` or `|&` pipeline appears somewhere. */
  hasPipes: boolean;
}

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'in', 'esac', '{', '}', '!', 'time']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

/** Parses a script into its simple commands; never throws, whatever the input. */
export function parseShell(text: string): ShellScript {
  const out: ShellScript = { text, commands: [], hasPipes: false };
  new Reader(text, out).script(0, text.length);
  out.commands.sort((a, b) => a.start - b.start);
  return out;
}

class Reader {
  private pos = 0;
  private end = 0;
  private pendingHeredocs: { delimiter: string; strip: boolean }[] = [];

  constructor(
    private readonly text: string,
    private readonly out: ShellScript,
  ) {}

  script(from: number, to: number): void {
    const savedPos = this.pos;
    const savedEnd = this.end;
    this.pos = from;
    this.end = to;
    let words: ShellWord[] = [];
    let redirectNext = false;
    let skipFor = false;
    const flush = () => {
      this.emit(words);
      words = [];
      skipFor = false;
    };
    while (this.pos < this.end) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\r') {
        this.pos++;
      } else if (c === '\n') {
        this.pos++;
        flush();
        this.skipHeredocBodies();
      } else if (c === '#' && (this.pos === from || /\s|[;&|()]/.test(this.text[this.pos - 1]))) {
        while (this.pos < this.end && this.text[this.pos] !== '\n') this.pos++;
      } else if (c === '\\' && this.text[this.pos + 1] === '\n') {
        this.pos += 2;
      } else if (';&|()'.includes(c)) {
        const two = this.text.slice(this.pos, this.pos + 2);
        if (c === '|' && two !== '||') this.out.hasPipes = true;
        if (c === '&' && this.text[this.pos + 1] === '>') {
          this.pos += this.text[this.pos + 2] === '>' ? 3 : 2;
          redirectNext = true;
          continue;
        }
        this.pos += ['&&', '||', ';;', '|&'].includes(two) ? 2 : 1;
        flush();
      } else if ((c === '<' || c === '>') && this.text[this.pos + 1] !== '(') {
        this.redirection();
        redirectNext = true;
      } else {
        const word = this.word();
        if (redirectNext) {
          redirectNext = false;
          if (this.heredocMarker) this.pendingHeredocs.push(this.heredocWord(word));
          this.heredocMarker = false;
          continue;
        }
        if (/^\d+$/.test(word.value) && (this.text[this.pos] === '>' || this.text[this.pos] === '<')) continue;
        if (words.length === 0) {
          if (KEYWORDS.has(word.value) && word.end - word.start === word.value.length) continue;
          if (word.value === 'for' || word.value === 'select' || word.value === 'case') {
            skipFor = true;
            continue;
          }
          if (ASSIGNMENT.test(word.value)) continue;
        }
        if (skipFor) {
          // `for x in a b c` and `case x in`: loop words are not a command.
          if (word.value === 'do' || word.value === 'in') skipFor = word.value === 'in';
          continue;
        }
        words.push(word);
      }
    }
    flush();
    this.pos = savedPos;
    this.end = savedEnd;
  }

  private heredocMarker = false;

  private redirection(): void {
    const start = this.pos;
    if (this.text.startsWith('<<', this.pos) && this.text[this.pos + 2] !== '<') {
      this.heredocMarker = true;
      this.pos += this.text[this.pos + 2] === '-' ? 3 : 2;
      this.heredocStrip = this.pos - start === 3;
    } else {
      this.pos++;
      while (this.pos < this.end && '<>&|'.includes(this.text[this.pos])) this.pos++;
    }
  }

  private heredocStrip = false;

  private heredocWord(word: ShellWord): { delimiter: string; strip: boolean } {
    return { delimiter: word.value, strip: this.heredocStrip };
  }

  private skipHeredocBodies(): void {
    for (const h of this.pendingHeredocs) {
      while (this.pos < this.end) {
        const nl = this.text.indexOf('\n', this.pos);
        const lineEnd = nl < 0 || nl > this.end ? this.end : nl;
        let line = this.text.slice(this.pos, lineEnd).replace(/\r$/, '');
        if (h.strip) line = line.replace(/^\t+/, '');
        this.pos = lineEnd < this.end ? lineEnd + 1 : this.end;
        if (line === h.delimiter) break;
      }
    }
    this.pendingHeredocs = [];
  }

  private emit(words: ShellWord[]): void {
    if (words.length === 0) return;
    const last = words[words.length - 1];
    this.out.commands.push({ name: words[0].value, args: words.slice(1), start: words[0].start, end: last.end });
  }

  /** One word, with quotes removed; command substitutions inside it are parsed as scripts. */
  private word(): ShellWord {
    const start = this.pos;
    let value = '';
    while (this.pos < this.end) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || ';&|()<>'.includes(c)) {
        if ((c === '<' || c === '>') && this.text[this.pos + 1] === '(') {
          value += this.substitution(this.pos + 1);
          continue;
        }
        break;
      }
      if (c === '\\') {
        if (this.text[this.pos + 1] === '\n') this.pos += 2;
        else {
          value += this.text[this.pos + 1] ?? '';
          this.pos += 2;
        }
      } else if (c === "'") {
        const close = this.text.indexOf("'", this.pos + 1);
        const stop = close < 0 || close >= this.end ? this.end : close;
        value += this.text.slice(this.pos + 1, stop);
        this.pos = stop + 1;
      } else if (c === '"') {
        this.pos++;
        while (this.pos < this.end && this.text[this.pos] !== '"') {
          const d = this.text[this.pos];
          if (d === '\\' && '"\\$`\n'.includes(this.text[this.pos + 1] ?? '')) {
            if (this.text[this.pos + 1] !== '\n') value += this.text[this.pos + 1];
            this.pos += 2;
          } else if (d === '$' || d === '`') {
            value += this.dollar();
          } else {
            value += d;
            this.pos++;
          }
        }
        this.pos++;
      } else if (c === '$' || c === '`') {
        value += this.dollar();
      } else {
        value += c;
        this.pos++;
      }
    }
    if (this.pos > this.end) this.pos = this.end;
    return { value, start, end: this.pos };
  }

  /** `$(...)`, `$((...))`, `${...}`, backticks or a plain `$`: returns the raw text, parses commands inside. */
  private dollar(): string {
    const start = this.pos;
    const c = this.text[this.pos];
    if (c === '`') {
      let close = this.pos + 1;
      while (close < this.end && this.text[close] !== '`') close += this.text[close] === '\\' ? 2 : 1;
      this.script(this.pos + 1, Math.min(close, this.end));
      this.pos = Math.min(close + 1, this.end);
      return this.text.slice(start, this.pos);
    }
    const next = this.text[this.pos + 1];
    if (next === '(' && this.text[this.pos + 2] === '(') {
      this.pos = this.matching(this.pos + 1, '(', ')');
      return this.text.slice(start, this.pos);
    }
    if (next === '(') return this.substitution(this.pos + 1);
    if (next === '{') {
      this.pos = this.matching(this.pos + 1, '{', '}');
      return this.text.slice(start, this.pos);
    }
    this.pos++;
    return '$';
  }

  /** Parses the commands in the parentheses opening at `open` and returns the raw text. */
  private substitution(open: number): string {
    const start = this.pos;
    const close = this.matching(open, '(', ')');
    this.script(open + 1, Math.max(open + 1, close - 1));
    this.pos = close;
    return this.text.slice(start, close);
  }

  /** The offset just past the bracket matching the one at `open`, quotes respected. */
  private matching(open: number, left: string, right: string): number {
    let depth = 0;
    for (let i = open; i < this.end; i++) {
      const c = this.text[i];
      if (c === '\\') i++;
      else if (c === "'") {
        const close = this.text.indexOf("'", i + 1);
        i = close < 0 ? this.end : close;
      } else if (c === left) depth++;
      else if (c === right && --depth === 0) return i + 1;
    }
    return this.end;
  }
}

/** hadolint's flag reading: `--name=value` gives `name`, `-abc` gives `a`, `b`, `c`; `-` and `--` none. */
export function flagsOf(word: string): string[] {
  if (word === '-' || word === '--' || !word.startsWith('-')) return [];
  if (word.startsWith('--')) return [word.slice(2).split('=')[0]];
  return [...word.slice(1)];
}

/** The command is `name` and has at least one of `args` among its words. */
export function cmdHasArgs(cmd: ShellCommand, name: string | string[], args: string[]): boolean {
  if (typeof name === 'string' ? cmd.name !== name : !name.includes(cmd.name)) return false;
  return cmd.args.some((a) => args.includes(a.value));
}

/** The command has one of these flags (short letters or long names). */
export function hasAnyFlag(cmd: ShellCommand, flags: string[]): boolean {
  return cmd.args.some((a) => flagsOf(a.value).some((f) => flags.includes(f)));
}

/** The word values after the name. */
export function argValues(cmd: ShellCommand): string[] {
  return cmd.args.map((a) => a.value);
}

/**
 * The arguments that are not flags, as hadolint's getArgsNoFlags; the word following any
 * flag in `valueFlags` is that flag's value and is dropped too (hadolint's dropFlagArg).
 */
export function argsNoFlags(cmd: ShellCommand, valueFlags: string[] = []): string[] {
  const out: string[] = [];
  let skipNext = false;
  for (const a of cmd.args) {
    const flags = flagsOf(a.value);
    if (skipNext) {
      skipNext = false;
      if (flags.length === 0) continue;
    }
    if (flags.length > 0) {
      if (!a.value.includes('=') && flags.some((f) => valueFlags.includes(f))) skipNext = true;
      continue;
    }
    out.push(a.value);
  }
  return out;
}

/** The value of a flag: `--uid=5`, `--uid 5`, `-u 5` or `-u5`. */
export function flagValue(cmd: ShellCommand, short: string, long: string): string | undefined {
  for (let i = 0; i < cmd.args.length; i++) {
    const v = cmd.args[i].value;
    if (v.startsWith(`--${long}=`)) return v.slice(long.length + 3);
    if (v === `--${long}` || v === `-${short}`) return cmd.args[i + 1]?.value;
    if (short && v.startsWith(`-${short}`) && !v.startsWith('--') && v.length > 2) return v.slice(2);
  }
  return undefined;
}
