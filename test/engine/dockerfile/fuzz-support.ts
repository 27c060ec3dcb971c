/**
 * Generators and properties for fuzzing the Dockerfile parser, shared by fuzz.test.ts (a few
 * thousand cases on every test run) and bench/fuzz.mjs (a hundred thousand, by hand).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { parseDockerfile } from '../../../engine/dockerfile/parser';
import type { Dockerfile, Instruction, Range } from '../../../engine/dockerfile/types';

// ---------------------------------------------------------------------------------------------
// Generators

const KEYWORDS = ['FROM', 'from', 'Run', 'RUN', 'COPY', 'ADD', 'ENV', 'ARG', 'LABEL', 'EXPOSE', 'WORKDIR', 'USER', 'VOLUME', 'CMD', 'ENTRYPOINT', 'SHELL', 'HEALTHCHECK', 'ONBUILD', 'STOPSIGNAL', 'MAINTAINER', 'onbuild run', 'ONBUILD COPY', 'HEALTHCHECK CMD', 'FOO', 'ＲＵＮ'];
const FLAGS = ['--from=build', '--from=0', '--mount=type=cache,target=/root/.cache', '--mount=type=bind,from=deps,source=/x,target=/y', '--mount="type=secret,id=a b"', '--chown="a b":c', "--chmod='7 5'", '--link', '--', '--platform=$BUILDPLATFORM', '--x=\\"y', '--network=none', '--mount=from=é,target=à', '--"quoted"'];
const WORDS = [
  'alpine:3.20', 'AS', 'as', 'build', '$VAR', '${A:-b c}', '${B//x/y}', '"quoted words"', "'single'", '\\"', '\\\\', 'key=value', 'k="v w"', '"k"=v', '=', 'a=', '=b',
  '["sh", "-c", "echo hi"]', '[ "a" , "b\\"c" ]', '["a", 1]', '["unterminated', '[]', '{}', '<<EOF', '<<-"E F"', "<<'Q'", '3<<X', '<< EOF', '<<', '<<<', '&&', '||', '|', ';', '#not-a-comment', '/app/', '.', '*', '80/tcp', 'SIGTERM', '1000:1000',
  'é', '🙂', '\u00a0', '\u0085', '\u2028', '\ufeff', '\u200b', 'ß', '\t', '\v', '\f', '\r', '`', '$', '"', "'", '\\', '{', '}',
];
const COMMENTS = ['#', '# comment', '  # indented', '#\tescape=`', '# syntax=docker/dockerfile:1', '# check=skip=all;error=true', '# escape=\\', '# escape=`', '#!shebang'];
const NEWLINES = ['\n', '\n', '\n', '\n', '\r\n', '\r\r\n', '\r'];

const word = fc.oneof(fc.constantFrom(...WORDS), fc.string({ unit: 'grapheme-ascii', maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 3 }));
const space = fc.constantFrom(' ', ' ', ' ', '  ', '\t', ' \t ', '\v', '\u00a0');
const indent = fc.constantFrom('', '', '', '  ', '\t', ' \u0085');
const continuation = fc.tuple(fc.constantFrom('\\', '`', '\\', '\\\\', '`'), fc.constantFrom('', ' ', '\t '), fc.constantFrom('\n', '\r\n'), fc.constantFrom('', '', '# in between\n', '\n', '   \n', '  '));

/** One instruction line: keyword, flags, words, separated by spaces and sometimes continuations. */
const instructionLine = fc
  .tuple(indent, fc.constantFrom(...KEYWORDS), fc.array(fc.constantFrom(...FLAGS), { maxLength: 3 }), fc.array(fc.tuple(fc.oneof(space, continuation.map((c) => ` ${c.join('')}`)), word), { maxLength: 8 }), fc.constantFrom('', '', ' ', '\\', ' \\'))
  .map(([ind, kw, flags, rest, tail]) => `${ind}${kw}${flags.map((f) => ` ${f}`).join('')}${rest.map(([s, w]) => s + w).join('')}${tail}`);

