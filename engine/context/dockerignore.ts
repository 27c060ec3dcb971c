import * as fs from 'node:fs/promises';
import * as path from 'node:path';

// A port of github.com/moby/patternmatcher (New, Pattern.compile/match, MatchesOrParentMatches,
// MatchesUsingParentResults) and patternmatcher/ignorefile.ReadAll, as BuildKit runs them on Unix.
// Docker turns each pattern into a Go RE2 regexp *source string* and lets Go's regexp parser read it,
// so whatever RE2 syntax leaks through (escapes like \d, POSIX classes, `*` inside `[...]`, a raw `|`)
// changes what matches. To reproduce that exactly, this file parses that same source string with RE2's
// rules and runs it as an automaton: JavaScript's RegExp reads several of those constructs differently
// and backtracks (polynomially or worse on `*a*a*a...`), where RE2 stays linear.

// ---------------------------------------------------------------------------------------------
// Go string and path helpers
// ---------------------------------------------------------------------------------------------

// unicode.IsSpace: unlike String.prototype.trim it includes U+0085 and excludes U+FEFF.
function isGoSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0x85 || c === 0xa0 || c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGoSpace(s.charCodeAt(start))) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

// path.Clean; Node's normalize keeps trailing slashes and maps "" to "." differently.
function goClean(p: string): string {
  if (p === '') return '.';
  if (!/\/\/|\/$|(^|\/)\.\.?(\/|$)/.test(p)) return p;
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

function goDir(p: string): string {
  return goClean(p.slice(0, p.lastIndexOf('/') + 1));
}

// strings.Join(strings.Split(dir, "/")[:i+1], "/") for each i: every leading run of components.
function leadingPaths(dir: string): string[] {
  const out: string[] = [];
  for (let i = dir.indexOf('/'); i >= 0; i = dir.indexOf('/', i + 1)) out.push(dir.slice(0, i));
  out.push(dir);
  return out;
}

// ---------------------------------------------------------------------------------------------
// filepath.Match's syntax check: New() rejects exactly what Match(pattern, ".") reports as bad
// (current Go checks every chunk, even after a mismatch).
// ---------------------------------------------------------------------------------------------

function scanChunk(pattern: string): { star: boolean; chunk: string; rest: string } {
  let j = 0;
  while (j < pattern.length && pattern[j] === '*') j++;
  const p = pattern.slice(j);
  let inRange = false;
  let i = 0;
  scan: for (; i < p.length; i++) {
    switch (p[i]) {
      case '\\':
        if (i + 1 < p.length) i++;
        break;
      case '[':
        inRange = true;
        break;
      case ']':
        inRange = false;
        break;
      case '*':
        if (!inRange) break scan;
        break;
    }
  }
  return { star: j > 0, chunk: p.slice(0, i), rest: p.slice(i) };
}

// getEsc: index after one (possibly escaped) class character, or a reason it is malformed.
function globClassChar(chunk: string, i: number): number | string {
  if (i >= chunk.length || chunk[i] === '-' || chunk[i] === ']') return 'empty or malformed range in character class';
  if (chunk[i] === '\\') {
    i++;
    if (i >= chunk.length) return 'trailing backslash in character class';
  }
  i += chunk.codePointAt(i)! > 0xffff ? 2 : 1;
  return i >= chunk.length ? 'unterminated character class' : i;
}

function globChunkError(chunk: string): string | undefined {
  let i = 0;
  while (i < chunk.length) {
    const c = chunk[i];
    if (c === '[') {
      i++;
      if (i < chunk.length && chunk[i] === '^') i++;
      for (let nrange = 0; ; nrange++) {
        if (i < chunk.length && chunk[i] === ']' && nrange > 0) {
          i++;
          break;
        }
        const lo = globClassChar(chunk, i);
        if (typeof lo === 'string') return lo;
        i = lo;
        if (chunk[i] === '-') {
          const hi = globClassChar(chunk, i + 1);
          if (typeof hi === 'string') return hi;
          i = hi;
        }
      }
    } else if (c === '\\') {
      if (i + 1 >= chunk.length) return 'trailing backslash';
      i += 2;
    } else {
      i++;
    }
  }
  return undefined;
}

function globSyntaxError(pattern: string): string | undefined {
  let rest = pattern;
  while (rest.length > 0) {
    const next = scanChunk(rest);
    rest = next.rest;
    const err = globChunkError(next.chunk);
    if (err !== undefined) return err;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Pattern.compile: the glob-to-RE2 translation, character for character as Go writes it.
// ---------------------------------------------------------------------------------------------

type MatchKind = 'exact' | 'prefix' | 'suffix' | 'regexp';

// Go meant to escape `.+()|{}$`, but its 8-byte bitmap drops the bits of '{', '|' and '}'
// (1 << 15 overflows a byte), so those three reach RE2 raw: `a|b` alternates, `x{2}` repeats.
const ESCAPED = new Set(['.', '+', '(', ')', '$']);

function translate(cleaned: string): { kind: MatchKind; source: string } {
  const chars = Array.from(cleaned);
  let k = chars[0] === '\uFEFF' ? 1 : 0; // text/scanner silently drops a leading BOM
  const peek = (): string | undefined => chars[k];
  let source = '^';
  let kind: MatchKind = 'exact';
  for (let i = 0; k < chars.length; i++) {
    const ch = chars[k++];
    if (ch === '*') {
      if (peek() === '*') {
        k++;
        if (peek() === '/') k++;
        if (peek() === undefined) {
          if (kind === 'exact') {
            kind = 'prefix';
          } else {
            source += '.*';
            kind = 'regexp';
          }
        } else {
          source += '(.*/)?';
          kind = 'regexp';
        }
        if (i === 0) kind = 'suffix';
      } else {
        source += '[^/]*';
        kind = 'regexp';
      }
    } else if (ch === '?') {
      source += '[^/]';
      kind = 'regexp';
    } else if (ESCAPED.has(ch)) {
      source += '\\' + ch;
    } else if (ch === '\\') {
      if (peek() !== undefined) {
        source += '\\' + chars[k++];
        kind = 'regexp';
      } else {
        source += '\\';
      }
    } else if (ch === '[' || ch === ']') {
      source += ch;
      kind = 'regexp';
    } else {
      source += ch;
    }
  }
  if (kind === 'regexp') source += '$';
  return { kind, source };
}

// ---------------------------------------------------------------------------------------------
// RE2 (Go regexp/syntax with the Perl flags regexp.Compile uses) parsed into an AST.
// ---------------------------------------------------------------------------------------------

type Pred = (c: number) => boolean;
type Assertion = 'begin' | 'end' | 'word' | 'notWord';
type Node =
  | { op: 'char'; test: Pred }
  | { op: 'assert'; kind: Assertion }
  | { op: 'empty' }
  | { op: 'concat'; subs: Node[] }
  | { op: 'alternate'; subs: Node[] }
  | { op: 'star' | 'plus' | 'quest'; sub: Node }
  | { op: 'repeat'; min: number; max: number; sub: Node };

class Re2Error extends Error {}

const range = (lo: number, hi: number): Pred => (c) => c >= lo && c <= hi;
const anyOf = (preds: Pred[]): Pred => (c) => preds.some((p) => p(c));
const not = (p: Pred): Pred => (c) => !p(c);
const ranges = (...bounds: number[]): Pred => {
  const preds: Pred[] = [];
  for (let i = 0; i < bounds.length; i += 2) preds.push(range(bounds[i], bounds[i + 1]));
  return anyOf(preds);
};

// RE2's ASCII-only \d \s \w (JavaScript's \s would also take Unicode spaces), keyed by letter.
const DIGIT = ranges(0x30, 0x39);
const SPACE = ranges(0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20);
const WORD = ranges(0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a);
const PERL_CLASSES = new Map<number, Pred>([
  [0x64, DIGIT], [0x44, not(DIGIT)], [0x73, SPACE], [0x53, not(SPACE)], [0x77, WORD], [0x57, not(WORD)],
]);

const POSIX_CLASSES = new Map<string, Pred>([
  ['alnum', ranges(0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a)],
  ['alpha', ranges(0x41, 0x5a, 0x61, 0x7a)],
  ['ascii', ranges(0x00, 0x7f)],
  ['blank', ranges(0x09, 0x09, 0x20, 0x20)],
  ['cntrl', ranges(0x00, 0x1f, 0x7f, 0x7f)],
  ['digit', DIGIT],
  ['graph', ranges(0x21, 0x7e)],
  ['lower', ranges(0x61, 0x7a)],
  ['print', ranges(0x20, 0x7e)],
  ['punct', ranges(0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e)],
  ['space', ranges(0x09, 0x0d, 0x20, 0x20)],
  ['upper', ranges(0x41, 0x5a)],
  ['word', WORD],
  ['xdigit', ranges(0x30, 0x39, 0x41, 0x46, 0x61, 0x66)],
]);

const ESCAPE_ASSERTIONS = new Map<number, Assertion>([
  [0x41, 'begin'], // \A
  [0x7a, 'end'], // \z
  [0x62, 'word'], // \b
  [0x42, 'notWord'], // \B
]);

// The names Go's unicode tables know (Go 1.21-1.24, Unicode 15): JavaScript would also take aliases
// such as Grek or Letter, which RE2 rejects.
const CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '),
);
const SCRIPTS = new Set(
  `Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali Bhaiksuki Bopomofo
  Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian Chakma Cham Cherokee Chorasmian Common
  Coptic Cuneiform Cypriot Cypro_Minoan Cyrillic Deseret Devanagari Dives_Akuru Dogra Duployan Egyptian_Hieroglyphs
  Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati Gunjala_Gondi Gurmukhi Han Hangul
  Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic Inherited Inscriptional_Pahlavi
  Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kawi Kayah_Li Kharoshthi Khitan_Small_Script Khmer Khojki
  Khudawadi Lao Latin Lepcha Limbu Linear_A Linear_B Lisu Lycian Lydian Mahajani Makasar Malayalam Mandaic Manichaean
  Marchen Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi
  Mongolian Mro Multani Myanmar Nabataean Nag_Mundari Nandinagari New_Tai_Lue Newa Nko Nushu Nyiakeng_Puachue_Hmong
  Ogham Ol_Chiki Old_Hungarian Old_Italic Old_North_Arabian Old_Permic Old_Persian Old_Sogdian Old_South_Arabian
  Old_Turkic Old_Uyghur Oriya Osage Osmanya Pahawh_Hmong Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi
  Rejang Runic Samaritan Saurashtra Sharada Shavian Siddham SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese
  Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Takri Tamil Tangsa Tangut Telugu Thaana Thai Tibetan
  Tifinagh Tirhuta Toto Ugaritic Vai Vithkuqi Wancho Warang_Citi Yezidi Yi Zanabazar_Square`.split(/\s+/),
);

function unicodeTable(name: string): Pred | undefined {
  if (name === 'Any') return () => true;
  let re: RegExp;
  if (name === 'C') re = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}]$/u; // Go's C leaves out unassigned code points
  else if (CATEGORIES.has(name)) re = new RegExp(`^\\p{${name}}$`, 'u');
  else if (SCRIPTS.has(name)) re = new RegExp(`^\\p{Script=${name}}$`, 'u');
  else return undefined;
  return (c) => re.test(String.fromCodePoint(c));
}

const isAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isOctal = (c: number | undefined): c is number => c !== undefined && c >= 0x30 && c <= 0x37;
const unhex = (c: number | undefined): number => {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
};

class Re2Parser {
  private readonly s: number[];
  private i = 0;

  constructor(private readonly source: string) {
    this.s = Array.from(source, (ch) => ch.codePointAt(0)!);
  }

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.s.length) throw this.error('unexpected )', this.source);
    return node;
  }

  private error(code: string, expr: string): Re2Error {
    return new Re2Error(`error parsing regexp: ${code}: \`${expr}\``);
  }

  private text(from: number, to = this.i): string {
    let out = '';
    for (let k = from; k < to && k < this.s.length; k++) out += String.fromCodePoint(this.s[k]);
    return out;
  }

  private at(offset = 0): number | undefined {
    return this.s[this.i + offset];
  }

  private alternation(): Node {
    const subs = [this.concatenation()];
    while (this.at() === 0x7c /* | */) {
      this.i++;
      subs.push(this.concatenation());
    }
    return subs.length === 1 ? subs[0] : { op: 'alternate', subs };
  }

  private concatenation(): Node {
    const items: Node[] = [];
    let lastRepeatStart = -1;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === 0x7c || c === 0x29) break; // | )
      const start = this.i;
      const count = c === 0x7b ? this.repeatCount() : undefined;
      if (c === 0x2a || c === 0x2b || c === 0x3f || count) {
        // * + ? {n,m}
        if (count && (count.min < 0 || count.min > 1000 || count.max > 1000 || (count.max >= 0 && count.min > count.max))) {
          throw this.error('invalid repeat count', this.text(start, count.end));
        }
        this.i = count ? count.end : this.i + 1;
        if (this.at() === 0x3f) this.i++; // non-greedy: same language
        if (lastRepeatStart >= 0) throw this.error('invalid nested repetition operator', this.text(lastRepeatStart));
        if (items.length === 0) throw this.error('missing argument to repetition operator', this.text(start));
        const sub = items.pop()!;
        if (count) items.push({ op: 'repeat', min: count.min, max: count.max, sub });
        else items.push({ op: c === 0x2a ? 'star' : c === 0x2b ? 'plus' : 'quest', sub });
        lastRepeatStart = start;
        continue;
      }
      lastRepeatStart = -1;
      this.atom(items);
    }
    return items.length === 1 ? items[0] : items.length === 0 ? { op: 'empty' } : { op: 'concat', subs: items };
  }

  private atom(items: Node[]): void {
    const c = this.s[this.i];
    switch (c) {
      case 0x28: {
        // (
        if (this.at(1) === 0x3f) throw this.error('unsupported Perl flags', this.text(this.i, this.i + 2));
        this.i++;
        const sub = this.alternation();
        if (this.at() !== 0x29) throw this.error('missing closing )', this.source);
        this.i++;
        items.push(sub);
        return;
      }
      case 0x5e: // ^ (OneLine: beginning of text)
        this.i++;
        items.push({ op: 'assert', kind: 'begin' });
        return;
      case 0x24: // $
        this.i++;
        items.push({ op: 'assert', kind: 'end' });
        return;
      case 0x2e: // . (no DotNL: anything but \n)
        this.i++;
        items.push({ op: 'char', test: (x) => x !== 0x0a });
        return;
      case 0x5b: // [
        items.push({ op: 'char', test: this.charClass() });
        return;
      case 0x5c: // \
        this.escapeAtom(items);
        return;
      default:
        this.i++;
        items.push(literal(c));
    }
  }

  // parseRepeat: {n}, {n,} or {n,m} (max -1: unbounded; -1 also flags a number over 1e8);
  // anything else leaves '{' a literal.
  private repeatCount(): { min: number; max: number; end: number } | undefined {
    let j = this.i + 1;
    const int = (): number | undefined => {
      const first = this.s[j];
      if (first === undefined || first < 0x30 || first > 0x39) return undefined;
      const second = this.s[j + 1];
      if (first === 0x30 && second !== undefined && second >= 0x30 && second <= 0x39) return undefined;
      let n = 0;
      for (; this.s[j] !== undefined && this.s[j] >= 0x30 && this.s[j] <= 0x39; j++) if (n >= 0) n = n >= 1e8 ? -1 : n * 10 + (this.s[j] - 0x30);
      return n;
    };
    let min = int();
    if (min === undefined || j >= this.s.length) return undefined;
    let max = min;
    if (this.s[j] === 0x2c) {
      j++;
      if (j >= this.s.length) return undefined;
      if (this.s[j] === 0x7d) {
        max = -1;
      } else {
        const n = int();
        if (n === undefined) return undefined;
        max = n;
        if (max < 0) min = -1;
      }
    }
    if (this.s[j] !== 0x7d) return undefined;
    return { min, max, end: j + 1 };
  }

  private escapeAtom(items: Node[]): void {
    const next = this.at(1);
    const assertion = next === undefined ? undefined : ESCAPE_ASSERTIONS.get(next);
    if (assertion) {
      this.i += 2;
      items.push({ op: 'assert', kind: assertion });
      return;
    }
    if (next === 0x43) throw this.error('invalid escape sequence', '\\C');
    if (next === 0x51) {
      // \Q...\E: everything up to \E (or the end) is literal
      this.i += 2;
      while (this.i < this.s.length && !(this.s[this.i] === 0x5c && this.at(1) === 0x45)) items.push(literal(this.s[this.i++]));
      if (this.i < this.s.length) this.i += 2;
      return;
    }
    const unicode = this.unicodeClass();
    if (unicode) {
      items.push({ op: 'char', test: unicode });
      return;
    }
    const perl = this.perlClass();
    if (perl) {
      items.push({ op: 'char', test: perl });
      return;
    }
    items.push(literal(this.escape()));
  }

  // parseEscape: one escaped rune.
  private escape(): number {
    const start = this.i;
    this.i++;
    const c = this.s[this.i++];
    if (c === undefined) throw this.error('trailing backslash at end of expression', '');
    const invalid = (): Re2Error => this.error('invalid escape sequence', this.text(start));
    if (c < 0x80 && !isAlnum(c)) return c;
    if (c >= 0x31 && c <= 0x37 && !isOctal(this.at())) throw invalid(); // backreferences are unsupported
    if (c >= 0x30 && c <= 0x37) {
      let r = c - 0x30;
      for (let n = 1; n < 3 && isOctal(this.at()); n++) r = r * 8 + (this.s[this.i++] - 0x30);
      return r;
    }
    switch (c) {
      case 0x78: {
        // x
        const first = this.s[this.i++];
        if (first === undefined) throw invalid();
        if (first === 0x7b) {
          let r = 0;
          let digits = 0;
          for (;;) {
            const d = this.s[this.i++];
            if (d === undefined) throw invalid();
            if (d === 0x7d) break;
            const v = unhex(d);
            if (v < 0) throw invalid();
            r = r * 16 + v;
            if (r > 0x10ffff) throw invalid();
            digits++;
          }
          if (digits === 0) throw invalid();
          return r;
        }
        const x = unhex(first);
        const second = this.s[this.i];
        if (second !== undefined) this.i++;
        const y = unhex(second);
        if (x < 0 || y < 0) throw invalid();
        return x * 16 + y;
      }
      case 0x61: return 0x07; // a
      case 0x66: return 0x0c; // f
      case 0x6e: return 0x0a; // n
      case 0x72: return 0x0d; // r
      case 0x74: return 0x09; // t
      case 0x76: return 0x0b; // v
      default:
        throw invalid();
    }
  }

  // parseUnicodeClass: \pL, \PL, \p{Name}, \p{^Name}.
  private unicodeClass(): Pred | undefined {
    const kind = this.at(1);
    if (this.at() !== 0x5c || (kind !== 0x70 && kind !== 0x50)) return undefined;
    const start = this.i;
    let negated = kind === 0x50;
    let name: string;
    const first = this.at(2);
    if (first !== 0x7b) {
      this.i += first === undefined ? 2 : 3;
      name = first === undefined ? '' : String.fromCodePoint(first);
    } else {
      const end = this.s.indexOf(0x7d, this.i);
      if (end < 0) throw this.error('invalid character class range', this.text(start, this.s.length));
      name = this.text(this.i + 3, end);
      this.i = end + 1;
    }
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    const table = unicodeTable(name);
    if (!table) throw this.error('invalid character class range', this.text(start));
    return negated ? not(table) : table;
  }

  private perlClass(): Pred | undefined {
    const c = this.at(1);
    const table = this.at() === 0x5c && c !== undefined ? PERL_CLASSES.get(c) : undefined;
    if (table) this.i += 2;
    return table;
  }

  // parseClass: [...] with RE2's rules (']' first is literal, '[:name:]', escapes, ranges).
  private charClass(): Pred {
    const start = this.i;
    this.i++;
    let negated = false;
    if (this.at() === 0x5e) {
      negated = true;
      this.i++;
    }
    const items: Pred[] = [];
    for (let first = true; this.i >= this.s.length || this.s[this.i] !== 0x5d || first; first = false) {
      if (this.at() === 0x5b && this.at(1) === 0x3a && this.s.length - this.i > 2) {
        const posix = this.posixClass();
        if (posix) {
          items.push(posix);
          continue;
        }
      }
      const unicode = this.unicodeClass();
      if (unicode) {
        items.push(unicode);
        continue;
      }
      const perl = this.perlClass();
      if (perl) {
        items.push(perl);
        continue;
      }
      const rangeStart = this.i;
      const lo = this.classChar(start);
      let hi = lo;
      if (this.at() === 0x2d && this.at(1) !== undefined && this.at(1) !== 0x5d) {
        this.i++;
        hi = this.classChar(start);
        if (hi < lo) throw this.error('invalid character class range', this.text(rangeStart));
      }
      items.push(range(lo, hi));
    }
    this.i++;
    const test = anyOf(items);
    return negated ? not(test) : test;
  }

  private classChar(classStart: number): number {
    const c = this.at();
    if (c === undefined) throw this.error('missing closing ]', this.text(classStart));
    if (c === 0x5c) return this.escape();
    this.i++;
    return c;
  }

  // parseNamedClass: Go looks for the closing ":]" anywhere in the rest of the expression.
  private posixClass(): Pred | undefined {
    let close = this.i + 2;
    while (close < this.s.length && !(this.s[close] === 0x3a && this.s[close + 1] === 0x5d)) close++;
    if (close >= this.s.length) return undefined;
    const name = this.text(this.i, close + 2);
    const negated = name[2] === '^';
    const table = POSIX_CLASSES.get(name.slice(negated ? 3 : 2, -2));
    if (!table) throw this.error('invalid character class range', name);
    this.i = close + 2;
    return negated ? not(table) : table;
  }
}

