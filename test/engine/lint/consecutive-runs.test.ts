import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parseDockerfile } from '../../../engine/dockerfile/parser';
import { applyEdits, findingsOf } from '../../helpers/lint';

test('LW1002: consecutive RUNs are one finding, from the second RUN to the last, with a merge fix', () => {
  const src = 'FROM alpine\nRUN apk add curl\n# fetch the tool\nRUN curl -o /x https://example.com/x\nRUN chmod +x /x\nCOPY a /a\n';
  const [f] = findingsOf('LW1002', src);
  assert.equal(f.severity, 'info');
  assert.deepEqual(f.range.start, { line: 3, character: 0 });
  assert.equal(f.range.end.line, 4);
  const fixed = applyEdits(src, f.fixes[0].edits);
  const df = parseDockerfile(fixed);
  const runs = df.instructions.filter((i) => i.keyword === 'RUN');
  assert.equal(runs.length, 1);
  assert.equal(runs[0].args[0].value.replace(/\s+/g, ' '), 'apk add curl && curl -o /x https://example.com/x && chmod +x /x');
  assert.match(fixed, /# fetch the tool/);
  assert.deepEqual(df.errors, []);
  assert.deepEqual(findingsOf('LW1002', fixed), []);
});

test('LW1002: a merged RUN runs like the separate ones: cd and exports stay in their own command (checked with sh)', () => {
  const src = 'FROM alpine\nWORKDIR /\nRUN cd /tmp && touch made\nRUN export X=1\nRUN pwd > /dev/null; echo "$PWD:${X:-unset}"\n';
  const [f] = findingsOf('LW1002', src);
  const merged = parseDockerfile(applyEdits(src, f.fixes[0].edits)).instructions.find((i) => i.keyword === 'RUN')!;
  const out = execFileSync('sh', ['-c', merged.args[0].value.replace('touch made', 'true')], { cwd: '/', encoding: 'utf8' });
  assert.equal(out.trim(), '/:unset');
});

test('LW1002: no fix that would drop a comment inside a RUN; comments between RUNs are kept', () => {
  const [inner] = findingsOf('LW1002', 'FROM alpine\nRUN a && \\\n  # why b\n  b\nRUN c\n');
  assert.deepEqual(inner.fixes, []);
  const src = 'FROM alpine\nRUN a\n\n# loose note\n\n# about c\nRUN c\n';
  const merged = applyEdits(src, findingsOf('LW1002', src)[0].fixes[0].edits);
  assert.match(merged, /# loose note/);
  assert.match(merged, /# about c/);
});

test('LW1002: no finding for a single RUN, RUNs split by another instruction, or RUNs with flags or heredocs', () => {
  assert.deepEqual(findingsOf('LW1002', 'FROM alpine\nRUN a\nCOPY x /x\nRUN b\n'), []);
  assert.deepEqual(findingsOf('LW1002', 'FROM alpine\nRUN a\nRUN --mount=type=cache,target=/c b\n'), []);
  assert.deepEqual(findingsOf('LW1002', 'FROM alpine\nRUN a\nRUN <<EOF\nb\nEOF\n'), []);
  assert.deepEqual(findingsOf('LW1002', 'FROM alpine\nRUN ["a"]\nRUN b\n'), []);
});
