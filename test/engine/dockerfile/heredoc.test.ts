import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../engine/dockerfile/parser';
import { findHeredocMarkers, heredocBody, parseHeredoc, scanHeredocMarkers } from '../../../engine/dockerfile/heredoc';
import type { Heredoc, Range } from '../../../engine/dockerfile/types';

function slice(source: string, r: Range): string {
  const lines = source.split('\n');
  if (r.start.line === r.end.line) return lines[r.start.line].slice(r.start.character, r.end.character);
  return [lines[r.start.line].slice(r.start.character), ...lines.slice(r.start.line + 1, r.end.line), lines[r.end.line].slice(0, r.end.character)].join('\n');
}

const summary = (h: Heredoc) => ({ name: h.name, content: h.content, expand: h.expand, chomp: h.chomp, fd: h.fileDescriptor });

test('BuildKit TestParseExtractsHeredoc: the same heredocs per instruction', () => {
  const src = [
    'FROM alpine:3.6',
    'ENV NAME=me',
    'RUN ls',
    'USER <<INVALID',
    'INVALID',
    'RUN <<EMPTY',
    'EMPTY',
    'RUN 3<<EMPTY2',
    'EMPTY2',
    'RUN "<<NOHEREDOC"',
    'RUN <<INDENT',
    '\tfoo',
    '\tbar',
    'INDENT',
    'RUN <<-UNINDENT',
    '\tbaz',
    '\tquux',
    'UNINDENT',
    'RUN <<-UNINDENT2',
    '\tbaz',
    '\tquux',
    '\tUNINDENT2',
    'RUN <<-EXPAND',
    '\texpand $NAME',
    'EXPAND',
    "RUN <<-'NOEXPAND'",
    "\tdon't expand $NAME",
    'NOEXPAND',
    'RUN <<COMMENT',
    '# internal comment',
    'echo foo bar # trailing comment',
    'COMMENT',
    'RUN --mount=type=cache,target=/foo <<MOUNT',
    'echo hello',
    'MOUNT',
    'COPY <<FILE1 <<FILE2 /dest',
    'content 1',
    'FILE1',
    'content 2',
    'FILE2',
    'COPY <<X <<Y /dest',
    'Y',
    'X',
    'X',
    'Y',
    '',
  ].join('\n');
  const df = parseDockerfile(src);
  assert.deepEqual(df.errors, []);
  const byLine = new Map(df.instructions.map((i) => [i.keywordRange.start.line, i.heredocs.map(summary)]));
  const d = (name: string, content: string, extra: Partial<ReturnType<typeof summary>> = {}) => ({ name, content, expand: true, chomp: false, fd: 0, ...extra });
  assert.deepEqual(byLine.get(3), []); // USER cannot have heredocs; the next line is an instruction
  assert.equal(df.instructions.find((i) => i.keywordRange.start.line === 4)?.keyword, 'INVALID');
  assert.deepEqual(byLine.get(5), [d('EMPTY', '')]);
  assert.deepEqual(byLine.get(7), [d('EMPTY2', '', { fd: 3 })]);
  assert.deepEqual(byLine.get(9), []);
  assert.deepEqual(byLine.get(10), [d('INDENT', '\tfoo\n\tbar\n')]);
  assert.deepEqual(byLine.get(14), [d('UNINDENT', '\tbaz\n\tquux\n', { chomp: true })]);
  assert.deepEqual(byLine.get(18), [d('UNINDENT2', '\tbaz\n\tquux\n', { chomp: true })]);
  assert.deepEqual(byLine.get(22), [d('EXPAND', '\texpand $NAME\n', { chomp: true })]);
  assert.deepEqual(byLine.get(25), [d('NOEXPAND', "\tdon't expand $NAME\n", { chomp: true, expand: false })]);
  assert.deepEqual(byLine.get(28), [d('COMMENT', '# internal comment\necho foo bar # trailing comment\n')]);
  assert.deepEqual(byLine.get(32), [d('MOUNT', 'echo hello\n')]);
  assert.deepEqual(byLine.get(35), [d('FILE1', 'content 1\n'), d('FILE2', 'content 2\n')]);
  // Each body is read to its own terminator, in marker order.
  assert.deepEqual(byLine.get(40), [d('X', 'Y\n'), d('Y', 'X\n')]);
});

