import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExpansionError, ShellLex, variableReferences } from '../../../engine/dockerfile/expand';

// BuildKit's own vectors live beside the project in ../shared (absent in a fresh clone).
function findConformanceDir(): string | undefined {
  const override = process.env.LAYERWISE_CONFORMANCE_DIR;
  if (override) return fs.existsSync(override) ? override : undefined;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      const candidate = path.resolve(dir, '..', 'shared', 'conformance', 'buildkit');
      return fs.existsSync(candidate) ? candidate : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

const conformanceDir = findConformanceDir();
const SKIP_REASON = 'BuildKit conformance vectors not found (../shared/conformance/buildkit, or set LAYERWISE_CONFORMANCE_DIR)';

function readVectors(name: string): string[] | undefined {
  if (!conformanceDir) return undefined;
  const file = path.join(conformanceDir, 'shell', name);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split(/\r?\n/) : undefined;
}

function envOf(entries: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(entries));
}

function expandOrError(run: () => string): string {
  try {
    return run();
  } catch (e) {
    if (e instanceof ExpansionError) return 'error';
    throw e;
  }
}

interface EnvVarCase {
  line: number;
  platform: string;
  source: string;
  expected: string;
}

// Parsed as lex_test.go does: `#` only at column 0 starts a comment, fields are trimmed.
function parseEnvVarTest(lines: string[]): EnvVarCase[] {
  const cases: EnvVarCase[] = [];
  lines.forEach((raw, i) => {
    if (raw.startsWith('#')) return;
    const line = raw.trim();
    if (line === '') return;
    const fields = line.split('|');
    assert.equal(fields.length, 3, `envVarTest line ${i + 1} should have 3 fields`);
    const [platform, source, expected] = fields.map((f) => f.trim());
    assert.ok(['A', 'U', 'W'].includes(platform), `envVarTest line ${i + 1}: bad platform ${platform}`);
    cases.push({ line: i + 1, platform, source, expected });
  });
  return cases;
}

test('BuildKit envVarTest (platforms A and U)', async (t: TestContext) => {
  const lines = readVectors('envVarTest');
  if (!lines) {
    t.skip(SKIP_REASON);
    return;
  }
  const env = envOf({ PWD: '/home', SHELL: 'bash', KOREAN: '한국어', NULL: '' });
  const lex = new ShellLex('\\');
  const cases = parseEnvVarTest(lines).filter((c) => c.platform !== 'W');
  assert.ok(cases.length > 200, `expected the full vector file, got ${cases.length} cases`);
  for (const c of cases) {
    await t.test(`line ${c.line}: ${c.source}`, () => {
      const got = expandOrError(() => lex.processWord(c.source, env));
      assert.equal(got, c.expected, `${c.source} (line ${c.line})`);
    });
  }
});

test('BuildKit wordsTest', async (t: TestContext) => {
  const lines = readVectors('wordsTest');
  if (!lines) {
    t.skip(SKIP_REASON);
    return;
  }
  const lex = new ShellLex('\\');
  const env = new Map<string, string>();
  let count = 0;
  for (const [i, line] of lines.entries()) {
    if (line.startsWith('#') || (line === '' && i === lines.length - 1)) continue;
    if (line.startsWith('ENV ')) {
      // Trailing spaces are part of the value.
      const assignment = line.slice(3).replace(/^ +/, '');
      const eq = assignment.indexOf('=');
      env.set(eq < 0 ? assignment : assignment.slice(0, eq), eq < 0 ? '' : assignment.slice(eq + 1));
      continue;
    }
    const fields = line.split('|');
    assert.equal(fields.length, 2, `wordsTest line ${i + 1} should have exactly one |`);
    const source = fields[0].trim();
    const expected = fields[1].replace(/^ +/, '').split(',');
    const snapshot = new Map(env);
    count++;
    await t.test(`line ${i + 1}: ${source}`, () => {
      let got: string[];
      try {
        got = lex.processWords(source, snapshot);
      } catch (e) {
        if (!(e instanceof ExpansionError)) throw e;
        got = ['error'];
      }
      assert.deepEqual(got, expected, `${source} (line ${i + 1})`);
    });
  }
  assert.ok(count > 20, `expected the full vector file, got ${count} cases`);
});

