import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDockerfile } from '../../../engine/dockerfile/parser';
import { lint } from '../../../engine/lint';

const src = `FROM scratch\n${Array.from({ length: 5 }, (_, i) => `RUN echo ${i}`).join('\n')}\n`;
const base = () => lint({ dockerfile: parseDockerfile(src), options: { layerCountThreshold: 2 } });

test('ignored rules are dropped by ID or by name; severities are overridden or turned off', () => {
  const plain = base();
  assert.ok(plain.some((f) => f.rule === 'LW1001' && f.severity === 'warning'));
  for (const name of ['LW1001', 'layer-count']) {
    const ignored = lint({ dockerfile: parseDockerfile(src), options: { layerCountThreshold: 2, ignored: [name] } });
    assert.equal(ignored.filter((f) => f.rule === 'LW1001').length, 0, name);
  }
  const raised = lint({ dockerfile: parseDockerfile(src), options: { layerCountThreshold: 2, severities: { LW1001: 'error' } } });
  assert.ok(raised.filter((f) => f.rule === 'LW1001').every((f) => f.severity === 'error'));
  const off = lint({ dockerfile: parseDockerfile(src), options: { layerCountThreshold: 2, severities: { 'layer-count': 'off' } } });
  assert.equal(off.filter((f) => f.rule === 'LW1001').length, 0);
});