function literal(c: number): Node {
  return { op: 'char', test: (x) => x === c };
}

// ---------------------------------------------------------------------------------------------
// Thompson NFA run as a lazily built DFA: linear in the path's length, like RE2.
// ---------------------------------------------------------------------------------------------

type Inst =
  | { op: 'char'; test: Pred; out: number }
  | { op: 'split'; x: number; y: number }
  | { op: 'assert'; kind: Assertion; out: number }
  | { op: 'match' };

// A set of NFA threads between two characters, as a lazily built DFA state: RE2's own trick for
// speed. `closures` caches, per kind of next character (non-word, word, end of text), where the
// threads lead without consuming it; `next` caches the state after each character.
interface DState {
  readonly threads: readonly number[];
  readonly atStart: boolean;
  readonly afterWord: boolean;
  readonly closures: ({ match: boolean; ready: number[] } | undefined)[];
  readonly next: Map<number, DState>;
}

const MAX_DFA_STATES = 10_000;

class Program {
  private readonly insts: Inst[] = [{ op: 'match' }];
  private readonly start: number;
  // A leading ^ (every pattern has one unless a raw '|' splits it) means one start thread suffices.
  private readonly anchored: boolean;
  private readonly states = new Map<string, DState>();
  private initial?: DState;
  private readonly matched: DState = { threads: [], atStart: false, afterWord: false, closures: [], next: new Map() };

