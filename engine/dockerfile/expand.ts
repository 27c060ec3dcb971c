/**
 * Dockerfile word expansion, ported from BuildKit's shell lexer
 * (moby/buildkit frontend/dockerfile/shell/lex.go). Docker does not run a shell to expand
 * `$VAR` in instructions; it runs this lexer, so matching it rune for rune (quirks included)
 * is what lets a build, a hover or a lint agree with `docker build`.
 */

export type EnvGetter = { get(name: string): string | undefined };

type EscapeToken = '\\' | '`';

export class ExpansionError extends Error {
  readonly code = 'EXPANSION';

  /** `word` is the input as given; `reason` is the message without BuildKit's "failed to process" prefix. */
  constructor(message: string, readonly word: string, readonly reason: string) {
    super(message);
    this.name = 'ExpansionError';
  }
}

export interface ExpandResult {
  value: string;
  matched: Set<string>;
  unmatched: Set<string>;
}

/** BuildKit's Lex flags; all default to false, which is how instructions are expanded. */
export interface LexOptions {
  /** Keep the quote characters in the output (BuildKit RawQuotes). */
  rawQuotes?: boolean;
  /** Keep the escape characters in the output (BuildKit RawEscapes). */
  rawEscapes?: boolean;
  /** Treat quotes as ordinary characters (BuildKit SkipProcessQuotes, used for heredoc bodies). */
  skipProcessQuotes?: boolean;
  /** Leave references to unset variables as written, e.g. `${X:-a}` (BuildKit SkipUnsetEnv). */
  skipUnsetEnv?: boolean;
}

export interface VariableReference {
  name: string;
  start: number;
  end: number;
}

export class ShellLex {
  private readonly config: LexConfig;

  constructor(escapeToken: EscapeToken = '\\', options: LexOptions = {}) {
    this.config = {
      escapeToken: escapeToken.codePointAt(0) ?? BACKSLASH,
      rawQuotes: options.rawQuotes ?? false,
      rawEscapes: options.rawEscapes ?? false,
      skipProcessQuotes: options.skipProcessQuotes ?? false,
      skipUnsetEnv: options.skipUnsetEnv ?? false,
    };
  }

  /** Expands variables and removes quotes and escapes; throws ExpansionError where BuildKit fails. */
  processWord(word: string, env: EnvGetter): string {
    return this.run(word, env).result;
  }

  /** Like processWord, and also names the variables that were looked up and found / not found. */
  processWordWithMatches(word: string, env: EnvGetter): ExpandResult {
    const shellWord = this.run(word, env);
    return { value: shellWord.result, matched: shellWord.matched, unmatched: shellWord.unmatched };
  }

  /** Expands, then splits on unquoted whitespace, including whitespace that variable values bring; throws ExpansionError. */
  processWords(word: string, env: EnvGetter): string[] {
    return this.run(word, env).words.map((w) => w.text);
  }

  /** processWords, with the source offsets each word was read from (approximate inside expanded variables). */
  processWordSpans(word: string, env: EnvGetter): WordSpan[] {
    return this.run(word, env).words;
  }

  private run(word: string, env: EnvGetter): { result: string; words: WordSpan[]; matched: Set<string>; unmatched: Set<string> } {
    const shellWord = new ShellWord(word, this.config, env);
    const { result, words } = shellWord.process();
    return { result, words, matched: shellWord.matched, unmatched: shellWord.unmatched };
  }
}

/**
 * Every variable reference in a word with its offsets, for hover/definition/lint ranges;
 * `options` as for the lexer that will expand the word (skipProcessQuotes for heredoc bodies).
 */
export function variableReferences(word: string, escapeToken: EscapeToken = '\\', options: LexOptions = {}): VariableReference[] {
  const config: LexConfig = {
    escapeToken: escapeToken.codePointAt(0) ?? BACKSLASH,
    rawQuotes: false,
    rawEscapes: false,
    skipProcessQuotes: options.skipProcessQuotes ?? false,
    skipUnsetEnv: false,
  };
  const shellWord = new ShellWord(word, config, null);
  try {
    shellWord.process();
  } catch (e) {
    // An editor wants the references before a syntax error too; the error itself is a lint's job.
    if (!(e instanceof ExpansionError)) throw e;
  }
  return [...shellWord.references].sort((a, b) => a.start - b.start);
}

// ---------------------------------------------------------------------------------------------
// The lexer. Names and structure follow lex.go so the two can be diffed by eye.

