import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDockerfile } from '../../../engine/dockerfile/parser';
import { lint } from '../../../engine/lint';
import { EQUIVALENT_RULES } from '../../../engine/lint/equivalents';
import { RULES } from '../../../engine/lint';

const SRC = 'FROM ubuntu\nMAINTAINER me\nWORKDIR app\nFROM debian:12 AS a\nFROM debian:12 AS a\n';
const codes = (options = {}) => lint({ dockerfile: parseDockerfile(SRC), options: { shellcheckPath: 'off', ...options } }).map((f) => `${f.range.start.line}:${f.rule}:${f.severity}:${(f.alsoReportedAs ?? []).join('+')}`);

test('one problem found by two rule families is one finding, at the higher severity, naming the folded code', () => {
  const all = codes({ foldEquivalents: false });
  for (const pair of ['0:LW3001', '0:DL3006', '1:MaintainerDeprecated', '1:DL4000', '2:WorkdirRelativePath', '2:DL3000', '4:DuplicateStageName', '4:DL3024']) {
    assert.ok(all.some((c) => c.startsWith(pair)), `${pair} in ${all}`);
  }
  const folded = codes();
  assert.ok(folded.includes('0:LW3001:warning:DL3006'), folded.join(' '));
  assert.ok(folded.includes('1:MaintainerDeprecated:error:DL4000'), 'DL4000 is an error in hadolint: not softened');
  assert.ok(folded.includes('2:WorkdirRelativePath:error:DL3000'));
  assert.ok(folded.includes('4:DuplicateStageName:error:DL3024'));
  for (const code of ['DL3006', 'DL4000', 'DL3000', 'DL3024']) assert.ok(!folded.some((c) => c.includes(`:${code}:`)), code);
});

test('silencing any code of a group silences the whole group: pragmas, check=skip, ignored and off', () => {
  const pragma = lint({ dockerfile: parseDockerfile('# hadolint ignore=DL3006\nFROM ubuntu\n'), options: { shellcheckPath: 'off' } });
  assert.deepEqual(pragma.filter((f) => f.rule === 'LW3001' || f.rule === 'DL3006'), []);
  const skip = lint({ dockerfile: parseDockerfile('# check=skip=WorkdirRelativePath\nFROM debian:12\nWORKDIR app\n'), options: { shellcheckPath: 'off' } });
  assert.deepEqual(skip.filter((f) => f.rule === 'DL3000' || f.rule === 'WorkdirRelativePath'), []);
  for (const options of [{ ignored: ['DL4000'] }, { severities: { MaintainerDeprecated: 'off' as const } }]) {
    const found = lint({ dockerfile: parseDockerfile('FROM debian:12\nMAINTAINER me\n'), options: { shellcheckPath: 'off', ...options } });
    assert.deepEqual(found.filter((f) => f.rule === 'DL4000' || f.rule === 'MaintainerDeprecated'), [], JSON.stringify(options));
  }
});

test('every code named in the equivalence table is a rule of the catalog', () => {
  const ids = new Set(RULES.map((r) => r.id));
  for (const [key, others] of Object.entries(EQUIVALENT_RULES)) for (const id of [key, ...others]) assert.ok(ids.has(id), id);
});
