import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContextIndex } from '../../../engine/context/context-index';
import { parseDockerfile } from '../../../engine/dockerfile/parser';
import { lint } from '../../../engine/lint/index';
import { contextWith } from '../../helpers/fixtures';

const files = { 'run.sh': '#!/bin/sh\n', 'b.sh': '#!/bin/sh\n' };
const rules = (src: string) =>
  lint({ dockerfile: parseDockerfile(src), context: ContextIndex.withoutGit(contextWith(files)) }).map((f) => `${f.rule}@${f.range.start.line}`);

test('hadolint ignore pragmas silence a rule on the next instruction only, by ID or name', () => {
  const base = 'FROM scratch\nCOPY run.sh /\nRUN /run.sh\nCOPY b.sh /\nRUN /b.sh\n';
  assert.deepEqual(rules(base), ['LW2001@1', 'LW2001@3']);
  assert.deepEqual(rules(base.replace('COPY run.sh /', '# hadolint ignore=LW2001\nCOPY run.sh /')), ['LW2001@4']);
  assert.deepEqual(rules(base.replace('COPY run.sh /', '# hadolint ignore=DL3008, execute-bit\nCOPY run.sh /')), ['LW2001@4']);
});

test('hadolint global ignore and the check=skip directive silence a rule everywhere; syntax errors stay', () => {
  const base = 'FROM scratch\nCOPY run.sh /\nRUN /run.sh\nCOPY b.sh /\nRUN /b.sh\n';
  assert.deepEqual(rules(`# hadolint global ignore=LW2001\n${base}`), []);
  assert.deepEqual(rules(`# check=skip=execute-bit\n${base}`), []);
  assert.deepEqual(rules(`# check=skip=all\n${base}`), []);
  assert.deepEqual(rules('# check=skip=all\nFROM a b\n'), ['LW0001@1']);
});
