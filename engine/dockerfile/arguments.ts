import { isGoSpace } from './gotext';

/**
 * Argument parsers per instruction, ported from BuildKit's parser/line_parsers.go. They work
 * on offsets so that every argument keeps its exact source range.
 */

export interface Span {
  value: string;
  start: number;
  end: number;
}

export interface RawKeyValue {
  key: Span;
  value: Span | undefined;
  separator: '=' | '';
  start: number;
  end: number;
}

export interface ParsedArgs {
  args: Span[];
  json: boolean;
  keyValues: RawKeyValue[];
  error?: string;
}

export type ArgumentStyle =
  | 'maybeJSON'
  | 'maybeJSONToList'
  | 'whitespace'
  | 'string'
  | 'nameVal'
  | 'nameOrNameVal'
  | 'healthcheck'
  | 'subCommand'
  | 'ignore';

/** How BuildKit's dispatch table parses each instruction's arguments. */
export const ARGUMENT_STYLE: Record<string, ArgumentStyle> = {
  ADD: 'maybeJSONToList',
  ARG: 'nameOrNameVal',
  CMD: 'maybeJSON',
  COPY: 'maybeJSONToList',
  ENTRYPOINT: 'maybeJSON',
  ENV: 'nameVal',
  EXPOSE: 'whitespace',
  FROM: 'whitespace',
  HEALTHCHECK: 'healthcheck',
  LABEL: 'nameVal',
  MAINTAINER: 'string',
  ONBUILD: 'subCommand',
  RUN: 'maybeJSON',
  SHELL: 'maybeJSON',
  STOPSIGNAL: 'string',
  USER: 'string',
  VOLUME: 'maybeJSONToList',
  WORKDIR: 'string',
};

const NOT_STRING_ARRAY = 'dockerfile: JSON arrays must contain only strings';
const WHITESPACE_RUN = /[\t\v\f\r ]+/g;

const none = (): ParsedArgs => ({ args: [], json: false, keyValues: [] });

/** Parses `text` (which starts at logical offset `base`) in the given style. */
export function parseArguments(style: ArgumentStyle, text: string, base: number, escape: string, keyword: string): ParsedArgs {
  switch (style) {
    case 'maybeJSON':
      return maybeJSON(text, base);
    case 'maybeJSONToList': {
      const json = parseJSON(text, base);
      if (json.error === NOT_STRING_ARRAY || !json.error) return json;
      return whitespaceDelimited(text, base);
    }
    case 'whitespace':
      return whitespaceDelimited(text, base);
    case 'string':
      return text === '' ? none() : { args: [{ value: text, start: base, end: base + text.length }], json: false, keyValues: [] };
    case 'nameVal':
      return nameVal(text, base, escape, keyword);
    case 'nameOrNameVal':
      return nameOrNameVal(text, base, escape);
    case 'healthcheck':
      return healthcheck(text, base);
    case 'subCommand':
    case 'ignore':
      return none();
  }
}

function maybeJSON(text: string, base: number): ParsedArgs {
  if (text === '') return none();
  const json = parseJSON(text, base);
  if (!json.error || json.error === NOT_STRING_ARRAY) return json;
  return { args: [{ value: text, start: base, end: base + text.length }], json: false, keyValues: [] };
}

/** A JSON array of strings, with each element's offsets; `error` when it is not one. */
export function parseJSON(text: string, base: number): ParsedArgs {
  const lead = text.length - text.trimStart().length;
  const body = text.slice(lead);
  if (!body.startsWith('[')) return { ...none(), error: 'not a JSON array' };
  let values: unknown;
  try {
    values = JSON.parse(body);
  } catch (e) {
    return { ...none(), error: (e as Error).message };
  }
  if (!Array.isArray(values)) return { ...none(), error: 'not a JSON array' };
  if (values.some((v) => typeof v !== 'string')) return { ...none(), error: NOT_STRING_ARRAY };
  const args = stringTokens(body).map(([s, e], i) => ({ value: values[i] as string, start: base + lead + s, end: base + lead + e }));
  return { args, json: true, keyValues: [] };
}

// Offsets of the string tokens of a JSON array already known to hold only strings.
function stringTokens(body: string): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '"') continue;
    const start = i;
    for (i++; i < body.length && body[i] !== '"'; i++) if (body[i] === '\\') i++;
    out.push([start, i + 1]);
  }
  return out;
}

