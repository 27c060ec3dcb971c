import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fc from 'fast-check';
import { parseDockerfile } from '../../../../engine/dockerfile/parser';
import { lint } from '../../../../engine/lint';
import { parseShell } from '../../../../engine/lint/shell/commands';
import { generatedDockerfile } from '../../dockerfile/fuzz-support';

const SHELL_TOKENS = ['apt-get', 'install', '-y', 'update', 'apk', 'add', 'pip', 'npm', 'yum', 'dnf', 'zypper', 'gem', 'go', 'wget', 'curl', 'cd', 'sudo', 'useradd', '-u', '12345678', '&&', '||', '|', ';', '(', ')', '$(', '`', '"', "'", '\\', '<<EOF', 'EOF', '\n', '#', '${x', '}', 'if', 'then', 'fi', 'for', 'in', 'do', 'done', '2>&1', '>', 'x=1', '--no-cache', 'a=1.0', '@1', ':', '=', ' ', '\t'];
const script = fc.array(fc.oneof(fc.constantFrom(...SHELL_TOKENS), fc.string({ maxLength: 4 })), { maxLength: 30 }).map((t) => t.join(' '));

test('the shell reader takes any text without throwing, and offsets stay inside it', () => {
  fc.assert(
    fc.property(script, (text) => {
      for (const c of parseShell(text).commands) assert.ok(c.start >= 0 && c.end <= text.length && c.start <= c.end);
    }),
    { numRuns: 2000 },
  );
});

test('no hadolint rule throws on generated Dockerfiles (a throw shows as an internal-error finding)', () => {
  const dockerfile = fc.oneof(generatedDockerfile, fc.tuple(fc.array(script, { maxLength: 4 }), generatedDockerfile).map(([runs, rest]) => `FROM debian:12 AS a\n${runs.map((r) => `RUN ${r.replace(/\n/g, ' \\\n')}`).join('\n')}\n${rest}`));
  fc.assert(
    fc.property(dockerfile, (src) => {
      const internal = lint({ dockerfile: parseDockerfile(src), options: { labelSchema: { a: 'url', b: 'spdx' }, strictLabels: true, trustedRegistries: ['docker.io'], severities: { DL3057: 'info' } } }).filter((f) => f.message.startsWith('internal error'));
      assert.deepEqual(internal, []);
    }),
    { numRuns: 1500 },
  );
});
