import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseDockerfile } from '../../../../engine/dockerfile/parser';
import type { Position } from '../../../../engine/dockerfile/types';
import { lint } from '../../../../engine/lint';
import { lintFile } from '../../../../engine/lint/lint-file';
import { shellcheckFindings } from '../../../../engine/lint/shellcheck/run-shellcheck';
import type { Finding } from '../../../../engine/lint/types';
import { contextWith, tempDir } from '../../../helpers/fixtures';
import { hasCommand, run } from '../../../helpers/tools';

const missing = hasCommand('shellcheck') ? undefined : 'shellcheck is not installed (apt-get install shellcheck)';
const check = (src: string) => shellcheckFindings(parseDockerfile(src), '');

/** Where `needle` (its nth occurrence) starts in the source. */
function positionOf(src: string, needle: string, nth = 0): Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = src.indexOf(needle, at + 1);
  const before = src.slice(0, at).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** ShellCheck's own verdict on a standalone script: the codes it reports. */
function peerCodes(script: string, shell = 'sh'): string[] {
  const file = path.join(tempDir(), 'x.sh');
  fs.writeFileSync(file, `#!/bin/${shell}\n${script}`);
  let out: string;
  try {
    out = run('shellcheck', ['--norc', '-f', 'json1', file]);
  } catch (e) {
    out = (e as { stdout: string }).stdout;
  }
  return (JSON.parse(out).comments as { code: number }[]).map((c) => `SC${c.code}`).sort();
}

const codes = (fs: Finding[]) => fs.map((f) => f.rule).sort();

test('findings on continuation lines and in heredocs sit at the exact Dockerfile position', { skip: missing }, async () => {
  const src = 'FROM debian:12\nRUN echo start && \\\n    # a comment line\n    ls `pwd`  $undefined_thing\nRUN <<EOF\n\tset -e\n\tcp $1 /x\nEOF\n';
  const found = await check(src);
  const at = (code: string) => found.find((f) => f.rule === code)!.range.start;
  assert.deepEqual(at('SC2006'), positionOf(src, '`pwd`'));
  assert.deepEqual(at('SC2154'), positionOf(src, '$undefined_thing'));
  assert.deepEqual(found.filter((f) => f.rule === 'SC2086').map((f) => f.range.start), [positionOf(src, '$undefined_thing'), positionOf(src, '$1')]);
  const end = found.find((f) => f.rule === 'SC2006')!.range.end;
  assert.deepEqual(end, { line: 3, character: positionOf(src, '`pwd`').character + 5 });
});

test('the codes are ShellCheck\'s own for the same script', { skip: missing }, async () => {
  const script = 'cd /tmp; for f in $(ls *.txt); do echo $f; done';
  assert.deepEqual(codes(await check(`FROM debian:12\nRUN ${script}\n`)), peerCodes(script));
  assert.deepEqual(codes(await check(`FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN ${script}\n`)), peerCodes(script, 'bash'));
});

test('ARG and ENV names are known variables; the shell follows SHELL and resets at FROM', { skip: missing }, async () => {
  assert.ok(codes(await check('FROM debian:12\nRUN echo "$name"\n')).includes('SC2154'));
  assert.ok(!codes(await check('FROM debian:12\nARG name\nRUN echo "$name"\n')).includes('SC2154'));
  assert.ok(!codes(await check('FROM debian:12\nENV name=x\nRUN echo "$name"\n')).includes('SC2154'));
  assert.ok(!codes(await check('FROM debian:12\nRUN echo "$http_proxy"\n')).includes('SC2154'), 'proxy variables are predefined');
  // [[ ]] is a bashism: fine under SHELL bash, SC3010 under sh, and sh again after the next FROM.
  const src = 'FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN [[ -n "$HOME" ]] && true\nFROM debian:12\nRUN [[ -n "$HOME" ]] && true\n';
  assert.deepEqual(codes(await check(src)).filter((c) => c === 'SC3010').length, 1);
  assert.deepEqual(await check('FROM mcr.microsoft.com/powershell:7\nSHELL ["pwsh", "-c"]\nRUN echo $x\n'), []);
  assert.deepEqual(await check('FROM alpine:3.20\nSHELL ["/bin/ash", "-c"]\nRUN true\n'), [], 'SC2187 is excluded as in hadolint');
  assert.deepEqual(await check('FROM debian:12\nRUN <<EOF\n#!/usr/bin/env python3\nprint($x)\nEOF\n'), [], 'a python heredoc is not shell');
  assert.deepEqual(await check('FROM debian:12\nRUN ["sh", "-c", "echo $x"]\n'), [], 'exec form is not a shell script');
});

