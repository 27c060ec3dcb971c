import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ContextIndex } from '../../../engine/context/context-index';
import { parseDockerfile } from '../../../engine/dockerfile/parser';
import { lint } from '../../../engine/lint/index';
import type { Finding, TextEdit } from '../../../engine/lint/types';
import { contextWith } from '../../helpers/fixtures';

const SCRIPT = '#!/bin/sh\necho hi\n';

function run(dockerfile: string, files: Record<string, string | [string, number]>, ctx?: ContextIndex): Finding[] {
  const context = ctx ?? ContextIndex.withoutGit(contextWith(files));
  return lint({ dockerfile: parseDockerfile(dockerfile), context }).filter((f) => f.rule === 'LW2001');
}

function textAt(src: string, f: Finding): string {
  const line = src.split('\n')[f.range.start.line];
  return line.slice(f.range.start.character, f.range.end.character);
}

function applyEdits(src: string, edits: TextEdit[]): string {
  const lines = src.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((text, e) => text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end)), src);
}

test('the tutorial case: COPY without +x then ENTRYPOINT exec form', () => {
  const src = 'FROM scratch\nCOPY hello.txt while.sh /\nENTRYPOINT ["/while.sh"]\n';
  const findings = run(src, { 'hello.txt': 'hi', 'while.sh': SCRIPT });
  assert.equal(findings.length, 1);
  const [f] = findings;
  assert.equal(textAt(src, f), 'while.sh');
  assert.equal(f.range.start.line, 1);
  assert.match(f.message, /exec: "\/while.sh": permission denied/);
  assert.equal(f.related[0].range.start.line, 2);
  assert.equal(src.split('\n')[2].slice(f.related[0].range.start.character, f.related[0].range.end.character), '"/while.sh"');
});

test('each fix removes the finding when applied', () => {
  const src = 'FROM scratch\nCOPY hello.txt while.sh /\nENTRYPOINT ["/while.sh"]\n';
  const files = { 'hello.txt': 'hi', 'while.sh': SCRIPT };
  const [f] = run(src, files);
  assert.equal(f.fixes.length, 2);
  for (const fix of f.fixes) {
    const fixed = applyEdits(src, fix.edits);
    assert.notEqual(fixed, src);
    assert.deepEqual(run(fixed, files), [], `after "${fix.title}":\n${fixed}`);
  }
  assert.equal(applyEdits(src, f.fixes[1].edits), 'FROM scratch\nCOPY hello.txt /\nCOPY --chmod=755 while.sh /\nENTRYPOINT ["/while.sh"]\n');
});

test('no finding when the script is executable, chmodded, or run through an interpreter', () => {
  const files = { 'run.sh': SCRIPT };
  assert.deepEqual(run('FROM scratch\nCOPY run.sh /\nCMD ["/run.sh"]\n', { 'run.sh': [SCRIPT, 0o755] }), []);
  assert.deepEqual(run('FROM scratch\nCOPY --chmod=755 run.sh /\nCMD ["/run.sh"]\n', files), []);
  assert.deepEqual(run('FROM scratch\nCOPY --chmod=u+x run.sh /\nCMD ["/run.sh"]\n', files), []);
  assert.deepEqual(run('FROM alpine\nCOPY run.sh /\nRUN chmod +x /run.sh\nCMD ["/run.sh"]\n', files), []);
  assert.deepEqual(run('FROM alpine\nCOPY run.sh /\nCMD ["/bin/sh", "/run.sh"]\n', files), []);
  assert.deepEqual(run('FROM alpine\nCOPY run.sh /\nRUN sh /run.sh\n', files), []);
  assert.deepEqual(run('FROM alpine\nCOPY run.sh /\nENTRYPOINT ["bash", "/run.sh"]\n', files), []);
});

test('still a finding with --chmod=644, and for RUN ./x.sh relative to WORKDIR', () => {
  const files = { 'run.sh': SCRIPT, 'tools/build.sh': SCRIPT };
  assert.equal(run('FROM scratch\nCOPY --chmod=644 run.sh /\nCMD ["/run.sh"]\n', files).length, 1);
  const src = 'FROM alpine\nWORKDIR /app\nCOPY tools/ ./tools/\nRUN apk add x && ./tools/build.sh --fast\n';
  const [f] = run(src, files);
  assert.ok(f, 'RUN ./tools/build.sh after WORKDIR /app');
  assert.equal(textAt(src, f), 'tools/');
  assert.equal(src.split('\n')[3].slice(f.related[0].range.start.character, f.related[0].range.end.character), './tools/build.sh');
});

test('COPY . / and shell-form CMD, but not a RUN before the COPY', () => {
  const files = { 'start.sh': SCRIPT, 'other.txt': 'x' };
  assert.equal(run('FROM alpine\nCOPY . /\nCMD /start.sh\n', files).length, 1);
  assert.deepEqual(run('FROM alpine\nRUN /start.sh\nCOPY . /\n', files), []);
});

test('a glob source is traced to the file it matched', () => {
  const src = 'FROM alpine\nCOPY *.sh /usr/local/bin/\nENTRYPOINT ["/usr/local/bin/entry.sh"]\n';
  const [f] = run(src, { 'entry.sh': SCRIPT });
  assert.equal(textAt(src, f), '*.sh');
});

test("git's index mode wins: executable on disk but not in git is still a finding", (t) => {
  const dir = contextWith({ 'run.sh': [SCRIPT, 0o755] });
  try {
    execFileSync('git', ['init', '-q', dir]);
    execFileSync('git', ['-C', dir, '-c', 'core.fileMode=false', 'add', 'run.sh']);
    execFileSync('git', ['-C', dir, 'update-index', '--chmod=-x', 'run.sh']);
  } catch {
    return t.skip('git is not installed');
  }
  return ContextIndex.open(dir).then((ctx) => {
    const findings = run('FROM scratch\nCOPY run.sh /\nCMD ["/run.sh"]\n', {}, ctx);
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /not in git's index/);
    assert.match(findings[0].message, /git update-index --chmod=\+x run\.sh/);
  });
});
