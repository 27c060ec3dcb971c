import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { contextWith } from '../../helpers/fixtures';
import { projectRoot } from '../../helpers/paths';
import { hasCommand } from '../../helpers/tools';

const repoRoot = projectRoot();

const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [path.join(repoRoot, 'out/engine/cli/bin.js'), 'lint', ...args], { cwd, encoding: 'utf8' });

const project = () =>
  contextWith({
    Dockerfile: 'FROM python:3.8\nCOPY . .\nRUN pip install -r requirements.txt\nCMD python app.py\n',
    'clean.Dockerfile': 'FROM alpine:3.22\nCOPY app /app\nENTRYPOINT ["/app"]\n',
    'requirements.txt': 'flask\n',
    app: ['#!/bin/sh\n', 0o755],
    '.env': 'SECRET=1\n',
  });

test('--format sarif is valid SARIF 2.1.0 (the OASIS schema) with rules, levels, regions and fixes', () => {
  const dir = project();
  const out = cli(['--format', 'sarif', 'Dockerfile', 'clean.Dockerfile'], dir);
  assert.equal(out.status, 1, out.stderr);
  const log = JSON.parse(out.stdout) as { runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } }; results: unknown[] }[] };
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')));
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  const run = log.runs[0];
  const results = run.results as unknown as { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[]; fixes?: unknown[] }[];
  assert.ok(results.length >= 4);
  for (const r of results) {
    assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId);
    assert.equal(r.locations[0].physicalLocation.artifactLocation.uri, 'Dockerfile');
  }
  const eol = results.find((r) => r.ruleId === 'LW3002')!;
  assert.deepEqual(eol.locations[0].physicalLocation.region, { startLine: 1, startColumn: 6, endLine: 1, endColumn: 16 });
  assert.equal(eol.level, 'warning');
  assert.equal(results.find((r) => r.ruleId === 'LW3003')!.level, 'note');
  assert.ok(results.find((r) => r.ruleId === 'JSONArgsRecommended')!.fixes);
  assert.match(run.tool.driver.rules.find((r) => r.id === 'JSONArgsRecommended')!.helpUri, /^https:\/\/docs\.docker\.com\//);
});

test('a schema-invalid log is rejected by the same validator (the check can fail)', () => {
  const ajv = new Ajv({ strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')));
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ ruleId: 'A', level: 'fatal', message: { text: 'm' } }] }] }), false);
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false);
});

test('--format checkstyle is XML with one <file> per Dockerfile, and exit codes follow hadolint', () => {
  const dir = project();
  const out = cli(['--format', 'checkstyle', 'Dockerfile', 'clean.Dockerfile'], dir);
  assert.equal(out.status, 1);
  assert.match(out.stdout, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<checkstyle version="4\.3">/);
  assert.match(out.stdout, /<file name="Dockerfile"><error line="1" column="6" severity="warning" message="python:3\.8: [^"]*" source="LW3002"\/>/);
  assert.match(out.stdout, /<file name="clean\.Dockerfile"><\/file>/);
  assert.equal(cli(['clean.Dockerfile'], dir).status, 0);
  assert.equal(cli(['--failure-threshold', 'error', 'Dockerfile'], dir).status, 0);
  assert.equal(cli(['--failure-threshold', 'warning', 'Dockerfile'], dir).status, 1);
  assert.equal(cli(['--failure-threshold', 'none', 'Dockerfile'], dir).status, 0);
  const missing = cli(['nope.Dockerfile', 'clean.Dockerfile'], dir);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot read nope\.Dockerfile: no such file/);
  assert.equal(cli(['--format', 'yaml', 'Dockerfile'], dir).status, 2);
});

test('--format checkstyle output is well-formed XML for xmllint, awkward messages included', (t) => {
  if (!hasCommand('xmllint')) return t.skip('xmllint is not installed (apt-get install libxml2-utils)');
  // ExposeInvalidFormat quotes the word: markup characters and a control character reach the message.
  const dir = contextWith({ Dockerfile: 'FROM alpine:3.22\nEXPOSE 1<&"\'\u0001>:80\n' });
  const out = cli(['--format', 'checkstyle', 'Dockerfile'], dir);
  assert.match(out.stdout, /source="ExposeInvalidFormat"/);
  assert.match(out.stdout, /found &apos;1&lt;&amp;&quot;&apos;&gt;:80&apos;/);
  const xmllint = spawnSync('xmllint', ['--noout', '-'], { input: out.stdout, encoding: 'utf8' });
  assert.equal(xmllint.status, 0, xmllint.stderr);
});