test('lex_test.go cases: modifiers, patterns and matched/unmatched names', () => {
  const lex = new ShellLex();
  const cases: [string, Record<string, string>, string, string[], string[]][] = [
    ['x ${UNUSED}', { DUMMY: 'dummy' }, 'x ', [], ['UNUSED']],
    ['${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}', { FOO: 'xxx', BAR: '' }, 'xxx  ccc', ['FOO', 'BAR'], ['BAZ']],
    ['${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}', { FOO: 'xxx', BAR: '' }, 'xxx bbb ccc', ['FOO', 'BAR'], ['BAZ']],
    ['${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}', { FOO: 'xxx', BAR: '' }, 'aaa bbb ', ['FOO', 'BAR'], ['BAZ']],
    ['${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}', { FOO: 'xxx', BAR: '' }, 'aaa  ', ['FOO', 'BAR'], ['BAZ']],
    ['${BAR?bbb}', { BAR: '' }, '', ['BAR'], []],
    ['${FOO#()[]{\\}^$.\\*\\?|\\\\}', { FOO: '()[]{}^$.*?|\\x' }, 'x', ['FOO'], []],
    ['${FOO%%\\**}', { FOO: 'xx**' }, 'xx', ['FOO'], []],
    ['${FOO#*x*y}', { FOO: 'xxyy' }, 'y', ['FOO'], []],
    ['${FOO#*}', { FOO: 'xxyy' }, 'xxyy', ['FOO'], []],
    ['${FOO#$BAR}', { FOO: 'xxyy', BAR: 'x' }, 'xyy', ['FOO', 'BAR'], []],
    ['${FOO##*x}', { FOO: 'xxyy' }, 'yy', ['FOO'], []],
    ['${FOO#?\\?}', { FOO: '???y' }, '?y', ['FOO'], []],
    ['${ABC:-.}${FOO%x}${ABC:-.}', { FOO: 'xxyy' }, '.xxyy.', ['FOO'], ['ABC']],
    ['${FOO%%\\**\\*}', { FOO: 'a***yy*' }, 'a', ['FOO'], []],
    ['${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}', { FOO: '/foo*/*/*.txt', NEEDLE: '\\*/' }, '/foo.*/*.txt - /foo..*.txt', ['FOO', 'NEEDLE'], []],
    ['${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}', { FOO: '/tmp/tmp/bar.txt', NEEDLE: '/tmp' }, '/tmp/bar.txt - /bar.txt', ['FOO', 'NEEDLE'], []],
    ['${FOO//\\//\\/}', { FOO: '/tmp/foo.txt' }, '\\/tmp\\/foo.txt', ['FOO'], []],
    ['${FOO/$BAR/ww}', { FOO: 'xxyy', BAR: '' }, 'wwxxyy', ['FOO', 'BAR'], []],
    ['${FOO///}', {}, '', [], ['FOO']],
  ];
  for (const [input, env, value, matched, unmatched] of cases) {
    const got = lex.processWordWithMatches(input, envOf(env));
    assert.equal(got.value, value, input);
    assert.deepEqual([...got.matched].sort(), [...matched].sort(), `${input}: matched`);
    assert.deepEqual([...got.unmatched].sort(), [...unmatched].sort(), `${input}: unmatched`);
  }
  for (const input of ['${BAZ?ccc}', '${BAR:?bbb}', '${FOO=aaa}', '${FOO:#}', '${FOO:%%}', '${FOO//ww}', '${FOO//}']) {
    assert.throws(() => lex.processWord(input, envOf({ FOO: 'xxx', BAR: '' })), ExpansionError, input);
  }
});

test('replace-all expands Go template syntax in the replacement, a single replace does not', () => {
  const lex = new ShellLex();
  const env = envOf({ FOO: 'a-b-c', R: '<$0>', D: '$$' });
  assert.equal(lex.processWord('${FOO//-/$R}', env), 'a<->b<->c');
  assert.equal(lex.processWord('${FOO/-/$R}', env), 'a<$0>b-c');
  assert.equal(lex.processWord('${FOO//-/$D}', env), 'a$b$c');
  // Go skips an empty match right after a non-empty one; JavaScript's replace would not.
  assert.equal(lex.processWord('${X//*/.}', envOf({ X: 'ab' })), '.');
  assert.equal(lex.processWord('${X//$E/.}', envOf({ X: 'ab', E: '' })), '.a.b.');
});

test('processWords shares its word buffer with nested ${...} as BuildKit does', () => {
  // BuildKit resets one shared buffer on entry to every nested word, so text of the current
  // word before a `${X:-...}` is dropped from the split result (not from processWord's value).
  const lex = new ShellLex();
  assert.deepEqual(lex.processWords('a${X:-b}c d', new Map()), ['bc', 'd']);
  assert.equal(lex.processWord('a${X:-b}c d', new Map()), 'abc d');
  assert.deepEqual(lex.processWords('a ${X}c', new Map()), ['a', 'c']);
});