/** A heredoc-bearing instruction followed by bodies and (usually) terminators. */
const heredocBlock = fc
  .tuple(
    fc.constantFrom('RUN', 'COPY', 'ADD', 'ONBUILD RUN', 'RUN --mount=type=cache,target=/c', 'CMD'),
    fc.array(fc.tuple(fc.constantFrom('', '-'), fc.constantFrom('EOF', 'E F', 'X', 'a.txt', ''), fc.constantFrom('', '"', "'"), fc.constantFrom('', '3')), { minLength: 1, maxLength: 3 }),
    fc.array(fc.oneof(word, fc.constantFrom('\techo $X', 'EOF', '\tEOF', 'X', 'FROM x', '# c')), { maxLength: 4 }),
    fc.boolean(),
  )
  .map(([kw, markers, body, terminate]) => {
    const heads = markers.map(([chomp, name, q, fd]) => `${fd}<<${chomp}${q}${name}${q}`);
    const lines = [`${kw} ${heads.join(' ')} /dst`, ...body];
    if (terminate) for (const [chomp, name] of markers) lines.push(`${chomp ? '\t' : ''}${name}`, ...body.slice(0, 1));
    return lines.join('\n');
  });

const anyLine = fc.oneof(
  { weight: 6, arbitrary: instructionLine },
  { weight: 2, arbitrary: fc.constantFrom(...COMMENTS) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t', '\\', '`') },
  { weight: 2, arbitrary: heredocBlock },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
);

// Directives only count at the top; backtick escaping changes how every continuation reads.
const prologue = fc.constantFrom('', '', '', '# escape=`\n', '# syntax=docker/dockerfile:1\n#escape = `\r\n', '# check=skip=all\n# escape=\\\n', '  # ESCAPE=`\n\n', '#!/bin/sh\n');

/** A whole generated Dockerfile. */
export const generatedDockerfile: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('', '', '\ufeff'), prologue, fc.array(fc.tuple(anyLine, fc.constantFrom(...NEWLINES)), { maxLength: 25 }), fc.constantFrom('', '\n', '\\', '\\\n', '`', '`\n'))
  .map(([bom, top, lines, end]) => bom + top + lines.map(([l, nl]) => l + nl).join('') + end);

type Mutation = { kind: 'delete' | 'insert' | 'replace' | 'dupline' | 'crlf' | 'continue'; at: number; len: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'insert', 'replace', 'dupline', 'crlf', 'continue'),
  at: fc.nat(),
  len: fc.nat({ max: 12 }),
  text: fc.oneof(word, fc.constantFrom(...FLAGS), fc.constantFrom(...COMMENTS), fc.constantFrom('\n', '\\\n', '<<EOF\n', '"', '[', ']')),
});

function mutate(source: string, ops: Mutation[]): string {
  let s = source;
  for (const op of ops) {
    const at = s.length === 0 ? 0 : op.at % (s.length + 1);
    switch (op.kind) {
      case 'delete':
        s = s.slice(0, at) + s.slice(at + op.len);
        break;
      case 'insert':
        s = s.slice(0, at) + op.text + s.slice(at);
        break;
      case 'replace':
        s = s.slice(0, at) + op.text + s.slice(at + op.len);
        break;
      case 'dupline': {
        const lines = s.split('\n');
        const i = op.at % lines.length;
        lines.splice(i, 0, lines[i]);
        s = lines.join('\n');
        break;
      }
      case 'crlf':
        s = s.replace(/\n/g, '\r\n');
        break;
      case 'continue':
        s = s.slice(0, at) + '\\\n' + s.slice(at);
        break;
    }
  }
  return s;
}

/** BuildKit's parser testfiles beside the project, or none where the folder is absent. */
export function conformanceDockerfiles(dir: string | undefined): string[] {
  if (!dir) return [];
  const root = path.join(dir, 'parser', 'testfiles');
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .sort()
    .map((name) => path.join(root, name, 'Dockerfile'))
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f, 'utf8'));
}

