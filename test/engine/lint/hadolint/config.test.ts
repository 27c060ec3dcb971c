import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { EngineError } from '../../../../engine/errors';
import { findConfigFile, loadLintConfig } from '../../../../engine/lint/config/find-config';
import { parseHadolintConfig } from '../../../../engine/lint/config/hadolint-config';
import { lintFile, SETUP_RULE } from '../../../../engine/lint/lint-file';
import { contextWith, tempDir } from '../../../helpers/fixtures';

const FULL = `
ignored: [DL3007, no-sudo]
override:
  error: [DL3008]
  warning: [DL3015]
  info: [DL3059]
  style: [DL3003]
  ignore: [DL3009]
failure-threshold: warning
trustedRegistries:
  - docker.io
  - my.registry:5000
label-schema:
  author: text
  contact: email
strict-labels: true
`;

test('every hadolint key maps onto the lint options', () => {
  const c = parseHadolintConfig(FULL, '/x/.hadolint.yaml');
  assert.deepEqual(c.options, {
    ignored: ['DL3007', 'no-sudo'],
    severities: { DL3008: 'error', DL3015: 'warning', DL3059: 'info', DL3003: 'style', DL3009: 'off' },
    trustedRegistries: ['docker.io', 'my.registry:5000'],
    labelSchema: { author: 'text', contact: 'email' },
    strictLabels: true,
  });
  assert.equal(c.failureThreshold, 'warning');
  assert.equal(parseHadolintConfig('no-fail: true\n', 'f').failureThreshold, 'none');
  assert.equal(parseHadolintConfig('failure-threshold: ignore\n', 'f').failureThreshold, 'none');
  assert.deepEqual(parseHadolintConfig('', 'f').options, {});
});

test('bad configurations are refused with the file and the key at fault', () => {
  const bad: [string, RegExp][] = [
    ['ignored: DL3008\n', /ignored must be a list of strings/],
    ['override:\n  fatal: [DL3008]\n', /override\.fatal: the levels are/],
    ['failure-threshold: high\n', /failure-threshold must be one of/],
    ['label-schema:\n  author: name\n', /label-schema\.author: the types are/],
    ['strict-labels: yes please\n', /strict-labels must be true or false/],
    ['ignore: [DL3008]\n', /unknown setting "ignore"/],
    ['ignored: [DL3008\n', /not valid YAML: .*\(2:1\)/s],
    ['- a\n- b\n', /top level must be a mapping/],
  ];
  for (const [text, message] of bad) {
    assert.throws(() => parseHadolintConfig(text, '/p/.hadolint.yaml'), (e: Error) => e instanceof EngineError && e.message.startsWith('/p/.hadolint.yaml: ') && message.test(e.message), text);
  }
});

test('found next to the Dockerfile, then upward to the repository root, then in the user folders', async () => {
  const home = tempDir();
  const outside = tempDir();
  const repo = path.join(outside, 'repo');
  fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'svc', 'api'), { recursive: true });
  const dockerfile = path.join(repo, 'svc', 'api', 'Dockerfile');
  const env = { HOME: home, XDG_CONFIG_HOME: path.join(home, 'xdg') };
  fs.writeFileSync(path.join(outside, '.hadolint.yaml'), 'ignored: []\n');
  assert.equal(await findConfigFile(dockerfile, env), undefined, 'nothing above the repository root');
  fs.mkdirSync(path.join(home, '.config'), { recursive: true });
  fs.writeFileSync(path.join(home, '.config', 'hadolint.yaml'), 'ignored: []\n');
  assert.equal(await findConfigFile(dockerfile, env), path.join(home, '.config', 'hadolint.yaml'));
  fs.mkdirSync(env.XDG_CONFIG_HOME, { recursive: true });
  fs.writeFileSync(path.join(env.XDG_CONFIG_HOME, 'hadolint.yaml'), 'ignored: []\n');
  assert.equal(await findConfigFile(dockerfile, env), path.join(env.XDG_CONFIG_HOME, 'hadolint.yaml'));
  fs.writeFileSync(path.join(repo, '.hadolint.yaml'), 'ignored: []\n');
  assert.equal(await findConfigFile(dockerfile, env), path.join(repo, '.hadolint.yaml'));
  fs.writeFileSync(path.join(repo, 'svc', 'api', '.hadolint.yml'), 'ignored: [DL3006]\n');
  assert.equal(await findConfigFile(dockerfile, env), path.join(repo, 'svc', 'api', '.hadolint.yml'));
  assert.deepEqual((await loadLintConfig(dockerfile, undefined, env)).options.ignored, ['DL3006']);
  await assert.rejects(loadLintConfig(dockerfile, path.join(repo, 'missing.yaml'), env), /cannot read the lint configuration .*missing\.yaml: ENOENT/);
});

