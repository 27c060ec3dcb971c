import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  PatternMatcher,
  compileDockerignorePattern,
  loadDockerignore,
  parseDockerignore,
} from '../../../engine/context/dockerignore';

// ---------------------------------------------------------------------------------------------
// Helpers mirroring the Go test harness
// ---------------------------------------------------------------------------------------------

// The package-level patternmatcher.Matches/MatchesOrParentMatches: build, clean the file, never match ".".
function packageMatches(file: string, patterns: string[]): boolean {
  const pm = new PatternMatcher(patterns);
  const cleaned = path.posix.normalize(file).replace(/(.)\/$/, '$1');
  if (cleaned === '.') return false;
  return pm.matches(cleaned);
}

// filepath.Dir for the slash paths in the Go tables.
function goDir(p: string): string {
  const head = p.slice(0, p.lastIndexOf('/') + 1);
  if (head === '') return '.';
  const normalized = path.posix.normalize(head);
  return normalized === '/' ? '/' : normalized.replace(/\/$/, '');
}

// The Go test's walk: feed every parent folder through MatchesUsingParentResults, then the path.
function walkMatches(pm: PatternMatcher, text: string): boolean {
  const parentPath = goDir(text);
  let info: { isMatched: boolean; matchedPatterns?: unknown } = { isMatched: false };
  if (parentPath !== '.') {
    const dirs = parentPath.split('/');
    for (let i = 0; i < dirs.length; i++) info = pm.matchesUsingParentResults(dirs.slice(0, i + 1).join('/'), info);
  }
  return pm.matchesUsingParentResults(text, info).isMatched;
}

// MatchesExact: a parent result that matched no pattern turns the parent-folder fallback off.
function exactMatches(pm: PatternMatcher, text: string, patternCount: number): boolean {
  return pm.matchesUsingParentResults(text, { isMatched: false, matchedPatterns: new Array(patternCount).fill(false) }).isMatched;
}

// ---------------------------------------------------------------------------------------------
// patternmatcher_test.go
// ---------------------------------------------------------------------------------------------

test('Go TestWildcardMatches .. TestMatchesWithMalformedPatterns', () => {
  assert.equal(packageMatches('fileutils.go', ['*']), true, 'TestWildcardMatches');
  assert.equal(packageMatches('fileutils.go', ['*.go']), true, 'TestPatternMatches');
  assert.equal(packageMatches('fileutils.go', ['!fileutils.go', '*.go']), true, 'TestExclusionPatternMatchesPatternBefore');
  assert.equal(packageMatches('docs/README.md', ['docs', '!docs/README.md']), false, 'TestPatternMatchesFolderExclusions');
  assert.equal(packageMatches('docs/README.md', ['docs/', '!docs/README.md']), false, 'TestPatternMatchesFolderWithSlashExclusions');
  assert.equal(packageMatches('docs/README.md', ['docs/*', '!docs/README.md']), false, 'TestPatternMatchesFolderWildcardExclusions');
  assert.equal(packageMatches('fileutils.go', ['*.go', '!fileutils.go']), false, 'TestExclusionPatternMatchesPatternAfter');
  assert.equal(packageMatches('.', ['*.go']), false, 'TestExclusionPatternMatchesWholeDirectory');
  assert.throws(() => packageMatches('fileutils.go', ['!']), /illegal exclusion pattern: "!"/, 'TestSingleExclamationError');
  assert.equal(packageMatches('/any/path/there', []), false, 'TestMatchesWithNoPatterns');
  assert.throws(() => packageMatches('/any/path/there', ['[']), /syntax error in pattern "\["/, 'TestMatchesWithMalformedPatterns');
});

type Pass = 'fail' | 'exact' | 'inexact';