/** Conformance testfiles with a few random edits each. */
export function mutatedDockerfile(files: string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...files), fc.array(mutation, { minLength: 1, maxLength: 6 })).map(([src, ops]) => mutate(src, ops));
}

/** The mix used by the test and the bench: generated files, and mutated testfiles when there are any. */
export function dockerfileArbitrary(files: string[]): fc.Arbitrary<string> {
  return files.length === 0 ? generatedDockerfile : fc.oneof({ weight: 3, arbitrary: generatedDockerfile }, { weight: 1, arbitrary: mutatedDockerfile(files) });
}

// ---------------------------------------------------------------------------------------------
// Properties

/** The document's lines as positions count them: BOM dropped, split on \n, trailing \r's dropped, no empty last line. */
function documentLines(source: string): string[] {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.replace(/\r+$/, ''));
}

const isBlank = (l: string): boolean => /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/.test(l);
const isCommentLine = (l: string): boolean => /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*#/.test(l);

/**
 * The logical text a range covers: its pieces of each line, with line continuations (the
 * escape character and the spaces after it) removed and comment or blank lines between
 * them skipped, as the parser joins them. An independent oracle for the parser's ranges.
 */
export function logicalSlice(lines: string[], r: Range, escape: string): string {
  if (r.start.line === r.end.line) return lines[r.start.line].slice(r.start.character, r.end.character);
  const cont = new RegExp(`${escape === '\\' ? '\\\\' : escape}[ \\t]*$`);
  let out = lines[r.start.line].slice(r.start.character).replace(cont, '');
  for (let l = r.start.line + 1; l < r.end.line; l++) {
    const text = lines[l];
    if (isCommentLine(text) || isBlank(text)) continue;
    out += text.replace(cont, '');
  }
  return out + lines[r.end.line].slice(0, r.end.character);
}

function* instructionRanges(ins: Instruction, where: string): Generator<[string, Range]> {
  yield [`${where} range`, ins.range];
  yield [`${where} keywordRange`, ins.keywordRange];
  if (ins.argsRange) yield [`${where} argsRange`, ins.argsRange];
  for (const [i, a] of ins.args.entries()) yield [`${where} args[${i}]`, a.range];
  for (const [i, f] of ins.flags.entries()) {
    yield [`${where} flags[${i}].range`, f.range];
    yield [`${where} flags[${i}].nameRange`, f.nameRange];
    if (f.valueRange) yield [`${where} flags[${i}].valueRange`, f.valueRange];
  }
  for (const [i, kv] of ins.keyValues.entries()) {
    yield [`${where} keyValues[${i}].range`, kv.range];
    yield [`${where} keyValues[${i}].key`, kv.key.range];
    if (kv.value) yield [`${where} keyValues[${i}].value`, kv.value.range];
  }
  for (const [i, h] of ins.heredocs.entries()) {
    yield [`${where} heredocs[${i}].markerRange`, h.markerRange];
    yield [`${where} heredocs[${i}].bodyRange`, h.bodyRange];
    yield [`${where} heredocs[${i}].terminatorRange`, h.terminatorRange];
  }
  if (ins.subInstruction) yield* instructionRanges(ins.subInstruction, `${where}.subInstruction`);
}

function* allRanges(df: Dockerfile): Generator<[string, Range]> {
  for (const [i, d] of df.directives.entries()) {
    yield [`directives[${i}].range`, d.range];
    yield [`directives[${i}].valueRange`, d.valueRange];
  }
  for (const [i, e] of df.errors.entries()) yield [`errors[${i}] (${e.message})`, e.range];
  for (const [i, ins] of df.instructions.entries()) yield* instructionRanges(ins, `instructions[${i}] ${ins.keyword}`);
  for (const s of df.stages) if (s.nameRange) yield [`stages[${s.index}].nameRange`, s.nameRange];
}