  constructor(root: Node) {
    this.start = this.emit(root, 0);
    const first = root.op === 'concat' ? root.subs[0] : root;
    this.anchored = first.op === 'assert' && first.kind === 'begin';
  }

  private emit(node: Node, next: number): number {
    switch (node.op) {
      case 'char':
        return this.insts.push({ op: 'char', test: node.test, out: next }) - 1;
      case 'assert':
        return this.insts.push({ op: 'assert', kind: node.kind, out: next }) - 1;
      case 'empty':
        return next;
      case 'concat':
        for (let k = node.subs.length - 1; k >= 0; k--) next = this.emit(node.subs[k], next);
        return next;
      case 'alternate': {
        const starts = node.subs.map((sub) => this.emit(sub, next));
        let pc = starts[starts.length - 1];
        for (let k = starts.length - 2; k >= 0; k--) pc = this.insts.push({ op: 'split', x: starts[k], y: pc }) - 1;
        return pc;
      }
      case 'quest':
        return this.insts.push({ op: 'split', x: this.emit(node.sub, next), y: next }) - 1;
      case 'repeat': {
        if (node.max < 0) {
          next = this.emit({ op: 'star', sub: node.sub }, next);
        } else {
          let tail = next;
          for (let k = node.min; k < node.max; k++) tail = this.insts.push({ op: 'split', x: this.emit(node.sub, tail), y: next }) - 1;
          next = tail;
        }
        for (let k = 0; k < node.min; k++) next = this.emit(node.sub, next);
        return next;
      }
      case 'star':
      case 'plus': {
        const loop = this.insts.push({ op: 'split', x: -1, y: next }) - 1;
        const body = this.emit(node.sub, loop);
        (this.insts[loop] as { x: number }).x = body;
        return node.op === 'star' ? loop : body;
      }
    }
  }

