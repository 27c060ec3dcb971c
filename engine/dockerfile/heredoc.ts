/**
 * Heredoc markers exactly as BuildKit finds them (parser.go heredocsFromLine / ParseHeredoc):
 * the whole logical line is split into shell words by BuildKit's own lexer, keeping quotes,
 * escapes and unset variables as written, and every word that reads `[n]<<[-]WORD` opens a
 * heredoc. Reusing the lexer (rather than a look-alike) is what keeps `RUN "<<EOF"`, `<<E\"F`
 * and `<<'a b'` deciding the same way Docker decides.
 */
import { ExpansionError, ShellLex, type EnvGetter, type WordSpan } from './expand';
import type { Heredoc } from './types';

/** What one marker word says about its heredoc. */
export interface HeredocSpec {
  name: string;
  chomp: boolean;
  expand: boolean;
  fileDescriptor: number;
}

/** A heredoc marker (`<<EOF`, `<<-"EOF"`, `3<<EOF`, `<< EOF`) with its offsets in the instruction's logical line. */
export interface HeredocMarker extends HeredocSpec {
  start: number;
  end: number;
}

/** The markers of a line, or the error with which BuildKit rejects the file instead. */
export interface HeredocScan {
  markers: HeredocMarker[];
  error?: string;
}

/** Instructions whose arguments may contain heredocs (BuildKit, dockerfile 1.4+). */
export const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);

// BuildKit's reHeredoc (v0.22 allows whitespace after `<<`); `\s` and `\d` are ASCII in Go.
const MARKER = /^(\d*)<<(-?)[\t\n\f\r ]*([^<]*)$/;
const NO_ENV: EnvGetter = { get: () => undefined };
const LINE_LEX = new ShellLex('\\', { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true });
const NAME_LEX = new ShellLex('\\', { skipUnsetEnv: true });
const RAW_NAME_LEX = new ShellLex('\\', { rawQuotes: true, skipUnsetEnv: true });
const MAX_UINT64 = 18446744073709551615n;

/**
 * BuildKit's ParseHeredoc: the heredoc a single shell word opens, or undefined when it opens
 * none. Throws (with BuildKit's message) where BuildKit fails the whole parse.
 */
export function parseHeredoc(word: string): HeredocSpec | undefined {
  const m = MARKER.exec(word);
  if (!m || m[3] === '') return undefined;
  const rest = m[3];
  const words = NAME_LEX.processWords(rest, NO_ENV);
  // `<<one two` is two words and so no heredoc; `<<'one two'` is one.
  if (words.length !== 1) return undefined;
  const raw = RAW_NAME_LEX.processWords(rest, NO_ENV);
  if (raw.length !== words.length) throw new Error(`internal lexing of heredoc produced inconsistent results: ${rest}`);
  // An escaped quote survives both lexings alike; only a quote that quoted something is
  // missing from the processed word, and any such quote turns expansion off.
  return { name: words[0], chomp: m[2] === '-', expand: quoteCount(words[0]) === quoteCount(raw[0]), fileDescriptor: parseFd(m[1]) };
}

/** BuildKit's heredocsFromLine for one logical line (keyword included), with each marker's offsets. */
export function scanHeredocMarkers(line: string): HeredocScan {
  let words: WordSpan[];
  try {
    // Always backslash: BuildKit ignores the escape directive here.
    words = LINE_LEX.processWordSpans(line, NO_ENV);
  } catch (e) {
    // A line the lexer cannot read has no heredocs (BuildKit drops this error).
    if (e instanceof ExpansionError) return { markers: [] };
    throw e;
  }
  const markers: HeredocMarker[] = [];
  for (const w of words) {
    if (!w.text.includes('<<')) continue;
    let spec: HeredocSpec | undefined;
    try {
      spec = parseHeredoc(w.text);
    } catch (e) {
      return { markers: [], error: (e as Error).message };
    }
    if (spec) markers.push({ ...spec, start: w.start, end: w.end });
  }
  return { markers };
}

/** The heredoc markers of a logical line (none where BuildKit would reject the line). */
export function findHeredocMarkers(line: string): HeredocMarker[] {
  return scanHeredocMarkers(line).markers;
}

/**
 * The body as the heredoc delivers it: for `<<-`, leading tabs are removed from every line
 * (BuildKit's ChompHeredocContent); otherwise the content unchanged.
 */
export function heredocBody(h: Pick<Heredoc, 'content' | 'chomp'>): string {
  // Go's (?m)^ starts a line only after \n; JavaScript's would also after \r and U+2028.
  return h.chomp ? h.content.replace(/(^|\n)\t+/g, '$1') : h.content;
}

function quoteCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x27) n++;
  }
  return n;
}

/** Go's strconv.ParseUint(s, 10, 0) with the error ignored: 0 when empty, the maximum on overflow. */
function parseFd(digits: string): number {
  if (digits === '') return 0;
  const n = BigInt(digits);
  return Number(n > MAX_UINT64 ? MAX_UINT64 : n);
}