interface LexConfig {
  escapeToken: number;
  rawQuotes: boolean;
  rawEscapes: boolean;
  skipProcessQuotes: boolean;
  skipUnsetEnv: boolean;
}

const EOF = -1;
const BACKSLASH = 0x5c;
const DOLLAR = 0x24;
const SINGLE_QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const COLON = 0x3a;
const SLASH = 0x2f;
const HASH = 0x23;
const PERCENT = 0x25;
const PLUS = 0x2b;
const MINUS = 0x2d;
const QUESTION = 0x3f;
const UNDERSCORE = 0x5f;
const BOM = 0xfeff;
const LESS_THAN = 0x3c;

/** An internal failure; ShellWord.process wraps it the way BuildKit's errors.Wrapf does. */
class LexFailure extends Error {}

/**
 * Go's text/scanner as lex.go uses it: Next/Peek over code points. It silently drops a
 * byte-order mark at the very start of its input, and so does this.
 */
class Scanner {
  private readonly points: number[] = [];
  private readonly offsets: number[] = [];
  private pos = 0;

  constructor(private readonly text: string) {
    let offset = 0;
    for (const ch of text) {
      this.points.push(ch.codePointAt(0) ?? 0);
      this.offsets.push(offset);
      offset += ch.length;
    }
    if (this.points[0] === BOM) this.pos = 1;
  }

  peek(): number {
    return this.pos < this.points.length ? this.points[this.pos] : EOF;
  }

  next(): number {
    const ch = this.peek();
    if (ch !== EOF) this.pos++;
    return ch;
  }

  /** UTF-16 offset of the next unread character (the text's length at the end). */
  offset(): number {
    return this.pos < this.offsets.length ? this.offsets[this.pos] : this.text.length;
  }
}

/**
 * BuildKit shares one word buffer between the top-level loop and every nested `${...}` it
 * reads, and resets it on entry to each; the splitter below shares it the same way so that
 * processWords keeps BuildKit's behaviour (`a${X:-b}c` splits to `bc`, the `a` is lost).
 * `start`/`end` follow the source offsets of what went into the current word, so that
 * heredoc markers found by word splitting keep their place in the line.
 */
interface WordBuffer {
  text: string;
  start: number;
  end: number;
  /** Source offset where the token being added began (set by the loop that reads it). */
  tokenStart: number;
}

/** A word of processWordSpans: its text and the source offsets [start, end) it came from. */
export interface WordSpan {
  text: string;
  start: number;
  end: number;
}

class WordSplitter {
  private readonly words: WordSpan[] = [];
  private inWord = false;

  constructor(
    private readonly buf: WordBuffer,
    private readonly offset: () => number,
  ) {}

  addChar(ch: number): void {
    if (isSpace(ch) && this.inWord) {
      if (this.buf.text.length !== 0) {
        this.push();
        this.inWord = false;
      }
    } else if (!isSpace(ch)) {
      this.addRawChar(ch);
    }
  }

  addRawChar(ch: number): void {
    this.mark();
    this.buf.text += String.fromCodePoint(ch);
    this.inWord = true;
  }

  addString(str: string): void {
    for (const ch of str) this.addChar(ch.codePointAt(0) ?? 0);
  }

  addRawString(str: string): void {
    this.mark();
    this.buf.text += str;
    this.inWord = true;
  }

  finish(): WordSpan[] {
    if (this.buf.text.length > 0) {
      this.push();
      this.inWord = false;
    }
    return this.words;
  }

  private mark(): void {
    if (this.buf.start < 0) this.buf.start = this.buf.tokenStart;
    this.buf.end = this.offset();
  }

  private push(): void {
    const start = this.buf.start < 0 ? this.buf.tokenStart : this.buf.start;
    this.words.push({ text: this.buf.text, start, end: Math.max(start, this.buf.end) });
    this.buf.text = '';
    this.buf.start = -1;
  }
}

interface Processed {
  result: string;
  words: WordSpan[];
}

class ShellWord {
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();
  readonly references: VariableReference[] = [];
  private readonly scanner: Scanner;
  private readonly wordBuffer: WordBuffer = { text: '', start: -1, end: -1, tokenStart: 0 };
  private rawEscapes: boolean;

  /** `env` null: parse only, evaluating nothing (for variableReferences). */
  constructor(
    private readonly source: string,
    private readonly config: LexConfig,
    private readonly env: EnvGetter | null,
  ) {
    this.scanner = new Scanner(source);
    this.rawEscapes = config.rawEscapes;
  }