test('ShellCheck runs once per Dockerfile, whatever the number of RUNs, and only on scripts it has not seen', { skip: missing }, async () => {
  const dir = tempDir();
  const log = path.join(dir, 'calls');
  const wrapper = path.join(dir, 'shellcheck');
  fs.writeFileSync(wrapper, `#!/bin/sh\necho call $(($# - 3)) >> ${log}\nexec shellcheck "$@"\n`, { mode: 0o755 });
  const src = 'FROM debian:12\n' + Array.from({ length: 12 }, (_, i) => `RUN echo $v${i}\n`).join('');
  const found = await shellcheckFindings(parseDockerfile(src), wrapper);
  assert.equal(found.filter((f) => f.rule === 'SC2154').length, 12);
  assert.equal(fs.readFileSync(log, 'utf8'), 'call 12\n');
  // An edit to one RUN (the others only moved down a line) re-checks that RUN alone.
  const edited = src.replace('FROM debian:12\n', 'FROM debian:12\n# moved\n').replace('RUN echo $v3\n', 'RUN echo $w3\n');
  const again = await shellcheckFindings(parseDockerfile(edited), wrapper);
  assert.equal(fs.readFileSync(log, 'utf8'), 'call 12\ncall 1\n');
  assert.deepEqual(again.filter((f) => f.rule === 'SC2154').map((f) => f.range.start.line), Array.from({ length: 12 }, (_, i) => i + 2));
  assert.match(again.find((f) => f.range.start.line === 5 && f.rule === 'SC2154')!.message, /w3/);
});

test('ShellCheck fixes become edits at the Dockerfile position', { skip: missing }, async () => {
  const src = 'FROM debian:12\nRUN ls \\\n  $dir\n';
  const f = (await check(src)).find((x) => x.rule === 'SC2086')!;
  const lines = src.split('\n');
  for (const e of [...f.fixes[0].edits].sort((a, b) => b.range.start.character - a.range.start.character)) {
    const l = lines[e.range.start.line];
    lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
  }
  assert.equal(lines[2], '  "$dir"');
});

test('pragmas and settings silence ShellCheck codes like DL codes', { skip: missing }, async () => {
  const src = 'FROM debian:12\n# hadolint ignore=SC2154\nRUN echo "$a"\nRUN echo "$b"\n';
  const dockerfile = parseDockerfile(src);
  const extra = await shellcheckFindings(dockerfile, '');
  assert.deepEqual(lint({ dockerfile, extra }).filter((f) => f.rule === 'SC2154').map((f) => f.range.start.line), [3]);
  assert.deepEqual(lint({ dockerfile, extra, options: { ignored: ['SC2154'] } }).filter((f) => f.rule === 'SC2154'), []);
  assert.equal(lint({ dockerfile, extra, options: { severities: { SC2154: 'error' } } }).find((f) => f.rule === 'SC2154')!.severity, 'error');
});

test('lintFile runs ShellCheck unless it is off or absent', { skip: missing }, async () => {
  const dir = contextWith({ Dockerfile: 'FROM debian:12\nRUN echo "$x"\n' });
  fs.mkdirSync(path.join(dir, '.git'));
  const file = path.join(dir, 'Dockerfile');
  assert.ok((await lintFile(file)).some((f) => f.rule === 'SC2154'));
  assert.ok(!(await lintFile(file, { options: { shellcheckPath: 'off' } })).some((f) => f.rule.startsWith('SC')));
  assert.ok(!(await lintFile(file, { options: { shellcheckPath: path.join(dir, 'no-such-shellcheck') } })).some((f) => f.rule.startsWith('SC')));
});
