import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../engine/dockerfile/parser';
import type { Range } from '../../../engine/dockerfile/types';

/** The source text a range covers. */
function slice(source: string, r: Range): string {
  const lines = source.split('\n');
  if (r.start.line === r.end.line) return lines[r.start.line].slice(r.start.character, r.end.character);
  return [lines[r.start.line].slice(r.start.character), ...lines.slice(r.start.line + 1, r.end.line), lines[r.end.line].slice(0, r.end.character)].join('\n');
}

test('ranges of keyword, flags and arguments are exact', () => {
  const src = 'FROM alpine:3.20 AS build\n  copy --chown=1:2 --chmod=755 a.sh b.sh /app/\nENTRYPOINT ["/app/a.sh", "x"]\n';
  const df = parseDockerfile(src);
  assert.deepEqual(df.errors, []);
  const [from, copy, entry] = df.instructions;
  assert.equal(slice(src, from.keywordRange), 'FROM');
  assert.equal(df.stages[0].name, 'build');
  assert.equal(slice(src, df.stages[0].nameRange!), 'build');
  assert.equal(copy.keyword, 'COPY');
  assert.equal(slice(src, copy.keywordRange), 'copy');
  assert.deepEqual(copy.flags.map((f) => [f.name, f.value, slice(src, f.range), slice(src, f.valueRange!)]), [
    ['chown', '1:2', '--chown=1:2', '1:2'],
    ['chmod', '755', '--chmod=755', '755'],
  ]);
  assert.deepEqual(copy.args.map((a) => slice(src, a.range)), ['a.sh', 'b.sh', '/app/']);
  assert.equal(entry.json, true);
  assert.deepEqual(entry.args.map((a) => [a.value, slice(src, a.range)]), [['/app/a.sh', '"/app/a.sh"'], ['x', '"x"']]);
});

test('continuation lines keep exact ranges and skip comment and empty lines', () => {
  const src = 'FROM scratch\nCOPY a \\\n# a comment\n\n     b /dst/\nUSER 1000\n';
  const df = parseDockerfile(src);
  const copy = df.instructions[1];
  assert.equal(copy.hasEmptyContinuationLine, true);
  assert.deepEqual(copy.args.map((a) => a.value), ['a', 'b', '/dst/']);
  assert.deepEqual(copy.args.map((a) => slice(src, a.range)), ['a', 'b', '/dst/']);
  assert.equal(copy.args[1].range.start.line, 4);
  assert.equal(copy.range.end.line, 4);
  assert.equal(df.instructions[2].keyword, 'USER');
  assert.equal(df.instructions[2].range.start.line, 5);
});

test('escape directive switches the continuation character to backtick', () => {
  const src = '# escape=`\nFROM scratch\nCOPY a `\n  b c:\\dir\\\n';
  const df = parseDockerfile(src);
  assert.equal(df.escapeChar, '`');
  assert.deepEqual(df.directives.map((d) => [d.name, d.value]), [['escape', '`']]);
  assert.deepEqual(df.instructions[1].args.map((a) => a.value), ['a', 'b', 'c:\\dir\\']);
});

test('directives stop at the first non-directive line', () => {
  const df = parseDockerfile('# syntax=docker/dockerfile:1\n# hello\n# escape=`\nFROM scratch\n');
  assert.deepEqual(df.directives.map((d) => d.name), ['syntax']);
  assert.equal(df.escapeChar, '\\');
});