// Argument styles whose words are the source text as written (quotes and escapes kept).
const VERBATIM = new Set(['FROM', 'EXPOSE', 'COPY', 'ADD', 'VOLUME', 'USER', 'WORKDIR', 'MAINTAINER', 'STOPSIGNAL', 'RUN', 'CMD', 'ENTRYPOINT', 'SHELL']);

function checkInstruction(ins: Instruction, lines: string[], escape: string, where: string, out: string[]): void {
  const kw = logicalSlice(lines, ins.keywordRange, escape);
  if (kw.toUpperCase() !== ins.keyword) out.push(`${where}: keywordRange covers ${JSON.stringify(kw)}, keyword is ${JSON.stringify(ins.keyword)}`);
  if (!ins.json && VERBATIM.has(ins.keyword)) {
    for (const [i, a] of ins.args.entries()) {
      const text = logicalSlice(lines, a.range, escape);
      if (text !== a.value) out.push(`${where}: args[${i}] range covers ${JSON.stringify(text)}, value is ${JSON.stringify(a.value)}`);
    }
  }
  if (ins.json) {
    // HEALTHCHECK's first argument is its type (CMD), written as is.
    const first = ins.keyword === 'HEALTHCHECK' ? 1 : 0;
    if (first === 1 && ins.args[0] && logicalSlice(lines, ins.args[0].range, escape) !== ins.args[0].value) out.push(`${where}: args[0] does not cover its value`);
    for (const [i, a] of ins.args.entries()) {
      if (i < first) continue;
      const text = logicalSlice(lines, a.range, escape);
      let decoded: unknown;
      try {
        decoded = JSON.parse(text);
      } catch {
        decoded = undefined;
      }
      if (decoded !== a.value) out.push(`${where}: JSON args[${i}] range covers ${JSON.stringify(text)}, value is ${JSON.stringify(a.value)}`);
    }
  }
  if (ins.keyword === 'ENV' || ins.keyword === 'LABEL' || ins.keyword === 'ARG') {
    for (const [i, kv] of ins.keyValues.entries()) {
      const key = logicalSlice(lines, kv.key.range, escape);
      if (key !== kv.key.value) out.push(`${where}: keyValues[${i}].key covers ${JSON.stringify(key)}, key is ${JSON.stringify(kv.key.value)}`);
      if (kv.value) {
        const value = logicalSlice(lines, kv.value.range, escape);
        if (value !== kv.value.value) out.push(`${where}: keyValues[${i}].value covers ${JSON.stringify(value)}, value is ${JSON.stringify(kv.value.value)}`);
      }
    }
  }
  if (ins.subInstruction) checkInstruction(ins.subInstruction, lines, escape, `${where}.subInstruction`, out);
}

/**
 * The fuzz properties, as a list of violations (empty when all hold): parsing never throws,
 * every range lies inside the document with start <= end, keyword ranges cover the keyword
 * and verbatim argument ranges cover exactly their values.
 */
export function checkDocument(source: string): string[] {
  let df: Dockerfile;
  try {
    df = parseDockerfile(source);
  } catch (e) {
    return [`parseDockerfile threw: ${(e as Error).stack ?? e}`];
  }
  const lines = documentLines(source);
  const out: string[] = [];
  if (df.lineCount !== lines.length) out.push(`lineCount ${df.lineCount}, document has ${lines.length} lines`);
  const inside = (p: Range['start']): boolean =>
    Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length;
  const before = (a: Range['start'], b: Range['start']): boolean => a.line < b.line || (a.line === b.line && a.character <= b.character);
  for (const [what, r] of allRanges(df)) {
    if (!inside(r.start) || !inside(r.end)) out.push(`${what} ${JSON.stringify(r)} is outside the document`);
    else if (!before(r.start, r.end)) out.push(`${what} ${JSON.stringify(r)} ends before it starts`);
  }
  if (out.length > 0) return out;
  for (const [i, ins] of df.instructions.entries()) checkInstruction(ins, lines, df.escapeChar, `instructions[${i}] ${ins.keyword}`, out);
  return out;
}
