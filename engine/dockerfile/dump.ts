import type { Instruction } from './types';

/**
 * BuildKit's AST dump of one instruction (`(copy ["--from=a"] "x" "/y")`), so the parser can
 * be checked line for line against BuildKit's own test vectors.
 */
export function dumpInstruction(ins: Instruction): string {
  let out = ins.keyword.toLowerCase();
  if (ins.flags.length > 0) out += ` [${ins.flags.map((f) => goQuote(f.text)).join(' ')}]`;
  if (ins.subInstruction) return `${out} (${dumpInstruction(ins.subInstruction)})`;
  const values =
    ins.keyword === 'ENV' || ins.keyword === 'LABEL'
      ? ins.keyValues.flatMap((kv) => [kv.key.value, kv.value?.value ?? '', kv.separator])
      : ins.args.map((a) => a.value);
  for (const v of values) out += ` ${goQuote(v)}`;
  return out.trim();
}

/** Go's strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ESCAPES[ch]) out += ESCAPES[ch];
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c >= 0x80 && c < 0xa0) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

const ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