  /** regexp.MatchString: an unanchored search (the source's own ^ and $ do the anchoring). */
  test(input: string): boolean {
    let state = (this.initial ??= this.state([], true, false));
    for (let index = 0; index < input.length; ) {
      const c = input.codePointAt(index)!;
      state = state.next.get(c) ?? this.step(state, c);
      if (state === this.matched) return true;
      if (state.threads.length === 0 && this.anchored) return false;
      index += c > 0xffff ? 2 : 1;
    }
    return this.closure(state, -1).match;
  }

  private state(threads: number[], atStart: boolean, afterWord: boolean): DState {
    const key = `${threads.join(',')}|${atStart ? 1 : 0}${afterWord ? 1 : 0}`;
    let state = this.states.get(key);
    if (!state) {
      if (this.states.size >= MAX_DFA_STATES) this.states.clear();
      state = { threads, atStart, afterWord, closures: [], next: new Map() };
      this.states.set(key, state);
    }
    return state;
  }

  private step(from: DState, c: number): DState {
    const { match, ready } = this.closure(from, c);
    let to: DState;
    if (match) {
      to = this.matched;
    } else {
      const outs = new Set<number>();
      for (const pc of ready) {
        const inst = this.insts[pc] as { test: Pred; out: number };
        if (inst.test(c)) outs.add(inst.out);
      }
      to = this.state([...outs].sort((a, b) => a - b), false, isWordChar(c));
    }
    if (from.next.size < 256) from.next.set(c, to);
    return to;
  }