  process(): Processed {
    try {
      return this.processStopOn(EOF, this.rawEscapes);
    } catch (e) {
      if (!(e instanceof LexFailure)) throw e;
      throw new ExpansionError(`failed to process ${goQuote(this.source)}: ${e.message}`, this.source, e.message);
    }
  }

  /** Reads up to `stopChar` (consumed) or the end; a missing stop character is an error. */
  private processStopOn(stopChar: number, rawEscapes: boolean): Processed {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      return this.readUntil(stopChar);
    } finally {
      this.rawEscapes = saved;
    }
  }

  private readUntil(stopChar: number): Processed {
    let result = '';
    const buf = this.wordBuffer;
    buf.text = '';
    buf.start = -1;
    const words = new WordSplitter(buf, () => this.scanner.offset());
    while (this.scanner.peek() !== EOF) {
      const ch = this.scanner.peek();
      if (stopChar !== EOF && ch === stopChar) {
        this.scanner.next();
        return { result, words: words.finish() };
      }
      const tokenStart = this.scanner.offset();
      const special = this.specialHandler(ch);
      if (special) {
        const tmp = special();
        result += tmp;
        // A nested ${...} moved the token start; what is added now began here.
        buf.tokenStart = tokenStart;
        // Values of variables are split on whitespace; quoted text never is.
        if (ch === DOLLAR) words.addString(tmp);
        else words.addRawString(tmp);
        continue;
      }
      buf.tokenStart = tokenStart;
      const literal = this.readLiteral(words);
      if (literal === null) break;
      result += literal;
    }
    if (stopChar !== EOF) {
      throw new LexFailure(`unexpected end of statement while looking for matching ${String.fromCodePoint(stopChar)}`);
    }
    return { result, words: words.finish() };
  }

  private specialHandler(ch: number): (() => string) | undefined {
    if (ch === DOLLAR) return () => this.processDollar();
    if (ch === LESS_THAN) return () => this.processPossibleHeredoc();
    if (this.config.skipProcessQuotes) return undefined;
    if (ch === SINGLE_QUOTE) return () => this.processSingleQuote();
    if (ch === DOUBLE_QUOTE) return () => this.processDoubleQuote();
    return undefined;
  }

  /** One ordinary or escaped character; null when an escape token ends the input (it is dropped). */
  private readLiteral(words: WordSplitter): string | null {
    let ch = this.scanner.next();
    let out = '';
    if (ch !== this.config.escapeToken) {
      words.addChar(ch);
      return String.fromCodePoint(ch);
    }
    if (this.rawEscapes) {
      words.addRawChar(ch);
      out += String.fromCodePoint(ch);
    }
    ch = this.scanner.next();
    if (ch === EOF) return null;
    words.addRawChar(ch);
    return out + String.fromCodePoint(ch);
  }

  /**
   * BuildKit (v0.22+) lets whitespace follow `<<` in a heredoc marker; it keeps `<<` and the
   * spaces, tabs and CRs after it in the current word so that `<< EOF` stays one word.
   */
  private processPossibleHeredoc(): string {
    this.scanner.next();
    if (this.scanner.peek() !== LESS_THAN) return '<';
    this.scanner.next();
    let result = '<<';
    for (let ch = this.scanner.peek(); ch === 0x20 || ch === 0x09 || ch === 0x0d; ch = this.scanner.peek()) {
      result += String.fromCodePoint(this.scanner.next());
    }
    return result;
  }

  private processSingleQuote(): string {
    // Nothing is special between single quotes, not even the escape token.
    let result = '';
    const open = this.scanner.next();
    if (this.config.rawQuotes) result += String.fromCodePoint(open);
    for (;;) {
      const ch = this.scanner.next();
      if (ch === EOF) throw new LexFailure('unexpected end of statement while looking for matching single-quote');
      if (ch === SINGLE_QUOTE) {
        if (this.config.rawQuotes) result += String.fromCodePoint(ch);
        return result;
      }
      result += String.fromCodePoint(ch);
    }
  }

  private processDoubleQuote(): string {
    let result = '';
    const open = this.scanner.next();
    if (this.config.rawQuotes) result += String.fromCodePoint(open);
    for (;;) {
      const peek = this.scanner.peek();
      if (peek === EOF) throw new LexFailure('unexpected end of statement while looking for matching double-quote');
      if (peek === DOUBLE_QUOTE) {
        const close = this.scanner.next();
        if (this.config.rawQuotes) result += String.fromCodePoint(close);
        return result;
      }
      if (peek === DOLLAR) {
        result += this.processDollar();
        continue;
      }
      result += this.readQuotedChar();
    }
  }

  /** Inside double quotes the escape token only escapes `"`, `$` and itself; elsewhere it stays. */
  private readQuotedChar(): string {
    let ch = this.scanner.next();
    if (ch !== this.config.escapeToken) return String.fromCodePoint(ch);
    const raw = this.rawEscapes ? String.fromCodePoint(ch) : '';
    const peek = this.scanner.peek();
    if (peek === EOF) return raw;
    if (peek === DOUBLE_QUOTE || peek === DOLLAR || peek === this.config.escapeToken) ch = this.scanner.next();
    return raw + String.fromCodePoint(ch);
  }

  private processDollar(): string {
    const start = this.scanner.offset();
    this.scanner.next();
    if (this.scanner.peek() !== LBRACE) return this.processBareName(start);
    this.scanner.next();
    const peek = this.scanner.peek();
    if (peek === EOF) throw new LexFailure("syntax error: missing '}'");
    if (peek === LBRACE || peek === RBRACE || peek === COLON) throw new LexFailure('syntax error: bad substitution');
    return this.processBraced(start);
  }

  private processBareName(start: number): string {
    const name = this.processName();
    if (name === '') return '$';
    this.reference(name, start);
    if (!this.env) return '';
    const [value, set] = this.getEnv(name);
    if (!set && this.config.skipUnsetEnv) return `$${name}`;
    return value;
  }

  private processBraced(start: number): string {
    const name = this.processName();
    let ch = this.scanner.next();
    let chs = goRuneString(ch);
    if (ch === RBRACE) {
      this.reference(name, start);
      if (!this.env) return '';
      const [value, set] = this.getEnv(name);
      if (!set && this.config.skipUnsetEnv) return `\${${name}}`;
      return value;
    }
    if (ch === SLASH) return this.processReplace(name, start);
    let nullIsUnset = false;
    if (ch === COLON) {
      // Go's fallthrough: whatever follows the ':' is taken as the modifier, valid or not.
      nullIsUnset = true;
      ch = this.scanner.next();
      chs += goRuneString(ch);
    } else if (!isModifier(ch)) {
      throw new LexFailure(`unsupported modifier (${chs}) in substitution`);
    }
    return this.processModifier(name, start, ch, chs, nullIsUnset);
  }

  private processModifier(name: string, start: number, ch: number, chs: string, nullIsUnset: boolean): string {
    // Patterns keep their escapes so that `\*` can still mean a literal star to the matcher.
    const isPattern = ch === HASH || ch === PERCENT;
    if (nullIsUnset && isPattern) throw new LexFailure(`unsupported modifier (${chs}) in substitution`);
    const word = this.processEnclosed(RBRACE, isPattern, "syntax error: missing '}'");
    this.reference(name, start);
    if (!this.env) return '';
    const [value, set] = this.getEnv(name);
    if (this.config.skipUnsetEnv && !set) return `\${${name}${chs}${word}}`;
    const unsetOrNull = !set || (nullIsUnset && value === '');
    switch (ch) {
      case MINUS:
        return unsetOrNull ? word : value;
      case PLUS:
        return unsetOrNull ? '' : word;
      case QUESTION:
        return requireValue(name, value, set, nullIsUnset, word);
      case HASH:
      case PERCENT:
        return trimPattern(ch, word, value);
      default:
        throw new LexFailure(`unsupported modifier (${chs}) in substitution`);
    }
  }

  private processReplace(name: string, start: number): string {
    const replaceAll = this.scanner.peek() === SLASH;
    if (replaceAll) this.scanner.next();
    const pattern = this.processEnclosed(SLASH, true, "syntax error: missing '/' in ${}");
    const replacement = this.processEnclosed(RBRACE, true, "syntax error: missing '}'");
    this.reference(name, start);
    if (!this.env) return '';
    const [value, set] = this.getEnv(name);
    // BuildKit writes a single '/' back even for `//`.
    if (this.config.skipUnsetEnv && !set) return `\${${name}/${pattern}/${replacement}}`;
    const re = compilePattern(pattern, true, false);
    if (replaceAll) return goReplaceAll(re, value, replacement);
    const match = findIndex(re, value, 0);
    if (!match) return value;
    // Unlike the replace-all path, a single replacement is inserted literally.
    return value.slice(0, match[0]) + replacement + value.slice(match[1]);
  }

  /** processStopOn for a nested part; running out of input there is reported as `eofMessage`. */
  private processEnclosed(stopChar: number, rawEscapes: boolean, eofMessage: string): string {
    try {
      return this.processStopOn(stopChar, rawEscapes).result;
    } catch (e) {
      if (e instanceof LexFailure && this.scanner.peek() === EOF) throw new LexFailure(eofMessage);
      throw e;
    }
  }

  /** A name: letters, digits and `_`; or a run of digits (positional); or one special parameter. */
  private processName(): string {
    let name = '';
    while (this.scanner.peek() !== EOF) {
      const ch = this.scanner.peek();
      if (name === '' && isDigit(ch)) return this.processDigits();
      if (name === '' && isSpecialParam(ch)) return String.fromCodePoint(this.scanner.next());
      if (!isLetter(ch) && !isDigit(ch) && ch !== UNDERSCORE) break;
      name += String.fromCodePoint(this.scanner.next());
    }
    return name;
  }

  private processDigits(): string {
    let digits = '';
    while (this.scanner.peek() !== EOF && isDigit(this.scanner.peek())) {
      digits += String.fromCodePoint(this.scanner.next());
    }
    return digits;
  }

  private getEnv(name: string): [string, boolean] {
    const value = this.env?.get(name);
    if (value === undefined) {
      this.unmatched.add(name);
      return ['', false];
    }
    this.matched.add(name);
    return [value, true];
  }

  private reference(name: string, start: number): void {
    this.references.push({ name, start, end: this.scanner.offset() });
  }
}

