import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOptions, findDirective, parseCheckDirective } from '../../../engine/dockerfile/directives';
import { parseDockerfile } from '../../../engine/dockerfile/parser';

test('check: skip, error and experimental as BuildKit reads them', () => {
  const c = parseCheckDirective('skip=JSONArgsRecommended,StageNameCasing;error=true;experimental=all');
  assert.deepEqual(c.skip, ['JSONArgsRecommended', 'StageNameCasing']);
  assert.deepEqual(c.skipRules, ['JSONArgsRecommended', 'StageNameCasing']);
  assert.equal(c.skipAll, false);
  assert.equal(c.error, true);
  assert.equal(c.experimental, 'all');
  assert.equal(c.experimentalAll, true);
  assert.equal(c.problem, undefined);
  assert.equal(parseCheckDirective('skip=all').skip, 'all');
  assert.deepEqual(parseCheckDirective('').skip, []);
  assert.deepEqual(parseCheckDirective('   ').problem, undefined);
});

test('check: whitespace is trimmed around keys, values and rule names; empty names are kept', () => {
  const c = parseCheckDirective('  skip = A , B ,, ; error = false ');
  assert.deepEqual(c.skip, ['A', 'B', '', '']);
  assert.equal(c.error, false);
  assert.deepEqual(parseCheckDirective('skip=').skip, ['']);
});

test('check: keys, "all" and booleans are case-sensitive except for Go boolean spellings', () => {
  assert.equal(parseCheckDirective('Skip=A').problem, 'invalid check option "Skip"');
  // `ALL` is not `all`: it is a rule named ALL.
  assert.deepEqual(parseCheckDirective('skip=ALL').skip, ['ALL']);
  for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(parseCheckDirective(`error=${t}`).error, true, t);
  for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.equal(parseCheckDirective(`error=${f}`).error, false, f);
  assert.equal(parseCheckDirective('error=yes').problem, 'failed to parse check option "error=yes": strconv.ParseBool: parsing "yes": invalid syntax');
  assert.equal(parseCheckDirective('error=tRUE').problem?.startsWith('failed to parse check option'), true);
});

test('check: what is invalid', () => {
  assert.equal(parseCheckDirective('skip').problem, 'invalid check option "skip"');
  assert.equal(parseCheckDirective('skip=A;').problem, 'invalid check option ""');
  assert.equal(parseCheckDirective('warn=true').problem, 'invalid check option "warn"');
  // An invalid value leaves the defaults (the build fails instead).
  const bad = parseCheckDirective('skip=A;nope');
  assert.deepEqual([bad.skip, bad.error], [[], false]);
});

test('check: at most three parts; a fourth stays inside the third value', () => {
  const c = parseCheckDirective('skip=A;error=true;experimental=X;skip=B');
  assert.deepEqual(c.skip, ['A']);
  assert.deepEqual(c.experimental, ['X;skip=B']);
  // A repeated key: the later list replaces the earlier, but skip=all stays.
  const r = parseCheckDirective('skip=all;skip=A');
  assert.equal(r.skipAll, true);
  assert.equal(r.skip, 'all');
  assert.deepEqual(r.skipRules, ['A']);
});

test('findDirective: BuildKit reads the raw file and cuts the value at its first space', () => {
  assert.deepEqual(findDirective('# check=skip=A, B\nFROM x\n', 'check'), { value: 'skip=A,', cmdline: 'skip=A, B', line: 0 });
  // So a space after ';' breaks the directive: BuildKit sees "skip=A;" and fails.
  assert.equal(checkOptions('# check=skip=A; error=true\nFROM x\n').problem, 'invalid check option ""');
  assert.deepEqual(checkOptions('#check = skip=all // opts\nFROM x\n').skip, 'all');
  // A shebang first line is skipped; an empty line ends the directives.
  assert.equal(findDirective('#!/bin/sh\n# check = skip=all\nFROM x\n', 'check')?.line, 1);
  assert.equal(findDirective('#!/bin/sh\n\n# check = skip=all\n', 'check'), undefined);
  // The raw lines are not trimmed, unlike in the parser.
  assert.equal(findDirective('  # check=skip=all\n', 'check'), undefined);
  assert.equal(findDirective('\ufeff# check=skip=all\r\nFROM x\r\n', 'check')?.value, 'skip=all');
  // Directives end at the first other line, a comment or an unknown key included.
  assert.equal(findDirective('# hello\n# check=skip=all\n', 'check'), undefined);
  assert.equal(findDirective('# syntax=docker/dockerfile:1\n# CHECK = error=true\n', 'check')?.value, 'error=true');
  assert.equal(findDirective('# foo=bar\n# check=skip=all\n', 'check'), undefined);
});

test('parser directives: names are case-insensitive, repeats are errors, and directive lines are not comments', () => {
  const df = parseDockerfile('# Syntax = docker/dockerfile:1\n  # CHECK=skip=all\n# escape=`\n# a comment\nFROM x\n');
  assert.deepEqual(df.directives.map((d) => [d.name, d.value]), [
    ['syntax', 'docker/dockerfile:1'],
    ['check', 'skip=all'],
    ['escape', '`'],
  ]);
  assert.deepEqual(df.instructions[0].comments, ['a comment']);
  assert.deepEqual(df.directives[1].valueRange, { start: { line: 1, character: 10 }, end: { line: 1, character: 18 } });
  const twice = parseDockerfile('# check=skip=all\n# check=error=true\nFROM x\n');
  assert.equal(twice.errors[0].message, 'only one check parser directive can be used');
  const badEscape = parseDockerfile('# escape=x\nFROM x\n');
  assert.equal(badEscape.errors[0].message, "invalid escape token 'x' does not match ` or \\");
  assert.equal(badEscape.escapeChar, '\\');
});
