/**
 * Go's notion of whitespace, which BuildKit uses to trim and split lines. JavaScript's
 * `trim` and `\s` disagree with it at the edges (U+FEFF is space to JavaScript, U+0085 is
 * space to Go), and those edges decide where an instruction starts.
 */

/** Go's unicode.IsSpace. */
export function isGoSpace(code: number): boolean {
  if (code <= 0xff) return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0x85 || code === 0xa0;
  return (
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** Index of the first character of `s` at or after `from` that is not Go whitespace. */
export function skipGoSpace(s: string, from = 0, to = s.length): number {
  let i = from;
  while (i < to && isGoSpace(s.charCodeAt(i))) i++;
  return i;
}

/** Index just past the last character of s[from, to) that is not Go whitespace (`from` when all are). */
export function trimGoSpaceEnd(s: string, from: number, to = s.length): number {
  let i = to;
  while (i > from && isGoSpace(s.charCodeAt(i - 1))) i--;
  return i;
}

/** BuildKit's reWhitespace class `[\t\v\f\r ]`, which splits the keyword from its arguments. */
export function isKeywordSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0b || code === 0x0c || code === 0x0d;
}

/** Go's strconv.ParseBool. */
export function goParseBool(s: string): boolean | undefined {
  switch (s) {
    case '1':
    case 't':
    case 'T':
    case 'TRUE':
    case 'true':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'FALSE':
    case 'false':
    case 'False':
      return false;
  }
  return undefined;
}

/** Go's strings.TrimSpace. */
export function goTrimSpace(s: string): string {
  const start = skipGoSpace(s);
  return s.slice(start, trimGoSpaceEnd(s, start));
}

/** UTF-8 length of a string, as Go counts a line's bytes. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
