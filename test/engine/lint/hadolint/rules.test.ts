import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDockerfile } from '../../../../engine/dockerfile/parser';
import { lint } from '../../../../engine/lint';
import { HADOLINT_RULES } from '../../../../engine/lint/rules/hadolint';
import { CASES } from './cases';

// Each rule on its own: equivalent codes are not folded here (test/engine/lint/equivalents.test.ts covers that).
const findings = (src: string, rule: string, options = {}) => lint({ dockerfile: parseDockerfile(src), options: { foldEquivalents: false, ...options } }).filter((f) => f.rule === rule);

for (const c of CASES) {
  test(`${c.rule}: flags what hadolint flags and passes what it passes`, () => {
    for (const src of c.bad) assert.ok(findings(src, c.rule, c.options).length > 0, `${c.rule} should flag:\n${src}`);
    for (const src of c.good) assert.deepEqual(findings(src, c.rule, c.options), [], `${c.rule} should pass:\n${src}`);
    if (c.at) {
      const first = findings(c.bad[0], c.rule, c.options)[0];
      assert.deepEqual([first.range.start.line, first.range.start.character], c.at, `${c.rule} range`);
    }
  });
}

test('the catalog is hadolint 2.15: 71 DL codes, each with cases, with hadolint default severities', () => {
  const expected = [...Array.from({ length: 68 }, (_, i) => `DL${3000 + i}`).filter((id) => !['DL3017', 'DL3031', 'DL3039'].includes(id)), 'DL4000', 'DL4001', 'DL4003', 'DL4004', 'DL4005', 'DL4006'];
  assert.deepEqual(HADOLINT_RULES.map((r) => r.id), expected);
  const tested = new Set(CASES.filter((c) => c.bad.length > 0 && c.good.length > 0).map((c) => c.rule));
  assert.deepEqual(expected.filter((id) => !tested.has(id)), []);
  const severity = Object.fromEntries(HADOLINT_RULES.map((r) => [r.id, r.severity]));
  // From hadolint's README table.
  assert.deepEqual(
    { DL3000: 'error', DL3001: 'info', DL3009: 'info', DL3020: 'error', DL3042: 'warning', DL3047: 'info', DL3048: 'style', DL3059: 'info', DL3061: 'error', DL4000: 'error', DL4006: 'warning' },
    Object.fromEntries(['DL3000', 'DL3001', 'DL3009', 'DL3020', 'DL3042', 'DL3047', 'DL3048', 'DL3059', 'DL3061', 'DL4000', 'DL4006'].map((id) => [id, severity[id]])),
  );
});

test('rule names are unique and accepted in pragmas like codes', () => {
  const names = HADOLINT_RULES.map((r) => r.name);
  assert.equal(new Set(names).size, names.length);
  const src = 'FROM debian:12\n# hadolint ignore=no-sudo\nRUN sudo true\n';
  assert.deepEqual(findings(src, 'DL3004'), []);
});

test('an ignore-level rule (DL3057) reports nothing until a configuration gives it a level', () => {
  assert.deepEqual(findings('FROM debian:12\n', 'DL3057'), []);
  const raised = findings('FROM debian:12\n', 'DL3057', { severities: { DL3057: 'warning' } });
  assert.equal(raised[0].severity, 'warning');
});

test('ONBUILD RUN is checked like RUN, at the wrapped command', () => {
  const f = findings('FROM debian:12\nONBUILD RUN sudo make\n', 'DL3004');
  assert.deepEqual(f[0].range.start, { line: 1, character: 12 });
});

test('commands on continuation lines are reported where they are', () => {
  const f = findings('FROM debian:12\nRUN true && \\\n    # note\n    apt-get install -y \\\n      curl\n', 'DL3008');
  assert.deepEqual(f[0].range, { start: { line: 3, character: 4 }, end: { line: 4, character: 10 } });
});

test('DL3026: an image without a registry is from Docker Hub, allowed only when docker.io or hub.docker.com is', () => {
  assert.equal(findings('FROM debian:12\n', 'DL3026', { trustedRegistries: ['my.registry:5000'] }).length, 1);
  assert.equal(findings('FROM debian:12\n', 'DL3026', { trustedRegistries: ['hub.docker.com'] }).length, 0);
  assert.equal(findings('FROM debian:12\n', 'DL3026').length, 0, 'no list, no check');
});

test('a Dockerfile with syntax errors gets only those, as hadolint gives only its parse error', () => {
  const broken = lint({ dockerfile: parseDockerfile('COPY a b\nRUN <<EOF\nsudo true\n') });
  assert.ok(broken.length > 0 && broken.every((f) => f.rule === 'LW0001'), JSON.stringify(broken.map((f) => f.rule)));
  assert.equal(findings('COPY a b\nFROM debian:12\n', 'DL3061').length, 1, 'the same order mistake in a file that parses');
});

test('heredoc scripts are read like shell-form RUNs, at their own lines; a python heredoc is not', () => {
  const f = findings('FROM debian:12\nRUN <<EOF\nset -e\n\tapt-get install -y curl\nEOF\n', 'DL3008');
  assert.deepEqual(f[0].range.start, { line: 3, character: 1 });
  assert.equal(findings('FROM debian:12\nRUN bash <<EOF\nsudo true\nEOF\n', 'DL3004').length, 1);
  assert.equal(findings('FROM debian:12\nRUN python3 <<EOF\nsudo = 1\nEOF\n', 'DL3004').length, 0);
});
