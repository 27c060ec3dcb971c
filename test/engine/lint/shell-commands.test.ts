import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argsNoFlags, flagsOf, flagValue, parseShell } from '../../../engine/lint/shell/commands';

const names = (text: string) => parseShell(text).commands.map((c) => c.name);

test('finds commands in lists, pipelines, subshells, substitutions and compound commands', () => {
  assert.deepEqual(names('a && b || c; d | e & f'), ['a', 'b', 'c', 'd', 'e', 'f']);
  assert.deepEqual(names('if [ -f x ]; then cd /x; else (g); fi'), ['[', 'cd', 'g']);
  assert.deepEqual(names('for i in a b; do rm $i; done; while true; do sleep 1; done'), ['rm', 'true', 'sleep']);
  assert.deepEqual(names('echo "$(curl -s x | sh)" `wget y` <(zcat z)'), ['echo', 'curl', 'sh', 'wget', 'zcat']);
  assert.deepEqual(names('FOO=1 BAR="a b" make >out 2>&1; X=1'), ['make']);
});

test('quotes are removed, comments and heredoc bodies are not commands', () => {
  const s = parseShell(`echo 'a b' "c\\"d" e\\ f # apt-get install x\ncat <<EOF >/f\nsudo rm -rf /\nEOF\nls`);
  assert.deepEqual(s.commands.map((c) => [c.name, c.args.map((a) => a.value)]), [['echo', ['a b', 'c"d', 'e f']], ['cat', []], ['ls', []]]);
});

test('offsets cover each command exactly, and pipes are told apart from ||', () => {
  const text = 'true && apt-get install -y  curl ; x';
  const c = parseShell(text).commands[1];
  assert.equal(text.slice(c.start, c.end), 'apt-get install -y  curl');
  assert.equal(parseShell('a || b').hasPipes, false);
  assert.equal(parseShell('a | b').hasPipes, true);
});

test('flags are read as hadolint reads them', () => {
  assert.deepEqual(flagsOf('-xzf'), ['x', 'z', 'f']);
  assert.deepEqual(flagsOf('--target-release=x'), ['target-release']);
  assert.deepEqual(flagsOf('--'), []);
  const cmd = parseShell('apt-get install -t bookworm-backports -y foo --target-release=x bar').commands[0];
  assert.deepEqual(argsNoFlags(cmd, ['t', 'target-release']), ['install', 'foo', 'bar']);
  assert.equal(flagValue(parseShell('useradd --uid=1234567 x').commands[0], 'u', 'uid'), '1234567');
  assert.equal(flagValue(parseShell('useradd -u1234567 x').commands[0], 'u', 'uid'), '1234567');
});

test('never throws on unbalanced input', () => {
  for (const text of ['"unterminated', "'x", '$(a', '`b', '${c', 'a <<', '((', ')))', '\\']) assert.doesNotThrow(() => parseShell(text), text);
});