// TestMatches' `tests`, with the two cases Go appends on non-Windows systems at the end.
const MATCHES_TESTS: [string, string, Pass][] = [
  ['**', 'file', 'exact'],
  ['**', 'file/', 'exact'],
  ['**/', 'file', 'exact'],
  ['**/', 'file/', 'exact'],
  ['**', '/', 'exact'],
  ['**/', '/', 'exact'],
  ['**', 'dir/file', 'exact'],
  ['**/', 'dir/file', 'exact'],
  ['**', 'dir/file/', 'exact'],
  ['**/', 'dir/file/', 'exact'],
  ['**/**', 'dir/file', 'exact'],
  ['**/**', 'dir/file/', 'exact'],
  ['dir/**', 'dir/file', 'exact'],
  ['dir/**', 'dir/file/', 'exact'],
  ['dir/**', 'dir/dir2/file', 'exact'],
  ['dir/**', 'dir/dir2/file/', 'exact'],
  ['**/dir', 'dir', 'exact'],
  ['**/dir', 'dir/file', 'inexact'],
  ['**/dir2/*', 'dir/dir2/file', 'exact'],
  ['**/dir2/*', 'dir/dir2/file/', 'inexact'],
  ['**/dir2/**', 'dir/dir2/dir3/file', 'exact'],
  ['**/dir2/**', 'dir/dir2/dir3/file/', 'exact'],
  ['**file', 'file', 'exact'],
  ['**file', 'dir/file', 'exact'],
  ['**/file', 'dir/file', 'exact'],
  ['**file', 'dir/dir/file', 'exact'],
  ['**/file', 'dir/dir/file', 'exact'],
  ['**/file*', 'dir/dir/file', 'exact'],
  ['**/file*', 'dir/dir/file.txt', 'exact'],
  ['**/file*txt', 'dir/dir/file.txt', 'exact'],
  ['**/file*.txt', 'dir/dir/file.txt', 'exact'],
  ['**/file*.txt*', 'dir/dir/file.txt', 'exact'],
  ['**/**/*.txt', 'dir/dir/file.txt', 'exact'],
  ['**/**/*.txt2', 'dir/dir/file.txt', 'fail'],
  ['**/*.txt', 'file.txt', 'exact'],
  ['**/**/*.txt', 'file.txt', 'exact'],
  ['a**/*.txt', 'a/file.txt', 'exact'],
  ['a**/*.txt', 'a/dir/file.txt', 'exact'],
  ['a**/*.txt', 'a/dir/dir/file.txt', 'exact'],
  ['a/*.txt', 'a/dir/file.txt', 'fail'],
  ['a/*.txt', 'a/file.txt', 'exact'],
  ['a/*.txt**', 'a/file.txt', 'exact'],
  ['a[b-d]e', 'ae', 'fail'],
  ['a[b-d]e', 'ace', 'exact'],
  ['a[b-d]e', 'aae', 'fail'],
  ['a[^b-d]e', 'aze', 'exact'],
  ['.*', '.foo', 'exact'],
  ['.*', 'foo', 'fail'],
  ['abc.def', 'abcdef', 'fail'],
  ['abc.def', 'abc.def', 'exact'],
  ['abc.def', 'abcZdef', 'fail'],
  ['abc?def', 'abcZdef', 'exact'],
  ['abc?def', 'abcdef', 'fail'],
  ['**/foo/bar', 'foo/bar', 'exact'],
  ['**/foo/bar', 'dir/foo/bar', 'exact'],
  ['**/foo/bar', 'dir/dir2/foo/bar', 'exact'],
  ['abc/**', 'abc', 'fail'],
  ['abc/**', 'abc/def', 'exact'],
  ['abc/**', 'abc/def/ghi', 'exact'],
  ['**/.foo', '.foo', 'exact'],
  ['**/.foo', 'bar.foo', 'fail'],
  ['a(b)c/def', 'a(b)c/def', 'exact'],
  ['a(b)c/def', 'a(b)c/xyz', 'fail'],
  ['a.|)$(}+{bc', 'a.|)$(}+{bc', 'exact'],
  ['dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'exact'],
  ['dist/*.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'exact'],
  ['a\\\\', 'a\\', 'exact'],
  ['a\\*b', 'a*b', 'exact'],
];

const MULTI_PATTERN_TESTS: [string[], string, Pass][] = [
  [['**', '!util/docker/web'], 'util/docker/web/foo', 'fail'],
  [['**', '!util/docker/web', 'util/docker/web/foo'], 'util/docker/web/foo', 'exact'],
  [['**', '!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'fail'],
  [['**', '!dist/*.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'fail'],
];

test('Go TestMatches/MatchesExact', () => {
  for (const [pattern, text, pass] of MATCHES_TESTS) {
    const pm = new PatternMatcher([pattern]);
    assert.equal(exactMatches(pm, text, 1), pass === 'exact', `pattern=${JSON.stringify(pattern)} text=${JSON.stringify(text)}`);
  }
});

test('Go TestMatches/MatchesOrParentMatches', () => {
  for (const [patterns, text, pass] of [
    ...MATCHES_TESTS.map(([p, t, r]): [string[], string, Pass] => [[p], t, r]),
    ...MULTI_PATTERN_TESTS,
  ]) {
    const pm = new PatternMatcher(patterns);
    assert.equal(pm.matches(text), pass !== 'fail', `patterns=${JSON.stringify(patterns)} text=${JSON.stringify(text)}`);
  }
});

test('Go TestMatches/MatchesUsingParentResults', () => {
  for (const [patterns, text, pass] of [
    ...MATCHES_TESTS.map(([p, t, r]): [string[], string, Pass] => [[p], t, r]),
    ...MULTI_PATTERN_TESTS,
  ]) {
    const pm = new PatternMatcher(patterns);
    assert.equal(walkMatches(pm, text), pass !== 'fail', `patterns=${JSON.stringify(patterns)} text=${JSON.stringify(text)}`);
  }
});

test('Go TestMatches/MatchesUsingParentResultsNoContext', () => {
  for (const [patterns, text, pass] of [
    ...MATCHES_TESTS.map(([p, t, r]): [string[], string, Pass] => [[p], t, r]),
    ...MULTI_PATTERN_TESTS,
  ]) {
    const pm = new PatternMatcher(patterns);
    const result = pm.matchesUsingParentResults(text, { isMatched: false });
    assert.equal(result.isMatched, pass !== 'fail', `patterns=${JSON.stringify(patterns)} text=${JSON.stringify(text)}`);
  }
});

test('Go TestCleanPatterns*', () => {
  const patternCount = (patterns: string[]): number =>
    new PatternMatcher(patterns).matchesUsingParentResults('x', { isMatched: false }).matchedPatterns.length;
  assert.equal(patternCount(['docs', 'config']), 2, 'TestCleanPatterns');
  assert.equal(patternCount(['docs', 'config', '']), 2, 'TestCleanPatternsStripEmptyPatterns');
  assert.equal(new PatternMatcher(['docs', '!docs/README.md']).exclusions, true, 'TestCleanPatternsExceptionFlag');
  assert.equal(new PatternMatcher(['docs', '  !docs/README.md']).exclusions, true, 'TestCleanPatternsLeadingSpaceTrimmed');
  assert.equal(new PatternMatcher(['docs', '!docs/README.md  ']).exclusions, true, 'TestCleanPatternsTrailingSpaceTrimmed');
  assert.throws(() => new PatternMatcher(['!']), /illegal exclusion pattern/, 'TestCleanPatternsErrorSingleException');
  assert.equal(new PatternMatcher(['docs', 'config']).exclusions, false);
});

// matchTests, "stolen from go's filepath Match tests": [pattern, name, match, error].
const FILEPATH_MATCH_TESTS: [string, string, boolean, boolean][] = [
  ['abc', 'abc', true, false],
  ['*', 'abc', true, false],
  ['*c', 'abc', true, false],
  ['a*', 'a', true, false],
  ['a*', 'abc', true, false],
  ['a*', 'ab/c', true, false],
  ['a*/b', 'abc/b', true, false],
  ['a*/b', 'a/c/b', false, false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true, false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true, false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false, false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false, false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true, false],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false, false],
  ['ab[c]', 'abc', true, false],
  ['ab[b-d]', 'abc', true, false],
  ['ab[e-g]', 'abc', false, false],
  ['ab[^c]', 'abc', false, false],
  ['ab[^b-d]', 'abc', false, false],
  ['ab[^e-g]', 'abc', true, false],
  ['a\\*b', 'a*b', true, false],
  ['a\\*b', 'ab', false, false],
  ['a?b', 'a☺b', true, false],
  ['a[^a]b', 'a☺b', true, false],
  ['a???b', 'a☺b', false, false],
  ['a[^a][^a][^a]b', 'a☺b', false, false],
  ['[a-ζ]*', 'α', true, false],
  ['*[a-ζ]', 'A', false, false],
  ['a?b', 'a/b', false, false],
  ['a*b', 'a/b', false, false],
  ['[\\]a]', ']', true, false],
  ['[\\-]', '-', true, false],
  ['[x\\-]', 'x', true, false],
  ['[x\\-]', '-', true, false],
  ['[x\\-]', 'z', false, false],
  ['[\\-x]', 'x', true, false],
  ['[\\-x]', '-', true, false],
  ['[\\-x]', 'a', false, false],
  ['[]a]', ']', false, true],
  ['[-]', '-', false, true],
  ['[x-]', 'x', false, true],
  ['[x-]', '-', false, true],
  ['[x-]', 'z', false, true],
  ['[-x]', 'x', false, true],
  ['[-x]', '-', false, true],
  ['[-x]', 'a', false, true],
  ['\\', 'a', false, true],
  ['[a-b-c]', 'a', false, true],
  ['[', 'a', false, true],
  ['[^', 'a', false, true],
  ['[^bc', 'a', false, true],
  ['a[', 'a', false, true],
  ['a[', 'ab', false, true],
  ['*x', 'xxx', true, false],
];

test('Go TestMatch (filepath.Match vectors)', () => {
  for (const [pattern, name, match, error] of FILEPATH_MATCH_TESTS) {
    const desc = `Match(${JSON.stringify(pattern)}, ${JSON.stringify(name)})`;
    if (error) assert.throws(() => packageMatches(name, [pattern]), /syntax error in pattern/, desc);
    else assert.equal(packageMatches(name, [pattern]), match, desc);
  }
});

// compileTests for the "/" separator: [pattern, matchType, compiled regexp].
const COMPILE_TESTS: [string, string, string][] = [
  ['*', 'regexp', '^[^/]*$'],
  ['file*', 'regexp', '^file[^/]*$'],
  ['*file', 'regexp', '^[^/]*file$'],
  ['a*/b', 'regexp', '^a[^/]*/b$'],
  ['**', 'suffix', ''],
  ['**/**', 'regexp', '^(.*/)?.*$'],
  ['dir/**', 'prefix', ''],
  ['**/dir', 'suffix', ''],
  ['**/dir2/*', 'regexp', '^(.*/)?dir2/[^/]*$'],
  ['**/dir2/**', 'regexp', '^(.*/)?dir2/.*$'],
  ['**file', 'suffix', ''],
  ['**/file*txt', 'regexp', '^(.*/)?file[^/]*txt$'],
  ['**/**/*.txt', 'regexp', '^(.*/)?(.*/)?[^/]*\\.txt$'],
  ['a[b-d]e', 'regexp', '^a[b-d]e$'],
  ['.*', 'regexp', '^\\.[^/]*$'],
  ['abc.def', 'exact', ''],
  ['abc?def', 'regexp', '^abc[^/]def$'],
  ['**/foo/bar', 'suffix', ''],
  ['a(b)c/def', 'exact', ''],
  ['a.|)$(}+{bc', 'exact', ''],
  ['dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'exact', ''],
];

test('Go TestCompile/slash', () => {
  for (const [pattern, kind, regexp] of COMPILE_TESTS) {
    assert.deepEqual(compileDockerignorePattern(pattern), { kind, regexp }, `compile(${JSON.stringify(pattern)})`);
  }
});

test('Go TestMatchesOrParentMatchesMalformedPatternDoesNotPanicOnRepeatedCall', () => {
  // filepath.Match accepts the class (it never checks l-O's order); RE2 rejects it when first used.
  const pm = new PatternMatcher(['[Local-Only]/']);
  assert.throws(() => pm.matches('x'), /syntax error in pattern "\[Local-Only\]\/".*invalid character class range/);
  assert.throws(() => pm.matches('x'), /syntax error in pattern/);
  assert.throws(() => pm.matchesUsingParentResults('x', { isMatched: false }), /syntax error in pattern/);
});

// ---------------------------------------------------------------------------------------------
// ignorefile/ignorefile_test.go
// ---------------------------------------------------------------------------------------------

test('Go TestReadAll', () => {
  assert.deepEqual(parseDockerignore(''), []);
  const content = 'test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! ';
  assert.deepEqual(parseDockerignore(content), ['test1', 'test2', 'a/file/here', 'lastfile', '!inverted/abs/path', '!', '!']);
});

// ---------------------------------------------------------------------------------------------
// ReadAll details beyond Go's own test (each checked against the Go implementation)
// ---------------------------------------------------------------------------------------------

test('parseDockerignore: comments only in column 1, BOM, CRLF, Go whitespace, Clean, leading slash', () => {
  assert.deepEqual(parseDockerignore('\uFEFF# comment\r\n  # not a comment\r\n\tnode_modules \r\n'), ['# not a comment', 'node_modules']);
  // Only the first line loses a BOM, and Go's TrimSpace keeps U+FEFF but drops U+0085 (NEL).
  assert.deepEqual(parseDockerignore('a\n\uFEFFb\n\u0085c\u0085'), ['a', '\uFEFFb', 'c']);
  assert.deepEqual(parseDockerignore('!  /x/../y\n//abs//path/\n./rel/./file'), ['!y', 'abs/path', 'rel/file']);
  // filepath.Clean keeps what escapes the context and reduces "." and "/" to patterns matching nothing.
  assert.deepEqual(parseDockerignore('../a\n/../a\na/..\n.\n/\n!/'), ['../a', 'a', '.', '.', '/', '!/']);
  assert.deepEqual(parseDockerignore('last-line-without-newline'), ['last-line-without-newline']);
});

test('parseDockerignore: a line of 64 KiB or more fails like bufio.Scanner, even a comment', () => {
  assert.deepEqual(parseDockerignore('a'.repeat(65535) + '\n'), ['a'.repeat(65535)]);
  assert.throws(() => parseDockerignore('x\n' + '#'.repeat(65536)), /line 2 .*token too long/);
  // The limit is in UTF-8 bytes.
  assert.throws(() => parseDockerignore('é'.repeat(32768)), /token too long/);
  assert.equal(parseDockerignore('é'.repeat(32767)).length, 1);
});

// ---------------------------------------------------------------------------------------------
// Semantics that surprise (each expectation recorded from Go's patternmatcher)
// ---------------------------------------------------------------------------------------------

const RECORDED: [string[], string, boolean][] = [
  // Go's escape bitmap loses '|', '{' and '}', so they reach RE2 raw.
  [['a|b'], 'a|b', true],
  [['a|b'], 'a', false],
  [['*.txt|'], 'dir/file.go', true],
  [['[x]{2}'], 'xx', true],
  [['[x]{2}'], 'x{2}', false],
  [['x{2}'], 'x{2}', true],
  // RE2 syntax inside the generated regexp: POSIX classes, \d, and '*'/'?' rewritten inside [...].
  [['[[:alpha:]]'], 'a', true],
  [['[[:alpha:]]'], '1', false],
  [['file\\d'], 'file1', true],
  [['file\\d'], 'filed', false],
  [['[*]'], '*', false],
  [['[*]'], '[]', true],
  [['[?]'], '?', false],
  [['[!a]'], '!', true],
  [['[!a]'], 'a', true],
  [['\\Q*'], '[^/]*$x', true],
  [['[[:^alpha:]]'], '1', true],
  [['[[:^alpha:]]'], 'a', false],
  [['\\s'], ' ', true],
  [['\\s'], '\u00a0', false],
  [['\\x41'], 'A', true],
  [['\\x41'], 'x41', false],
  [['\\pL*'], 'é', true],
  [['\\pL*'], '1', false],
  [['\\p{Greek}'], 'α', true],
  [['\\p{Greek}'], 'a', false],
  [['a\\Bb'], 'ab', true],
  [['a\\bb'], 'ab', false],
  [['a\\b-'], 'a-', true],
  [['[ab]{1,2}'], 'ba', true],
  [['[ab]{1,2}'], 'aba', false],
  [['[ab]{2,}'], 'abab', true],
  [['[ab]{2,}'], 'a', false],
  // Globs and parents.
  [['a/**/b'], 'a/b', true],
  [['a/**/b'], 'a/x/y/b', true],
  [['**/foo'], 'foo/bar', true],
  [['**/foo'], 'xfoo', false],
  [['**foo'], 'xfoo', true],
  [['foo/**'], 'foo', false],
  [['*'], 'a/b', true],
  [['*/temp*'], 'somedir/temporary.txt', true],
  [['*/temp*'], 'a/b/temp', false],
  [['temp?'], 'temp', false],
  [['a.b'], 'axb', false],
  // Without ReadAll a leading slash stays, and "!/abs" does not undo "abs".
  [['/abs'], 'abs', false],
  [['!/abs', 'abs'], 'abs', true],
  [['../foo'], 'foo', false],
  [['foo/../bar'], 'bar', true],
  [['.'], 'a', false],
  [['#foo'], '#foo', true],
  [['**', '!dir', 'dir/sub'], 'dir/sub/file', true],
  [['**', '!dir', 'dir/sub'], 'dir/other', false],
];

test('recorded Go results for surprising patterns', () => {
  for (const [patterns, file, expected] of RECORDED) {
    const pm = new PatternMatcher(patterns);
    const desc = `patterns=${JSON.stringify(patterns)} path=${JSON.stringify(file)}`;
    assert.equal(pm.matches(file), expected, desc);
    assert.equal(walkMatches(pm, file), expected, `walk ${desc}`);
  }
});

test('malformed patterns: New rejects some, RE2 rejects others on first use', () => {
  assert.throws(() => new PatternMatcher(['a\\']), /syntax error in pattern "a\\\\": trailing backslash/);
  // An escaped trailing space is trimmed first, leaving a trailing backslash.
  assert.throws(() => new PatternMatcher(['foo\\ ']), /syntax error in pattern/);
  // Current Go checks every chunk of the glob, not just the part up to the first mismatch.
  assert.throws(() => new PatternMatcher(['a*b[']), /syntax error in pattern/);
  assert.throws(() => new PatternMatcher(['ok', '!']), /illegal exclusion pattern/);
  const lazy = new PatternMatcher(['[z-a]']);
  assert.throws(() => lazy.matches('a'), /invalid character class range: `z-a`/);
  assert.throws(() => new PatternMatcher(['\\p{Grek}']).matches('a'), /invalid character class range/);
  assert.throws(() => new PatternMatcher(['[ab]{1001}']).matches('a'), /invalid repeat count/);
  assert.throws(() => new PatternMatcher(['\\y']).matches('a'), /invalid escape sequence/);
  // A pattern never reached is never compiled, so it cannot fail.
  assert.equal(new PatternMatcher(['*', '[z-a]']).matches('a'), true);
});

test('long paths and adversarial patterns stay linear', () => {
  const pm = new PatternMatcher(['**/**/**/**/**/**/**/**/*.txt2', '*a*a*a*a*a*a*b']);
  const deep = Array.from({ length: 60 }, (_, i) => `d${i}`).join('/') + '/x.txt';
  const started = Date.now();
  assert.equal(pm.matches(deep), false);
  assert.equal(pm.matches('a'.repeat(4000)), false);
  assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
});

// ---------------------------------------------------------------------------------------------
// What users write
// ---------------------------------------------------------------------------------------------

function matcherFor(dockerignore: string): PatternMatcher {
  return new PatternMatcher(parseDockerignore(dockerignore));
}

test('**/*.log excludes logs at any depth', () => {
  const pm = matcherFor('**/*.log\n');
  assert.equal(pm.matches('app.log'), true);
  assert.equal(pm.matches('var/log/app.log'), true);
  assert.equal(pm.matches('app.log.txt'), false);
  assert.equal(pm.matches('catalog'), false);
});

test('!keep.log after *.log re-includes only the top-level keep.log', () => {
  const pm = matcherFor('*.log\n!keep.log\n');
  assert.equal(pm.exclusions, true);
  assert.equal(pm.matches('debug.log'), true);
  assert.equal(pm.matches('keep.log'), false);
  assert.equal(pm.matches('logs/debug.log'), false, '*.log does not reach into folders');
  // Order matters: an exclusion before the pattern it undoes has no effect.
  assert.equal(matcherFor('!keep.log\n*.log\n').matches('keep.log'), true);
});

test('node_modules excludes the folder and everything under it, only at the top', () => {
  const pm = matcherFor('node_modules');
  assert.equal(pm.matches('node_modules'), true);
  assert.equal(pm.matches('node_modules/left-pad/index.js'), true);
  assert.equal(pm.matches('packages/a/node_modules/x.js'), false);
  assert.equal(matcherFor('**/node_modules').matches('packages/a/node_modules/x.js'), true);
});

test('/build with a leading slash means build at the context root', () => {
  assert.deepEqual(parseDockerignore('/build\n'), ['build']);
  const pm = matcherFor('/build\n');
  assert.equal(pm.matches('build'), true);
  assert.equal(pm.matches('build/out.js'), true);
  assert.equal(pm.matches('src/build'), false);
});

test('dir/ with a trailing slash also matches a file named dir', () => {
  assert.deepEqual(parseDockerignore('dir/\n'), ['dir']);
  const pm = matcherFor('dir/\n');
  assert.equal(pm.matches('dir'), true);
  assert.equal(pm.matches('dir/file'), true);
  assert.equal(pm.matches('dirt'), false);
});

test('*.md with !README.md keeps the top-level README only', () => {
  const pm = matcherFor('*.md\n!README.md\n');
  assert.equal(pm.matches('CHANGELOG.md'), true);
  assert.equal(pm.matches('README.md'), false);
  assert.equal(pm.matches('docs/guide.md'), false, '*.md is top-level only');
});

test('patterns with .. are cleaned, and what still leaves the context matches nothing', () => {
  assert.deepEqual(parseDockerignore('src/../secrets\n../outside\n'), ['secrets', '../outside']);
  const pm = matcherFor('src/../secrets\n../outside\n');
  assert.equal(pm.matches('secrets/key.pem'), true);
  assert.equal(pm.matches('src/secrets'), false);
  assert.equal(pm.matches('outside'), false);
});

test('a backslash escapes the next character', () => {
  const pm = matcherFor('file\\*.txt\n\\[draft\\]*\n');
  assert.equal(pm.matches('file*.txt'), true);
  assert.equal(pm.matches('file1.txt'), false);
  assert.equal(pm.matches('[draft]notes'), true);
  assert.equal(pm.matches('d'), false);
});

test('character classes: ranges, negation with ^, and ! is no negation', () => {
  const pm = matcherFor('log[0-9].txt\n');
  assert.equal(pm.matches('log7.txt'), true);
  assert.equal(pm.matches('logx.txt'), false);
  const negated = matcherFor('v[^0-9]\n');
  assert.equal(negated.matches('va'), true);
  assert.equal(negated.matches('v1'), false);
  assert.equal(matcherFor('v[!0-9]').matches('v1'), true);
});

test('a directory excluded with an exception inside it: the walk form agrees with matches()', () => {
  const pm = matcherFor('dir\n!dir/keep\n');
  const dir = pm.matchesUsingParentResults('dir', { isMatched: false });
  assert.equal(dir.isMatched, true);
  assert.deepEqual(dir.matchedPatterns, [true, false]);
  assert.equal(pm.matchesUsingParentResults('dir/keep', dir).isMatched, false);
  assert.equal(pm.matchesUsingParentResults('dir/other', dir).isMatched, true);
  assert.equal(pm.matches('dir/keep/deep'), false);
  assert.throws(() => pm.matchesUsingParentResults('dir/x', { isMatched: true, matchedPatterns: [true] }), /wrong number of values/);
  assert.throws(() => pm.matchesUsingParentResults('dir/x', { isMatched: true, matchedPatterns: 'yes' }), TypeError);
});

test('loadDockerignore: Dockerfile.dev.dockerignore beats .dockerignore, else .dockerignore, else []', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'layerwise-dockerignore-'));
  try {
    assert.deepEqual(await loadDockerignore(dir), []);
    assert.deepEqual(await loadDockerignore(dir, 'Dockerfile.dev'), []);

    await fs.writeFile(path.join(dir, '.dockerignore'), '# shared\n*.log\n');
    assert.deepEqual(await loadDockerignore(dir), ['*.log']);
    assert.deepEqual(await loadDockerignore(dir, 'Dockerfile.dev'), ['*.log']);

    await fs.writeFile(path.join(dir, 'Dockerfile.dev.dockerignore'), 'node_modules\n!keep\n');
    assert.deepEqual(await loadDockerignore(dir, 'Dockerfile.dev'), ['node_modules', '!keep']);
    assert.deepEqual(await loadDockerignore(dir, path.join(dir, 'Dockerfile.dev')), ['node_modules', '!keep']);
    assert.deepEqual(await loadDockerignore(dir, 'Dockerfile'), ['*.log'], 'another Dockerfile keeps .dockerignore');

    // The default Dockerfile has its own ignore file too, and one beside a nested Dockerfile counts.
    await fs.writeFile(path.join(dir, 'Dockerfile.dockerignore'), 'default-only\n');
    assert.deepEqual(await loadDockerignore(dir), ['default-only']);
    await fs.mkdir(path.join(dir, 'docker'));
    await fs.writeFile(path.join(dir, 'docker', 'Dockerfile.dockerignore'), 'nested\n');
    assert.deepEqual(await loadDockerignore(dir, 'docker/Dockerfile'), ['nested']);

    // A folder named .dockerignore is no ignore file.
    const other = await fs.mkdtemp(path.join(os.tmpdir(), 'layerwise-dockerignore-'));
    try {
      await fs.mkdir(path.join(other, '.dockerignore'));
      assert.deepEqual(await loadDockerignore(other), []);
    } finally {
      await fs.rm(other, { recursive: true, force: true });
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