test('lintFile applies the configuration found for the Dockerfile', async () => {
  const dir = contextWith({
    Dockerfile: 'FROM quay.io/x/debian:latest\nLABEL extra=1\nRUN sudo true && apt-get install curl\n',
    '.hadolint.yaml': FULL,
  });
  fs.mkdirSync(path.join(dir, '.git'));
  const found = await lintFile(path.join(dir, 'Dockerfile'), { options: { shellcheckPath: 'off', foldEquivalents: false } });
  const by = (rule: string) => found.filter((f) => f.rule === rule);
  assert.deepEqual(by('DL3007'), [], 'ignored by code');
  assert.deepEqual(by('DL3004'), [], 'ignored by name');
  assert.equal(by('DL3008')[0].severity, 'error');
  assert.equal(by('DL3015')[0].severity, 'warning');
  assert.equal(by('DL3026').length, 1, 'quay.io is not trusted');
  assert.deepEqual(by('DL3049').map((f) => f.message), ['Label `author` is missing.', 'Label `contact` is missing.']);
  assert.equal(by('DL3050').length, 1, 'strict labels');
  const none = await lintFile(path.join(dir, 'Dockerfile'), { config: null, options: { shellcheckPath: 'off', foldEquivalents: false } });
  assert.equal(none.filter((f) => f.rule === 'DL3007').length, 1, 'config: null lints without it');
});

test('a broken configuration is reported and the Dockerfile is still linted', async () => {
  const dir = contextWith({ Dockerfile: 'FROM debian\n', '.hadolint.yaml': 'override: [\n' });
  fs.mkdirSync(path.join(dir, '.git'));
  const found = await lintFile(path.join(dir, 'Dockerfile'), { options: { shellcheckPath: 'off', foldEquivalents: false } });
  const setup = found.find((f) => f.rule === SETUP_RULE)!;
  assert.match(setup.message, /\.hadolint\.yaml: not valid YAML/);
  assert.ok(found.some((f) => f.rule === 'DL3006'));
});

const cliJs = path.resolve(__dirname, '../../../../engine/cli/bin.js');
const cli = (args: string[]) => spawnSync(process.execPath, [cliJs, ...args], { encoding: 'utf8', env: { ...process.env, HOME: tempDir() } });

test('layerwise lint --config uses the file, and its failure-threshold sets the exit status', () => {
  const dir = contextWith({ Dockerfile: 'FROM debian:12\nRUN cd /x\n', 'strict.yaml': 'failure-threshold: warning\n', 'lenient.yaml': 'failure-threshold: error\n', 'quiet.yaml': 'ignored: [DL3003, SC2164]\nfailure-threshold: warning\n' });
  fs.mkdirSync(path.join(dir, '.git'));
  const file = path.join(dir, 'Dockerfile');
  assert.equal(cli(['lint', '--config', path.join(dir, 'strict.yaml'), file]).status, 1);
  assert.equal(cli(['lint', '--config', path.join(dir, 'lenient.yaml'), file]).status, 0);
  assert.equal(cli(['lint', '--config', path.join(dir, 'lenient.yaml'), '--failure-threshold', 'warning', file]).status, 1, 'the flag wins');
  const quiet = cli(['lint', '--config', path.join(dir, 'quiet.yaml'), file]);
  assert.equal(quiet.status, 0);
  assert.doesNotMatch(quiet.stdout, /DL3003|SC2164/);
  const missing = cli(['lint', '--config', path.join(dir, 'nope.yaml'), file]);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /nope\.yaml/);
  fs.writeFileSync(path.join(dir, '.hadolint.yaml'), 'failure-threshold: error\n');
  assert.equal(cli(['lint', file]).status, 0, 'the found configuration sets it too');
});

test("hadolint's HADOLINT_* variables apply over the file, as in hadolint", async () => {
  const dir = contextWith({ Dockerfile: 'FROM debian:12\n', '.hadolint.yaml': 'ignored: [DL3007]\noverride:\n  info: [DL3008]\nfailure-threshold: error\ntrustedRegistries: [docker.io]\n' });
  fs.mkdirSync(path.join(dir, '.git'));
  const env = {
    HOME: tempDir(),
    HADOLINT_IGNORE: 'DL3059,SC2086',
    HADOLINT_OVERRIDE_ERROR: 'DL3008',
    HADOLINT_OVERRIDE_STYLE: 'DL3015',
    HADOLINT_ALLOWED_REGISTRIES: 'ghcr.io',
    HADOLINT_REQUIRE_LABELS: 'maintainer:email,version:semver,bad:kind',
    HADOLINT_STRICT_LABELS: 'yes',
    HADOLINT_FAILURE_THRESHOLD: 'warning',
  };
  const c = await loadLintConfig(path.join(dir, 'Dockerfile'), undefined, env);
  assert.deepEqual(c.options.ignored, ['DL3007', 'DL3059', 'SC2086']);
  assert.deepEqual(c.options.severities, { DL3008: 'error', DL3015: 'style' });
  assert.deepEqual(c.options.trustedRegistries, ['docker.io', 'ghcr.io']);
  assert.deepEqual(c.options.labelSchema, { maintainer: 'email', version: 'semver' });
  assert.equal(c.options.strictLabels, true);
  assert.equal(c.failureThreshold, 'warning');
  assert.equal((await loadLintConfig(path.join(dir, 'Dockerfile'), undefined, { ...env, HADOLINT_NOFAIL: '1' })).failureThreshold, 'none');
  const none = await loadLintConfig(path.join(tempDir(), 'Dockerfile'), undefined, { HOME: tempDir(), HADOLINT_IGNORE: 'DL3006' });
  assert.deepEqual(none.options.ignored, ['DL3006'], 'without a file too');
});
