import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../engine/dockerfile/parser';
import { lint } from '../../../engine/lint/index';

const layers = (n: number) => Array.from({ length: n }, (_, i) => `RUN echo ${i}`).join('\n');

test('warns on the instruction that crosses the threshold, counting base layers', () => {
  const src = `FROM alpine:3.20\n${layers(5)}\n`;
  const bases = new Map([['alpine:3.20', { ref: 'docker.io/library/alpine:3.20', source: 'store' as const, label: 'alpine:3.20', layers: 1, has: () => undefined }]]);
  const findings = lint({ dockerfile: parseDockerfile(src), bases, options: { layerCountThreshold: 4 } }).filter((f) => f.rule === 'LW1001');
  assert.equal(findings.length, 1);
  // Base has 1, so the 4th RUN (line 5, 0-based 4) makes layer 5 > 4.
  assert.equal(findings[0].range.start.line, 4);
  assert.match(findings[0].message, /6 layers \(1 from the base image, 5 from this Dockerfile\)/);
  assert.equal(findings[0].severity, 'warning');
});

test('no finding at or under the threshold; stages inherit earlier stages', () => {
  const ok = lint({ dockerfile: parseDockerfile(`FROM scratch\n${layers(3)}\n`), options: { layerCountThreshold: 3 } });
  assert.deepEqual(ok.filter((f) => f.rule === 'LW1001'), []);
  const chained = lint({ dockerfile: parseDockerfile(`FROM scratch AS a\n${layers(3)}\nFROM a\n${layers(2)}\n`), options: { layerCountThreshold: 4 } });
  const f = chained.filter((x) => x.rule === 'LW1001');
  assert.equal(f.length, 1);
  assert.match(f[0].message, /5 layers \(3 from the base image, 2 from this Dockerfile\)/);
});

test('an unknown base is said to be unknown, and Docker\'s 127-layer limit is an error', () => {
  const unknown = lint({ dockerfile: parseDockerfile(`FROM somewhere/else\n${layers(3)}\n`), options: { layerCountThreshold: 2 } });
  assert.match(unknown.find((f) => f.rule === 'LW1001')!.message, /base image's layers are not known/);
  const deep = lint({ dockerfile: parseDockerfile(`FROM scratch\n${layers(130)}\n`), options: { layerCountThreshold: 200 } });
  const err = deep.find((f) => f.rule === 'LW1001')!;
  assert.equal(err.severity, 'error');
  assert.equal(err.range.start.line, 128);
});