test('several heredocs per instruction keep marker, body and terminator ranges', () => {
  const src = 'FROM scratch\nCOPY <<a.txt --chmod <<"b c" /dst/\nA1\nA2\na.txt\nb c\nUSER me\n';
  const df = parseDockerfile(src);
  assert.deepEqual(df.errors, []);
  const copy = df.instructions[1];
  assert.deepEqual(copy.heredocs.map((h) => [h.name, h.expand, h.content]), [
    ['a.txt', true, 'A1\nA2\n'],
    ['b c', false, ''],
  ]);
  const [a, b] = copy.heredocs;
  assert.equal(slice(src, a.markerRange), '<<a.txt');
  assert.equal(slice(src, b.markerRange), '<<"b c"');
  assert.equal(slice(src, a.bodyRange), 'A1\nA2');
  assert.equal(slice(src, a.terminatorRange), 'a.txt');
  assert.equal(slice(src, b.terminatorRange), 'b c');
  // An empty body is an empty range where the body would start.
  assert.deepEqual(b.bodyRange.start, b.bodyRange.end);
  assert.equal(b.bodyRange.start.line, 5);
  assert.equal(copy.range.end.line, 5);
  assert.equal(df.instructions[2].keyword, 'USER');
});

test('<<- strips leading tabs from the terminator; the model keeps the body raw and heredocBody chomps it', () => {
  const src = 'FROM scratch\nRUN <<-EOT bash\n\tif true; then\n\t\techo "  keep  spaces"\n  \tfi\n\t\tEOT\n';
  const df = parseDockerfile(src);
  assert.deepEqual(df.errors, []);
  const h = df.instructions[1].heredocs[0];
  assert.equal(h.chomp, true);
  assert.equal(h.content, '\tif true; then\n\t\techo "  keep  spaces"\n  \tfi\n');
  // Only leading tabs go; spaces (and tabs after them) stay.
  assert.equal(heredocBody(h), 'if true; then\necho "  keep  spaces"\n  \tfi\n');
  assert.equal(slice(src, h.terminatorRange), 'EOT');
  assert.equal(h.terminatorRange.start.character, 2);
  // Without `-` a tab-indented terminator is body text.
  const plain = parseDockerfile('FROM scratch\nRUN <<EOT\n\tEOT\nEOT\n');
  assert.equal(plain.instructions[1].heredocs[0].content, '\tEOT\n');
  assert.equal(heredocBody(plain.instructions[1].heredocs[0]), '\tEOT\n');
  // Chomping starts a line only after \n, as Go's (?m)^ does.
  assert.equal(heredocBody({ chomp: true, content: 'a\r\tb\n\tc\n' }), 'a\r\tb\nc\n');
});

test('quoted delimiters: quote removal gives the name, any real quote turns expansion off', () => {
  const cases: [string, string | undefined, boolean?][] = [
    ['<<EOF', 'EOF', true],
    ["<<'EOF'", 'EOF', false],
    ['<<"EOF"', 'EOF', false],
    ["<<-'EOF'", 'EOF', false],
    ['<<eo\\\'f', "eo'f", true], // an escaped quote is a character, not quoting
    ["<<eo'f'", 'eof', false],
    ["<<'e'o\\'f", "eo'f", false],
    ["<<'one two'", 'one two', false],
    ['<<$EOF', '$EOF', true], // unset variables are kept as written
    ['<<${X:-y}', '${X:-y}', true],
    ['<<a.txt', 'a.txt', true],
    ['<< EOF', 'EOF', true], // BuildKit v0.22+: whitespace after <<
    ['', undefined],
    ['EOF', undefined],
    ['<<', undefined],
    ['<<-', undefined],
    ['<EOF', undefined],
    ['<<<EOF', undefined],
    ['x<<EOF', undefined],
    ['<<one two', undefined],
  ];
  for (const [word, name, expand] of cases) {
    const h = parseHeredoc(word);
    assert.equal(h?.name, name, word);
    if (h) assert.equal(h.expand, expand, word);
  }
  for (const bad of ["<<'EOF", '<<"EOF', "<<EOF'", '<<EOF"']) assert.throws(() => parseHeredoc(bad), bad);
});

test('file descriptors: n<<EOF', () => {
  assert.equal(parseHeredoc('3<<EOF')?.fileDescriptor, 3);
  assert.equal(parseHeredoc('<<EOF')?.fileDescriptor, 0);
  assert.equal(parseHeredoc('007<<-EOF')?.fileDescriptor, 7);
  // Go's ParseUint error is ignored: an overflowing descriptor is the largest uint64.
  assert.equal(parseHeredoc('99999999999999999999999<<EOF')?.fileDescriptor, 18446744073709551615);
  const df = parseDockerfile('FROM scratch\nRUN cat 3<<A 4<<-B <&3\na\nA\n\tb\n\tB\n');
  assert.deepEqual(df.instructions[1].heredocs.map((h) => [h.name, h.fileDescriptor, h.chomp]), [
    ['A', 3, false],
    ['B', 4, true],
  ]);
});