function requireValue(name: string, value: string, set: boolean, nullIsUnset: boolean, word: string): string {
  if (!set) throw new LexFailure(`${name}: ${word !== '' ? word : 'is not allowed to be unset'}`);
  if (nullIsUnset && value === '') throw new LexFailure(`${name}: ${word !== '' ? word : 'is not allowed to be empty'}`);
  return value;
}

function isModifier(ch: number): boolean {
  return ch === PLUS || ch === MINUS || ch === QUESTION || ch === HASH || ch === PERCENT;
}

/** Go's string(rune): EOF (-1) and other invalid runes become U+FFFD. */
function goRuneString(ch: number): string {
  return ch < 0 || ch > 0x10ffff ? '\uFFFD' : String.fromCodePoint(ch);
}

// Special parameters (POSIX 2.5.2); they are never set in a Dockerfile but are still names.
function isSpecialParam(ch: number): boolean {
  return '@*#?-$!0'.includes(String.fromCodePoint(ch));
}

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
const WHITE_SPACE = /^\p{White_Space}$/u;

function isLetter(ch: number): boolean {
  return LETTER.test(String.fromCodePoint(ch));
}

function isDigit(ch: number): boolean {
  return DIGIT.test(String.fromCodePoint(ch));
}

/** Go's unicode.IsSpace: the Unicode White_Space property (it includes NEL and NBSP). */
function isSpace(ch: number): boolean {
  return ch >= 0 && WHITE_SPACE.test(String.fromCodePoint(ch));
}