  // Follows splits and zero-width assertions from the state's threads, `after` being the next character (-1 at the end).
  private closure(state: DState, after: number): { match: boolean; ready: number[] } {
    const variant = after < 0 ? 2 : isWordChar(after) ? 1 : 0;
    const cached = state.closures[variant];
    if (cached) return cached;
    const seen = new Set<number>();
    const ready: number[] = [];
    let match = false;
    const stack = [...state.threads];
    if (state.atStart || !this.anchored) stack.push(this.start);
    while (stack.length > 0) {
      const pc = stack.pop()!;
      if (seen.has(pc)) continue;
      seen.add(pc);
      const inst = this.insts[pc];
      switch (inst.op) {
        case 'match':
          match = true;
          break;
        case 'char':
          ready.push(pc);
          break;
        case 'split':
          stack.push(inst.y, inst.x);
          break;
        case 'assert':
          if (holds(inst.kind, state.atStart, state.afterWord, variant)) stack.push(inst.out);
          break;
      }
    }
    return (state.closures[variant] = { match, ready });
  }
}

const isWordChar = (c: number): boolean => c === 0x5f || isAlnum(c);

function holds(kind: Assertion, atStart: boolean, afterWord: boolean, variant: number): boolean {
  switch (kind) {
    case 'begin':
      return atStart;
    case 'end':
      return variant === 2;
    case 'word':
      return afterWord !== (variant === 1);
    case 'notWord':
      return afterWord === (variant === 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Patterns and the matcher
// ---------------------------------------------------------------------------------------------

class Pattern {
  private compiled?: { kind: MatchKind; program?: Program } | { error: string };

  constructor(
    readonly cleaned: string,
    readonly exclusion: boolean,
    private readonly original: string,
  ) {}

  // Go compiles lazily, so a regexp RE2 rejects only fails once a path reaches this pattern.
  match(file: string): boolean {
    this.compiled ??= compilePattern(this.cleaned, this.original);
    if ('error' in this.compiled) throw new Error(this.compiled.error);
    const cleaned = this.cleaned;
    switch (this.compiled.kind) {
      case 'exact':
        return file === cleaned;
      case 'prefix':
        return file.startsWith(cleaned.slice(0, -2));
      case 'suffix':
        return matchSuffix(cleaned, file);
      case 'regexp':
        return this.compiled.program!.test(file);
    }
  }
}

function compilePattern(cleaned: string, original: string): { kind: MatchKind; program?: Program } | { error: string } {
  const { kind, source } = translate(cleaned);
  if (kind !== 'regexp') return { kind };
  try {
    return { kind, program: new Program(new Re2Parser(source).parse()) };
  } catch (e) {
    if (!(e instanceof Re2Error)) throw e;
    return { error: `syntax error in pattern ${JSON.stringify(original)}: ${e.message}` };
  }
}

function matchSuffix(cleaned: string, file: string): boolean {
  // Go slices bytes: after a BOM that text/scanner skipped, cleaned[2:] starts mid-character.
  if (cleaned.startsWith('\uFEFF')) {
    const suffix = Buffer.from(cleaned, 'utf8').subarray(2);
    const bytes = Buffer.from(file, 'utf8');
    return bytes.length >= suffix.length && bytes.subarray(bytes.length - suffix.length).equals(suffix);
  }
  const suffix = cleaned.slice(2);
  if (file.endsWith(suffix)) return true;
  return suffix[0] === '/' && file === suffix.slice(1);
}

// The parent folders MatchesOrParentMatches also tries, outermost first; none for a top-level path.
function parentPaths(file: string): string[] {
  const dir = goDir(file);
  return dir === '.' ? [] : leadingPaths(dir);
}

/** What a path's match hands to its children in a walk; `matchedPatterns` is opaque to callers. */
export interface DockerignoreMatch {
  readonly isMatched: boolean;
  readonly matchedPatterns: readonly boolean[];
}

/** Docker's .dockerignore matcher (moby/patternmatcher): later patterns win, `!` re-includes. */
export class PatternMatcher {
  readonly exclusions: boolean;
  private readonly patterns: Pattern[] = [];

  /** Cleans and checks the patterns like patternmatcher.New; throws on a malformed one or a bare "!". */
  constructor(patterns: string[]) {
    let exclusions = false;
    for (const original of patterns) {
      let p = goTrimSpace(original);
      if (p === '') continue;
      p = goClean(p);
      let exclusion = false;
      if (p[0] === '!') {
        if (p.length === 1) throw new Error('illegal exclusion pattern: "!"');
        exclusion = true;
        exclusions = true;
        p = p.slice(1);
      }
      const err = globSyntaxError(p);
      if (err !== undefined) throw new Error(`syntax error in pattern ${JSON.stringify(original)}: ${err}`);
      this.patterns.push(new Pattern(p, exclusion, original));
    }
    this.exclusions = exclusions;
  }

  /** MatchesOrParentMatches: whether the context-relative slash path, or a parent folder of it, is excluded. */
  matches(file: string): boolean {
    let matched = false;
    let parents: string[] | undefined;
    for (const pattern of this.patterns) {
      // An inclusion cannot change a matched path, nor an exclusion an unmatched one.
      if (pattern.exclusion !== matched) continue;
      let match = pattern.match(file);
      if (!match) {
        parents ??= parentPaths(file);
        match = parents.some((parent) => pattern.match(parent));
      }
      if (match) matched = !pattern.exclusion;
    }
    return matched;
  }

  /** MatchesUsingParentResults: pass `{ isMatched: false }` for top-level paths, then each parent's result to its children. */
  matchesUsingParentResults(file: string, parent: { isMatched: boolean; matchedPatterns?: unknown }): DockerignoreMatch {
    const parentMatched = parent.matchedPatterns ?? [];
    if (!Array.isArray(parentMatched) || !parentMatched.every((v) => typeof v === 'boolean')) {
      throw new TypeError('matchedPatterns must come from a previous matchesUsingParentResults result');
    }
    if (parentMatched.length !== 0 && parentMatched.length !== this.patterns.length) {
      throw new Error('wrong number of values in parentMatched');
    }
    let matched = false;
    let parents: string[] | undefined;
    const matchedPatterns = new Array<boolean>(this.patterns.length).fill(false);
    this.patterns.forEach((pattern, i) => {
      // A pattern that matched the parent folder matches everything inside it.
      let match = parentMatched.length !== 0 && parentMatched[i] === true;
      if (!match) {
        if (pattern.exclusion !== matched) return;
        match = pattern.match(file);
        if (!match && parentMatched.length === 0) {
          parents ??= parentPaths(file);
          match = parents.some((parent) => pattern.match(parent));
        }
      }
      matchedPatterns[i] = match;
      if (match) matched = !pattern.exclusion;
    });
    return { isMatched: matched, matchedPatterns };
  }
}

/** @internal Pattern.compile, for tests: the match strategy and Go's regexp source; throws where RE2 would. */
export function compileDockerignorePattern(cleaned: string): { kind: MatchKind; regexp: string } {
  const { kind, source } = translate(cleaned);
  if (kind === 'regexp') new Re2Parser(source).parse();
  return { kind, regexp: kind === 'regexp' ? source : '' };
}

// ---------------------------------------------------------------------------------------------
// ignorefile.ReadAll and loading
// ---------------------------------------------------------------------------------------------

// bufio.Scanner's default buffer: a line this long or longer fails the whole read (and so the build).
const MAX_LINE_BYTES = 64 * 1024;

/** ignorefile.ReadAll: the patterns of a .dockerignore text, cleaned, in order; throws on a line Docker cannot read. */
export function parseDockerignore(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const excludes: string[] = [];
  lines.forEach((raw, index) => {
    if (Buffer.byteLength(raw, 'utf8') >= MAX_LINE_BYTES) {
      throw new Error(`.dockerignore line ${index + 1} is longer than Docker reads (bufio.Scanner: token too long)`);
    }
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (index === 0 && line.startsWith('\uFEFF')) line = line.slice(1);
    // Only a '#' in the very first column starts a comment.
    if (line.startsWith('#')) return;
    let pattern = goTrimSpace(line);
    if (pattern === '') return;
    const invert = pattern[0] === '!';
    if (invert) pattern = goTrimSpace(pattern.slice(1));
    if (pattern.length > 0) {
      pattern = goClean(pattern);
      if (pattern.length > 1 && pattern[0] === '/') pattern = pattern.slice(1);
    }
    excludes.push(invert ? '!' + pattern : pattern);
  });
  return excludes;
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw e;
  }
}

/** Loads <dockerfile>.dockerignore beside the Dockerfile (BuildKit's per-Dockerfile file; path from contextDir, default Dockerfile) when present, else <contextDir>/.dockerignore; [] when neither exists. */
export async function loadDockerignore(contextDir: string, dockerfilePath?: string): Promise<string[]> {
  const dockerfile = path.resolve(contextDir, dockerfilePath ?? 'Dockerfile');
  const specific = await readIfPresent(dockerfile + '.dockerignore');
  if (specific !== undefined) return parseDockerignore(specific);
  const shared = await readIfPresent(path.join(contextDir, '.dockerignore'));
  return shared === undefined ? [] : parseDockerignore(shared);
}