test('marker detection follows the shell lexer over the whole line', () => {
  const names = (line: string) => findHeredocMarkers(line).map((m) => m.name);
  assert.deepEqual(names('RUN <<EOF'), ['EOF']);
  assert.deepEqual(names('RUN <<EOF <<EOF2'), ['EOF', 'EOF2']);
  assert.deepEqual(names("RUN '<<EOF'"), []);
  assert.deepEqual(names('RUN "<<EOF"'), []);
  assert.deepEqual(names('RUN \\<<EOF'), []); // the escape stays in the word, so it does not start with <<
  assert.deepEqual(names('RUN cat <<EOF >> /f'), ['EOF']);
  assert.deepEqual(names('RUN << EOF cat'), ['EOF']);
  assert.deepEqual(names('RUN <<-  EOF'), []); // whitespace is only allowed right after <<
  // An unbalanced quote anywhere makes the lexer fail, and BuildKit then finds no heredoc.
  assert.deepEqual(names('RUN <<EOF "'), []);
  const [m] = findHeredocMarkers('RUN x <<"E F" y');
  assert.equal('RUN x <<"E F" y'.slice(m.start, m.end), '<<"E F"');
  // BuildKit's lexer resets its word buffer on entering ${...:-...}, so the << before it is
  // lost and such a word never opens a heredoc; a plain $VAR or ${VAR} keeps it.
  assert.deepEqual(names('RUN <<${X:-y}'), []);
  assert.deepEqual(names('RUN <<$EOF <<${E}'), ['$EOF', '${E}']);
  assert.equal(scanHeredocMarkers('RUN <<EOF').error, undefined);
});

test('ONBUILD RUN <<EOF reads a heredoc; JSON forms and other instructions do not', () => {
  const df = parseDockerfile('FROM scratch\nONBUILD RUN <<EOF\necho hi\nEOF\nRUN ["<<EOF"]\nCMD <<EOF\nEOF\n');
  assert.deepEqual(df.errors, []);
  const onbuild = df.instructions[1];
  assert.deepEqual(onbuild.heredocs.map((h) => [h.name, h.content]), [['EOF', 'echo hi\n']]);
  assert.equal(onbuild.subInstruction?.heredocs, onbuild.heredocs);
  assert.equal(onbuild.range.end.line, 3);
  const json = df.instructions[2];
  assert.equal(json.json, true);
  assert.deepEqual(json.heredocs, []);
  // CMD cannot have heredocs: "EOF" on the next line is an (unknown) instruction.
  assert.deepEqual(df.instructions[3].heredocs, []);
  assert.equal(df.instructions[4].keyword, 'EOF');
  const nested = parseDockerfile('FROM scratch\nONBUILD ONBUILD RUN <<EOF\nEOF\n');
  assert.deepEqual(nested.instructions[1].heredocs, []);
});

test('heredoc bodies keep CRLF endings, and terminators ignore any trailing CRs', () => {
  const df = parseDockerfile('FROM scratch\r\nCOPY <<EOF /f\r\nline 1\r\nline 2\r\r\nEOF\r\r\nUSER me\r\n');
  assert.deepEqual(df.errors, []);
  const h = df.instructions[1].heredocs[0];
  assert.equal(h.content, 'line 1\r\nline 2\r\r\n');
  assert.deepEqual(h.bodyRange.end, { line: 3, character: 6 });
  assert.equal(df.instructions[2].keyword, 'USER');
});

test('bodies are never instructions, comments or continuations; unterminated heredocs are errors', () => {
  const df = parseDockerfile('FROM scratch\nRUN <<EOF\n# not a comment \\\nFROM x\nEOF\n');
  assert.equal(df.instructions.length, 2);
  assert.equal(df.instructions[1].heredocs[0].content, '# not a comment \\\nFROM x\n');
  const open = parseDockerfile('FROM scratch\nRUN <<EOF\necho\n');
  assert.match(open.errors[0].message, /unterminated heredoc EOF/);
  assert.equal(open.instructions[1].heredocs[0].content, 'echo\n');
  const atEnd = parseDockerfile('FROM scratch\nRUN <<EOF');
  assert.match(atEnd.errors[0].message, /unterminated heredoc/);
  const h = atEnd.instructions[1].heredocs[0];
  assert.ok(h.bodyRange.start.line < atEnd.lineCount);
});