function whitespaceDelimited(text: string, base: number): ParsedArgs {
  if (text === '') return none();
  const args: Span[] = [];
  let last = 0;
  for (const m of text.matchAll(WHITESPACE_RUN)) {
    args.push({ value: text.slice(last, m.index), start: base + last, end: base + m.index! });
    last = m.index! + m[0].length;
  }
  args.push({ value: text.slice(last), start: base + last, end: base + text.length });
  return { args, json: false, keyValues: [] };
}

/**
 * BuildKit's parseWords: splits on whitespace outside quotes, keeping quotes and escapes in
 * the words (they are removed later, by word expansion).
 */
export function parseWords(text: string, base: number, escape: string): Span[] {
  const words: Span[] = [];
  let word = '';
  let start = -1;
  // Just past the last character taken into the word (a dropped trailing escape is not).
  let end = -1;
  let quote = '';
  let blankOK = false;
  const flush = () => {
    if (blankOK || word.length > 0) words.push({ value: word, start: base + start, end: base + end });
    word = '';
    start = -1;
    blankOK = false;
  };
  for (let pos = 0; pos < text.length; pos++) {
    let ch = text[pos];
    if (start < 0) {
      if (isGoSpace(text.charCodeAt(pos))) continue;
      start = pos;
      end = pos;
    }
    if (quote) {
      if (ch === quote) quote = '';
      if (ch === escape && quote !== "'") {
        if (pos + 1 === text.length) continue;
        word += ch;
        ch = text[++pos];
      }
      word += ch;
      end = pos + 1;
      continue;
    }
    if (isGoSpace(text.charCodeAt(pos))) {
      flush();
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      blankOK = true;
    }
    if (ch === escape) {
      if (pos + 1 === text.length) continue;
      word += ch;
      ch = text[++pos];
    }
    word += ch;
    end = pos + 1;
  }
  if (start >= 0) flush();
  return words;
}

function nameVal(text: string, base: number, escape: string, keyword: string): ParsedArgs {
  const words = parseWords(text, base, escape);
  if (words.length === 0) return none();
  if (!words[0].value.includes('=')) {
    // Legacy `ENV name value`: the value is the rest of the line, verbatim.
    const m = /[\t\v\f\r ]+/.exec(text);
    if (!m) return { ...none(), error: `${keyword} must have two arguments` };
    const key = { value: text.slice(0, m.index), start: base, end: base + m.index };
    const vStart = m.index + m[0].length;
    const value = { value: text.slice(vStart), start: base + vStart, end: base + text.length };
    return { args: [], json: false, keyValues: [{ key, value, separator: '', start: base, end: base + text.length }] };
  }
  const keyValues: RawKeyValue[] = [];
  for (const w of words) {
    const eq = w.value.indexOf('=');
    if (eq < 0) {
      return { ...none(), keyValues, error: `Syntax error - can't find = in "${w.value}". Must be of the form: name=value` };
    }
    keyValues.push(splitPair(w, eq));
  }
  return { args: [], json: false, keyValues };
}

function nameOrNameVal(text: string, base: number, escape: string): ParsedArgs {
  const words = parseWords(text, base, escape);
  const keyValues = words.map((w) => {
    const eq = w.value.indexOf('=');
    return eq < 0 ? { key: w, value: undefined, separator: '' as const, start: w.start, end: w.end } : splitPair(w, eq);
  });
  return { args: words, json: false, keyValues };
}

// The raw word keeps quotes, so the '=' offset in the value is also the offset in the source.
function splitPair(w: Span, eq: number): RawKeyValue {
  return {
    key: { value: w.value.slice(0, eq), start: w.start, end: w.start + eq },
    value: { value: w.value.slice(eq + 1), start: w.start + eq + 1, end: w.end },
    separator: '=',
    start: w.start,
    end: w.end,
  };
}

function healthcheck(text: string, base: number): ParsedArgs {
  let sep = 0;
  while (sep < text.length && !isGoSpace(text.charCodeAt(sep))) sep++;
  if (sep === 0) return none();
  let next = sep;
  while (next < text.length && isGoSpace(text.charCodeAt(next))) next++;
  const type: Span = { value: text.slice(0, sep), start: base, end: base + sep };
  const cmd = maybeJSON(text.slice(next), base + next);
  return { ...cmd, args: [type, ...cmd.args] };
}