test('heredocs: bodies, ranges, chomp, quoted delimiters, and the line after', () => {
  const src = 'FROM scratch\nRUN <<EOF cat <<-"END"\necho $A\nEOF\n\tliteral $B\n\tEND\nUSER me\n';
  const df = parseDockerfile(src);
  assert.deepEqual(df.errors, []);
  const run = df.instructions[1];
  assert.deepEqual(run.heredocs.map((h) => [h.name, h.chomp, h.expand, h.content]), [
    ['EOF', false, true, 'echo $A\n'],
    ['END', true, false, '\tliteral $B\n'],
  ]);
  assert.equal(slice(src, run.heredocs[0].markerRange), '<<EOF');
  assert.equal(slice(src, run.heredocs[1].markerRange), '<<-"END"');
  assert.equal(slice(src, run.heredocs[0].bodyRange), 'echo $A');
  assert.equal(run.range.end.line, 5);
  assert.equal(df.instructions[2].keyword, 'USER');
});

test('an unterminated heredoc is an error, not a crash', () => {
  const df = parseDockerfile('FROM scratch\nRUN <<EOF\necho\n');
  assert.match(df.errors[0].message, /unterminated heredoc/);
});

test('invalid JSON falls back to shell form; nested JSON is an error', () => {
  const shell = parseDockerfile('FROM scratch\nCMD ["a", \'b\']\n');
  assert.equal(shell.instructions[1].json, false);
  assert.equal(shell.instructions[1].args[0].value, '["a", \'b\']');
  const nested = parseDockerfile('FROM scratch\nCMD ["a", ["b"]]\n');
  assert.match(nested.errors[0].message, /JSON arrays must contain only strings/);
});

test('ENV forms, ONBUILD and stages', () => {
  const src = 'ARG V=1\nFROM base:$V AS One\nENV A=1 B="x y"\nENV C legacy value\nONBUILD COPY a /b\nFROM one\n';
  const df = parseDockerfile(src);
  assert.deepEqual(df.errors, []);
  assert.equal(df.globalArgs.length, 1);
  assert.deepEqual(df.stages.map((s) => [s.name, s.base?.value]), [['one', 'base:$V'], [undefined, 'one']]);
  assert.deepEqual(df.instructions[2].keyValues.map((kv) => [kv.key.value, kv.value?.value, slice(src, kv.value!.range)]), [
    ['A', '1', '1'],
    ['B', '"x y"', '"x y"'],
  ]);
  assert.deepEqual(df.instructions[3].keyValues.map((kv) => [kv.key.value, kv.value?.value, kv.separator]), [['C', 'legacy value', '']]);
  const onbuild = df.instructions[4];
  assert.equal(onbuild.subInstruction?.keyword, 'COPY');
  assert.equal(slice(src, onbuild.subInstruction!.keywordRange), 'COPY');
});

test('broken input never throws and reports what docker would reject', () => {
  const cases = ['', '# only a comment\n', 'COPY a b\n', 'FROM a b\n', 'FROM a AS 1bad\n', 'ENV\n', 'FROM x\nENV A\n', '\\\n', '\u0000\u0001', 'FROM x\nRUN <<\n'];
  for (const c of cases) {
    const df = parseDockerfile(c);
    assert.ok(df, c);
  }
  assert.ok(parseDockerfile('').errors.some((e) => /no instructions/.test(e.message)));
  assert.ok(parseDockerfile('COPY a b\n').errors.some((e) => /must come after FROM/.test(e.message)));
  assert.ok(parseDockerfile('FROM a b\n').errors.some((e) => /one or three arguments/.test(e.message)));
  assert.ok(parseDockerfile('FROM a AS 1bad\n').errors.some((e) => /invalid name for build stage/.test(e.message)));
  assert.ok(parseDockerfile('FROM x\nENV A\n').errors.some((e) => /ENV must have two arguments/.test(e.message)));
});

test('CRLF line endings and a byte-order mark parse like LF', () => {
  const crlf = parseDockerfile('\ufeffFROM scratch\r\nCOPY a \\\r\n  b /\r\n');
  assert.deepEqual(crlf.errors, []);
  assert.deepEqual(crlf.instructions[1].args.map((a) => a.value), ['a', 'b', '/']);
});