// ---------------------------------------------------------------------------------------------
// Patterns of `#`, `##`, `%`, `%%`, `/`, `//`: `*` and `?` wildcards, `\` escapes, no brackets.
// BuildKit compiles them to Go regular expressions; these are the JavaScript equivalents.

/** `${X#p}`, `${X##p}`, `${X%p}`, `${X%%p}`; a doubled operator (the word's first char) is greedy. */
function trimPattern(op: number, word: string, value: string): string {
  const greedy = word.length > 0 && word.codePointAt(0) === op;
  const pattern = greedy ? word.slice(1) : word;
  return op === PERCENT ? trimSuffix(pattern, value, greedy) : trimPrefix(pattern, value, greedy);
}

function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const match = findIndex(compilePattern(pattern, greedy, true), value, 0);
  return match ? value.slice(match[1]) : value;
}

// A regular expression cannot find the shortest match that ends at the right edge, so BuildKit
// reverses both pattern and value and trims a prefix instead. (An invalid pattern is therefore
// reported reversed.)
function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  return reverseString(trimPrefix(reversePattern(pattern), reverseString(value), greedy));
}

/** Reverses by code point but keeps each `\x` pair in order: `a\*c` becomes `c\*a`. */
function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const out = new Array<string>(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last; ) {
    const outIdx = last - i;
    if (chars[i] === '\\' && i !== last) {
      out[outIdx - 1] = chars[i];
      out[outIdx] = chars[i + 1];
      i += 2;
    } else {
      out[outIdx] = chars[i];
      i++;
    }
  }
  return out.join('');
}

