import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDockerfile } from '../../../../engine/dockerfile/parser';
import { lint } from '../../../../engine/lint';
import { checkedScripts } from '../../../../engine/lint/shellcheck/scripts';

const rules = (src: string) => lint({ dockerfile: parseDockerfile(src) }).map((f) => `${f.range.start.line}:${f.rule}`);

test('# hadolint ignore= silences the listed DL codes on the next instruction only', () => {
  const src = 'FROM debian:12\n# hadolint ignore=DL3008,DL3015\nRUN apt-get install -y curl\nRUN apt-get install -y wget\n';
  const found = rules(src);
  assert.ok(!found.includes('2:DL3008') && !found.includes('2:DL3015'));
  assert.ok(found.includes('3:DL3008') && found.includes('3:DL3015'));
});

test('a comment after the list is allowed, as hadolint allows it', () => {
  const src = 'FROM debian:12\n# hadolint ignore=DL3008 # we follow the distribution\nRUN apt-get install -y --no-install-recommends curl\n';
  assert.ok(!rules(src).includes('2:DL3008'));
});

test('# hadolint global ignore= silences a code everywhere, wherever it is written', () => {
  const src = 'FROM debian:12\nRUN cd /a\nWORKDIR /b\n# hadolint global ignore=DL3003, DL3059\nRUN cd /c\nRUN cd /d\n';
  const found = rules(src);
  assert.ok(!found.some((r) => r.endsWith('DL3003') || r.endsWith('DL3059')), found.join(' '));
});

test('# hadolint shell= sets the shell ShellCheck reads RUNs with', () => {
  const scripts = checkedScripts(parseDockerfile('# hadolint shell=bash\nFROM debian:12\nRUN echo\nSHELL ["/bin/dash", "-c"]\nRUN echo\nFROM debian:12\nRUN echo\n'));
  assert.deepEqual(scripts.map((s) => s.shell), ['bash', '/bin/dash', 'bash']);
});