test('line endings and whitespace follow Go: every trailing CR goes, Go spaces indent, JavaScript-only spaces do not', () => {
  // `\\` followed by two CRs still continues the line: BuildKit trims all of \r\n at the end.
  const cr = parseDockerfile('FROM scratch\r\r\nCOPY a \\\r\r\n  b /\r\n');
  assert.deepEqual(cr.errors, []);
  assert.deepEqual(cr.instructions[1].args.map((a) => a.value), ['a', 'b', '/']);
  // U+0085 (NEL) is a space to Go, so it indents; U+FEFF inside the file is not.
  const nel = parseDockerfile('FROM scratch\n\u0085RUN x\n');
  assert.equal(nel.instructions[1].keyword, 'RUN');
  assert.equal(nel.instructions[1].keywordRange.start.character, 1);
  const zw = parseDockerfile('FROM scratch\n\ufeffRUN x\n');
  assert.equal(zw.instructions[1].keyword, '\ufeffRUN');
});

test('a line over 64 KiB is rejected as BuildKit\'s line scanner rejects it', () => {
  const ok = parseDockerfile(`FROM scratch\nLABEL a=${'x'.repeat(65535 - 'LABEL a='.length)}\n`);
  assert.deepEqual(ok.errors, []);
  const long = parseDockerfile(`FROM scratch\nLABEL a=${'x'.repeat(65536 - 'LABEL a='.length)}\n`);
  assert.deepEqual(long.errors.map((e) => [e.message, e.range.start.line]), [['dockerfile line greater than max allowed size of 65535', 1]]);
  // Bytes, not characters, count.
  const wide = parseDockerfile(`FROM scratch\nLABEL a=${'é'.repeat(33000)}\n`);
  assert.equal(wide.errors.length, 1);
});

test('FROM with three words needs AS in the middle (Go EqualFold), else one word', () => {
  assert.ok(parseDockerfile('FROM a b c\n').errors.some((e) => e.message === 'FROM requires either one or three arguments'));
  const longS = parseDockerfile('FROM a aſ b\n');
  assert.deepEqual(longS.errors, []);
  assert.equal(longS.stages[0].name, 'b');
});

test('flags are read byte by byte as BuildKit does: non-ASCII turns into Latin-1 text, its 0x85/0xA0 bytes into spaces', () => {
  const df = parseDockerfile('FROM x\nCOPY --chown=é:à a b\n');
  const copy = df.instructions[1];
  // "à" is C3 A0 in UTF-8, and 0xA0 is a space to unicode.IsSpace: the flag ends there.
  assert.deepEqual(copy.flags.map((f) => f.text), ['--chown=Ã©:Ã']);
  assert.deepEqual(copy.args.map((a) => a.value), ['a', 'b']);
  assert.equal(copy.flags[0].range.end.character, 16);
  const quoted = parseDockerfile('FROM x\nCOPY --chown="a b":\'c\' --from=x\\ y a b\n').instructions[1];
  assert.deepEqual(quoted.flags.map((f) => [f.name, f.value]), [
    ['chown', 'a b:c'],
    ['from', 'x y'],
  ]);
  assert.deepEqual(quoted.flags.map((f) => f.nameRange.end.character - f.nameRange.start.character), [7, 6]);
});

test('instructions keep a line map from their logical text to the source, left out of JSON', () => {
  const src = 'FROM scratch\nCOPY a \\\n  bc /d\n';
  const copy = parseDockerfile(src).instructions[1];
  assert.ok(copy.lineMap);
  const off = copy.original.indexOf('bc');
  assert.deepEqual(copy.lineMap.range(off, off + 2), { start: { line: 2, character: 2 }, end: { line: 2, character: 4 } });
  assert.equal(copy.lineMap.offsetAt({ line: 2, character: 3 }), off + 1);
  assert.equal(copy.lineMap.offsetAt({ line: 0, character: 0 }), -1);
  assert.equal('lineMap' in JSON.parse(JSON.stringify(copy)), false);
});