test('backtick escape token', () => {
  const lex = new ShellLex('`');
  const env = envOf({ PWD: '/home' });
  assert.equal(lex.processWord('he`$PWD', env), 'he$PWD');
  assert.equal(lex.processWord('he\\$PWD', env), 'he\\/home');
  assert.equal(lex.processWord('"a`"b"', env), 'a"b');
  assert.equal(lex.processWord('"a\\tb``c"', env), 'a\\tb`c');
  assert.equal(lex.processWord('C:\\path\\to', env), 'C:\\path\\to');
  assert.equal(lex.processWord('hello`', env), 'hello');
  assert.deepEqual(lex.processWords('a` b c', env), ['a b', 'c']);
  // Patterns always escape with backslash, whatever the escape token.
  assert.equal(lex.processWord('${X#\\*}', envOf({ X: '*a' })), 'a');
  assert.deepEqual(variableReferences('`$A $B', '`'), [{ name: 'B', start: 4, end: 6 }]);
});

test('skipUnsetEnv, rawQuotes and skipProcessQuotes keep what BuildKit keeps', () => {
  const env = envOf({ SET: 'v' });
  const keep = new ShellLex('\\', { skipUnsetEnv: true });
  assert.equal(keep.processWord('$UNSET ${UNSET} ${UNSET:-d} ${SET:-d} ${UNSET//a/b}', env), '$UNSET ${UNSET} ${UNSET:-d} v ${UNSET/a/b}');
  const raw = new ShellLex('\\', { rawQuotes: true });
  assert.equal(raw.processWord(`'a' "b$SET"`, env), `'a' "bv"`);
  const noQuotes = new ShellLex('\\', { skipProcessQuotes: true });
  assert.equal(noQuotes.processWord(`'$SET' "x"`, env), `'v' "x"`);
});

test('variableReferences reports names with UTF-16 ranges', () => {
  assert.deepEqual(variableReferences('$A-${B}'), [
    { name: 'A', start: 0, end: 2 },
    { name: 'B', start: 3, end: 7 },
  ]);
  assert.deepEqual(variableReferences('${A:-$B}x'), [
    { name: 'A', start: 0, end: 8 },
    { name: 'B', start: 5, end: 7 },
  ]);
  assert.deepEqual(variableReferences(`'$A' \\$B "$C" \\\\$D`), [
    { name: 'C', start: 10, end: 12 },
    { name: 'D', start: 16, end: 18 },
  ]);
  assert.deepEqual(variableReferences('한국$K🙂${L#x}'), [
    { name: 'K', start: 2, end: 4 },
    { name: 'L', start: 6, end: 12 },
  ]);
  assert.deepEqual(variableReferences('${A//$P/$R}'), [
    { name: 'A', start: 0, end: 11 },
    { name: 'P', start: 5, end: 7 },
    { name: 'R', start: 8, end: 10 },
  ]);
  // A syntax error stops the scan; what came before it is still reported.
  assert.deepEqual(variableReferences('$A ${B'), [{ name: 'A', start: 0, end: 2 }]);
  assert.deepEqual(variableReferences('$ $. ${A?}'), [{ name: 'A', start: 5, end: 10 }]);
});

test('errors say what failed and where', () => {
  const lex = new ShellLex();
  const env = envOf({ EMPTY: '' });
  const cases: [string, string][] = [
    ['${REQ?set REQ first}', 'failed to process "${REQ?set REQ first}": REQ: set REQ first'],
    ['${REQ?}', 'failed to process "${REQ?}": REQ: is not allowed to be unset'],
    ['${EMPTY:?}', 'failed to process "${EMPTY:?}": EMPTY: is not allowed to be empty'],
    ['"abc', 'failed to process "\\"abc": unexpected end of statement while looking for matching double-quote'],
    ["'abc", 'failed to process "\'abc": unexpected end of statement while looking for matching single-quote'],
    ['${A:-x', `failed to process "\${A:-x": syntax error: missing '}'`],
    ['${}', 'failed to process "${}": syntax error: bad substitution'],
    ['${A:=x}', 'failed to process "${A:=x}": unsupported modifier (:=) in substitution'],
    ['${A/x', `failed to process "\${A/x": syntax error: missing '/' in \${}`],
    ['${A#\\x}', "failed to process \"${A#\\\\x}\": invalid pattern (\\x) in substitution: invalid escape '\\x'"],
    ['${A', 'failed to process "${A": unsupported modifier (\uFFFD) in substitution'],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => lex.processWord(input, env),
      (e: unknown) => e instanceof ExpansionError && e.code === 'EXPANSION' && e.message === message,
      input,
    );
  }
});
