import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { URI } from 'vscode-uri';
import { toDiagnostic } from '../../server/service/diagnostics';
import type { Finding } from '../../engine/lint/types';

const finding = (rule: string): Finding => ({ rule, severity: 'warning', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'm', fixes: [], related: [] });

test('each diagnostic links its rule docs: the bundled page for LW rules, the web for DL, SC and BuildKit', () => {
  const lw = toDiagnostic('file:///x/Dockerfile', finding('LW4003')).codeDescription!.href;
  assert.ok(lw.startsWith('file://'), lw);
  assert.match(fs.readFileSync(URI.parse(lw).fsPath, 'utf8'), /^# LW4003/);
  assert.equal(toDiagnostic('u', finding('DL3008')).codeDescription!.href, 'https://github.com/hadolint/hadolint/wiki/DL3008');
  assert.equal(toDiagnostic('u', finding('SC2086')).codeDescription!.href, 'https://www.shellcheck.net/wiki/SC2086');
  assert.equal(toDiagnostic('u', finding('JSONArgsRecommended')).codeDescription!.href, 'https://docs.docker.com/reference/build-checks/json-args-recommended/');
  assert.equal(toDiagnostic('u', finding('FromPlatformFlagConstDisallowed')).codeDescription!.href, 'https://docs.docker.com/reference/build-checks/from-platform-flag-const-disallowed/');
});