function reverseString(str: string): string {
  return Array.from(str).reverse().join('');
}

// Go's `.` matches any character but newline; JavaScript's also refuses \r, U+2028 and U+2029.
const ANY_CHAR = '[^\\n]';
const REGEX_SPECIALS = '[]{}.+()|^$';

/** BuildKit's convertShellPatternToRegex; throws LexFailure for an escape other than `\*`, `\?`, `\\`. */
function compilePattern(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  const scanner = new Scanner(pattern);
  let out = anchored ? '^' : '';
  for (let tok = scanner.next(); tok !== EOF; tok = scanner.next()) {
    if (tok === 0x2a) {
      out += greedy ? `${ANY_CHAR}*` : `${ANY_CHAR}*?`;
      continue;
    }
    if (tok === QUESTION) {
      out += ANY_CHAR;
      continue;
    }
    if (tok === BACKSLASH) {
      // `\}` and `\/` were only needed to get past the ${} syntax; they are plain `}` and `/`.
      if (scanner.peek() === RBRACE || scanner.peek() === SLASH) continue;
      out += '\\';
      tok = scanner.next();
      if (tok !== 0x2a && tok !== QUESTION && tok !== BACKSLASH) {
        throw new LexFailure(`invalid pattern (${pattern}) in substitution: invalid escape '\\${goRuneString(tok)}'`);
      }
    } else if (REGEX_SPECIALS.includes(String.fromCodePoint(tok))) {
      out += '\\';
    }
    out += String.fromCodePoint(tok);
  }
  return new RegExp(out, 'gu');
}

/** Leftmost-first match at or after `from`, as UTF-16 [start, end). */
function findIndex(re: RegExp, value: string, from: number): [number, number] | null {
  re.lastIndex = from;
  const m = re.exec(value);
  return m ? [m.index, m.index + m[0].length] : null;
}

/**
 * Go's Regexp.ReplaceAllString: an empty match right after a previous match is not replaced
 * (JavaScript's replace would), and the replacement is a Go template (`$0`, `$$`).
 */
function goReplaceAll(re: RegExp, src: string, template: string): string {
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    const match = findIndex(re, src, searchPos);
    if (!match) break;
    out += src.slice(lastMatchEnd, match[0]);
    if (match[1] > lastMatchEnd || match[0] === 0) out += expandGoTemplate(template, src.slice(match[0], match[1]));
    lastMatchEnd = match[1];
    const width = codePointWidth(src, searchPos);
    if (searchPos + width > match[1]) searchPos += width;
    else if (searchPos + 1 > match[1]) searchPos++;
    else searchPos = match[1];
  }
  return out + src.slice(lastMatchEnd);
}

function codePointWidth(str: string, index: number): number {
  if (index >= str.length) return 0;
  return (str.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
}

/**
 * Go's Regexp.Expand for a pattern without groups: `$$` is `$`, `$0`/`${0}` the match, any
 * other well-formed `$name`/`${name}` nothing, and a malformed `$` stays literal.
 */
function expandGoTemplate(template: string, match: string): string {
  let out = '';
  let rest = template;
  for (let i = rest.indexOf('$'); i >= 0; i = rest.indexOf('$')) {
    out += rest.slice(0, i);
    rest = rest.slice(i + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const ref = extractTemplateName(rest);
    if (!ref) {
      out += '$';
      continue;
    }
    rest = ref.rest;
    if (ref.name === '0') out += match;
  }
  return out + rest;
}

function extractTemplateName(str: string): { name: string; rest: string } | null {
  const brace = str.startsWith('{');
  const body = brace ? str.slice(1) : str;
  let end = 0;
  for (const ch of body) {
    const cp = ch.codePointAt(0) ?? 0;
    if (!isLetter(cp) && !isDigit(cp) && cp !== UNDERSCORE) break;
    end += ch.length;
  }
  if (end === 0) return null;
  const name = body.slice(0, end);
  if (!brace) return { name, rest: body.slice(end) };
  if (body[end] !== '}') return null;
  return { name, rest: body.slice(end + 1) };
}

/** Go's %q (strconv.Quote) closely enough for error messages. */
function goQuote(str: string): string {
  let out = '"';
  for (const ch of str) out += quoteChar(ch);
  return `${out}"`;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function quoteChar(ch: string): string {
  const simple = SIMPLE_ESCAPES[ch];
  if (simple !== undefined) return simple;
  if (PRINTABLE.test(ch)) return ch;
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x80) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}
