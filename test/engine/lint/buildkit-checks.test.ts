import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContextIndex } from '../../../engine/context/context-index';
import { parseDockerfile } from '../../../engine/dockerfile/parser';
import { lint } from '../../../engine/lint/index';
import { BUILDKIT_CHECKS } from '../../../engine/lint/rules/buildkit/index';
import type { BaseImageFacts, Finding } from '../../../engine/lint/types';
import { contextWith } from '../../helpers/fixtures';

const run = (src: string, extra: { context?: ContextIndex; bases?: Map<string, BaseImageFacts> } = {}): Finding[] => lint({ dockerfile: parseDockerfile(src), options: { foldEquivalents: false }, ...extra });
const of = (rule: string, findings: Finding[]) => findings.filter((f) => f.rule === rule);

// Each case: a Dockerfile BuildKit warns on, the message BuildKit's linter formats for it
// (frontend/dockerfile/linter/ruleset.go), the 0-based line, and a close variant it accepts.
const CASES: { rule: string; bad: string; message: string; line: number; good: string }[] = [
  { rule: 'StageNameCasing', bad: 'FROM alpine AS BuilderBase\n', message: "Stage name 'BuilderBase' should be lowercase", line: 0, good: 'FROM alpine AS builder-base\n' },
  { rule: 'FromAsCasing', bad: 'FROM alpine as builder\n', message: "'as' and 'FROM' keywords' casing do not match", line: 0, good: 'from alpine as builder\n' },
  { rule: 'NoEmptyContinuation', bad: 'FROM alpine\nRUN apk add \\\n\n    curl\n', message: 'Empty continuation line', line: 1, good: 'FROM alpine\nRUN apk add \\\n    curl\n' },
  {
    rule: 'ConsistentInstructionCasing',
    bad: 'FROM alpine\nRUN echo a\nrun echo b\n',
    message: "Command 'run' should match the case of the command majority (uppercase)",
    line: 2,
    good: 'from alpine\nrun echo a\nrun echo b\n',
  },
  { rule: 'DuplicateStageName', bad: 'FROM alpine AS b\nFROM alpine AS B\n', message: 'Duplicate stage name "b", stage names should be unique', line: 1, good: 'FROM alpine AS a\nFROM alpine AS b\n' },
  { rule: 'ReservedStageName', bad: 'FROM alpine AS context\n', message: 'Stage name should not use the same name as reserved stage "context"', line: 0, good: 'FROM alpine AS ctx\n' },
  {
    rule: 'JSONArgsRecommended',
    bad: 'FROM alpine\nENTRYPOINT my-app start\n',
    message: 'JSON arguments recommended for ENTRYPOINT to prevent unintended behavior related to OS signals',
    line: 1,
    good: 'FROM alpine\nSHELL ["/bin/ash", "-c"]\nENTRYPOINT my-app start\n',
  },
  { rule: 'MaintainerDeprecated', bad: 'FROM alpine\nMAINTAINER me <me@example.com>\n', message: 'Maintainer instruction is deprecated in favor of using label', line: 1, good: 'FROM alpine\nLABEL org.opencontainers.image.authors="me"\n' },
  { rule: 'UndefinedArgInFrom', bad: 'FROM node:$VERSON\n', message: "FROM argument 'VERSON' is not declared", line: 0, good: 'ARG VERSION=20\nFROM node:$VERSION\n' },
  {
    rule: 'WorkdirRelativePath',
    bad: 'FROM alpine\nWORKDIR app\n',
    message: 'Relative workdir "app" can have unexpected results if the base image changes',
    line: 1,
    good: 'FROM alpine AS base\nWORKDIR /srv\nFROM base\nWORKDIR app\n',
  },
  { rule: 'UndefinedVar', bad: 'FROM alpine\nENV PATH=$PATH:$HOME/bin\n', message: "Usage of undefined variable '$HOME'", line: 1, good: 'FROM alpine\nARG HOME\nENV PATH=$PATH:$HOME/bin\n' },
  {
    rule: 'MultipleInstructionsDisallowed',
    bad: 'FROM alpine\nCMD ["a"]\nCMD ["b"]\n',
    message: 'Multiple CMD instructions should not be used in the same stage because only the last one will be used',
    line: 1,
    good: 'FROM alpine AS a\nCMD ["a"]\nFROM a\nCMD ["b"]\n',
  },
  { rule: 'LegacyKeyValueFormat', bad: 'FROM alpine\nENV DEBUG 1\n', message: '"ENV key=value" should be used instead of legacy "ENV key value" format', line: 1, good: 'FROM alpine\nENV DEBUG=1\n' },
  {
    rule: 'RedundantTargetPlatform',
    bad: 'FROM --platform=$TARGETPLATFORM alpine\n',
    message: 'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior',
    line: 0,
    good: 'FROM --platform=$BUILDPLATFORM alpine\n',
  },
  { rule: 'SecretsUsedInArgOrEnv', bad: 'FROM alpine\nARG GITHUB_TOKEN\n', message: 'Do not use ARG or ENV instructions for sensitive data (ARG "GITHUB_TOKEN")', line: 1, good: 'FROM alpine\nARG PUBLIC_KEY\nENV KEY_FILE=/run/k\n' },
  {
    rule: 'InvalidDefaultArgInFrom',
    bad: 'ARG TAG\nFROM busybox:${TAG}\n',
    message: 'Default value for ARG busybox:${TAG} results in empty or invalid base image name',
    line: 1,
    good: 'ARG TAG=latest\nFROM busybox:${TAG}\n',
  },
  { rule: 'FromPlatformFlagConstDisallowed', bad: 'FROM --platform=linux/amd64 alpine AS build\n', message: 'FROM --platform flag should not use constant value "linux/amd64"', line: 0, good: 'FROM --platform=linux/amd64 alpine AS build_amd64\n' },
  { rule: 'ExposeProtoCasing', bad: 'FROM alpine\nEXPOSE 80/TcP\n', message: "Defined protocol '80/TcP' in EXPOSE instruction should be lowercase", line: 1, good: 'FROM alpine\nEXPOSE 80/tcp 53/udp\n' },
  {
    rule: 'ExposeInvalidFormat',
    bad: 'FROM alpine\nEXPOSE 127.0.0.1:80:80\n',
    message: "EXPOSE instruction should not define an IP address or host-port mapping, found '127.0.0.1:80:80'",
    line: 1,
    good: 'FROM alpine\nEXPOSE 80 ${PORT:-8080}\n',
  },
];

for (const c of CASES) {
  test(`${c.rule}: BuildKit's message on the right line, silent on the fixed file`, () => {
    const found = of(c.rule, run(c.bad));
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0].message, c.message);
    assert.equal(found[0].range.start.line, c.line);
    assert.equal(found[0].severity, 'warning');
    assert.deepEqual(of(c.rule, run(c.good)), []);
  });
}

test('every one of the 22 build checks is in the catalog, with Docker docs slugs as names', () => {
  assert.equal(BUILDKIT_CHECKS.length, 22);
  const names = BUILDKIT_CHECKS.map((r) => r.id);
  for (const n of ['CopyIgnoredFile', 'InvalidDefinitionDescription', 'InvalidBaseImagePlatform']) assert.ok(names.includes(n));
  assert.equal(BUILDKIT_CHECKS.find((r) => r.id === 'JSONArgsRecommended')!.name, 'json-args-recommended');
  assert.equal(BUILDKIT_CHECKS.find((r) => r.id === 'FromAsCasing')!.name, 'from-as-casing');
});

test('exact ranges and fixes: the stage name, the AS word, the protocol', () => {
  const [casing] = of('StageNameCasing', run('FROM alpine AS BuilderBase\n'));
  assert.deepEqual(casing.range, { start: { line: 0, character: 15 }, end: { line: 0, character: 26 } });
  assert.equal(casing.fixes[0].edits[0].newText, 'builderbase');
  const [as] = of('FromAsCasing', run('from alpine AS b\n'));
  assert.equal(as.fixes[0].edits[0].newText, 'as');
  const [json] = of('JSONArgsRecommended', run('FROM alpine\nCMD node server.js --port=80\n'));
  assert.equal(json.fixes[0].edits[0].newText, '["node", "server.js", "--port=80"]');
  assert.deepEqual(of('JSONArgsRecommended', run('FROM alpine\nCMD node a.js | tee log\n'))[0].fixes, []);
});

test('UndefinedVar suggests a close name and ignores ${X:-default}', () => {
  const [f] = of('UndefinedVar', run('FROM alpine\nENV FOO=1\nCOPY $FOOO /x\n'));
  assert.equal(f.message, "Usage of undefined variable '$FOOO' (did you mean $FOO?)");
  assert.deepEqual(of('UndefinedVar', run('FROM alpine\nWORKDIR ${APP:-/app}\n')), []);
  assert.deepEqual(of('UndefinedVar', run('FROM alpine\nRUN echo $NOT_EXPANDED_BY_BUILDKIT\n')), []);
});

test('check=error=true turns build checks into errors; LW rules keep their severity', () => {
  const findings = lint({ dockerfile: parseDockerfile('# check=error=true\nFROM scratch AS Bad\nRUN a\nRUN b\n'), options: { layerCountThreshold: 1 } });
  assert.equal(of('StageNameCasing', findings)[0].severity, 'error');
  assert.equal(of('LW1001', findings)[0].severity, 'warning');
});

test('check=skip names checks; a per-instruction # check=skip= comment silences one instruction', () => {
  assert.deepEqual(of('StageNameCasing', run('# check=skip=StageNameCasing\nFROM alpine AS Bad\n')), []);
  assert.deepEqual(of('StageNameCasing', run('# check=skip=stage-name-casing\nFROM alpine AS Bad\n')), []);
  const src = 'FROM alpine\n# check=skip=JSONArgsRecommended\nCMD a b\nENTRYPOINT c d\n';
  const left = of('JSONArgsRecommended', run(src));
  assert.deepEqual(left.map((f) => f.range.start.line), [3]);
  assert.deepEqual(of('JSONArgsRecommended', run('FROM alpine\n# check=skip=all\nCMD a b\n')), []);
  // BuildKit cuts the value at its first space: only "A," is skipped in `skip=A, B`.
  assert.equal(of('JSONArgsRecommended', run('# check=skip=StageNameCasing, JSONArgsRecommended\nFROM alpine\nCMD a b\n')).length, 1);
});

test('experimental checks run only when the check directive asks for them', () => {
  const src = 'FROM alpine\n# the app\nARG VERSION\n';
  assert.deepEqual(of('InvalidDefinitionDescription', run(src)), []);
  const [f] = of('InvalidDefinitionDescription', run(`# check=experimental=InvalidDefinitionDescription\n${src}`));
  assert.equal(f.message, 'Comment for ARG should follow the format: `# VERSION <description>`');
  assert.deepEqual(of('InvalidDefinitionDescription', run(`# check=experimental=all\nFROM alpine\n# VERSION of the app\nARG VERSION\n`)), []);
});

test('CopyIgnoredFile: a source .dockerignore excludes, unless the patterns have exceptions (as BuildKit)', () => {
  const dir = contextWith({ 'app.js': '', 'secret.env': '' });
  const ctx = (patterns: string[]) => ContextIndex.withoutGit(dir).withDockerignore(patterns);
  const src = '# check=experimental=CopyIgnoredFile\nFROM alpine\nCOPY app.js secret.env /app/\nADD ./secret.env /x\n';
  const found = of('CopyIgnoredFile', run(src, { context: ctx(['*.env']) }));
  assert.deepEqual(found.map((f) => f.message), ['Attempting to Copy file "secret.env" that is excluded by .dockerignore', 'Attempting to Add file "secret.env" that is excluded by .dockerignore']);
  assert.deepEqual(of('CopyIgnoredFile', run(src, { context: ctx(['*.env', '!app.js']) })), []);
  assert.deepEqual(of('CopyIgnoredFile', run(src, { context: ctx(['*.md']) })), []);
});

test('InvalidBaseImagePlatform: a store image of another architecture than the stage builds for', () => {
  const fact = (architecture: string): BaseImageFacts => ({ ref: 'docker.io/library/alpine:3', source: 'store', label: 'alpine:3', platform: { os: 'linux', architecture }, has: () => undefined });
  const src = 'FROM --platform=linux/arm64 alpine:3 AS build_arm64\n';
  const [f] = of('InvalidBaseImagePlatform', run(src, { bases: new Map([['alpine:3', fact('amd64')]]) }));
  assert.equal(f.message, 'Base image alpine:3 was pulled with platform "linux/amd64", expected "linux/arm64" for current build');
  assert.deepEqual(of('InvalidBaseImagePlatform', run(src, { bases: new Map([['alpine:3', fact('arm64')]]) })), []);
});

test('a # check= directive BuildKit cannot read is a syntax error (docker build fails), never silenced', () => {
  const [f] = of('LW0001', run('# check=skip=all;foo=bar\nFROM alpine:3.22\n'));
  assert.equal(f.message, 'failed to parse check options: invalid check option "foo"');
  assert.deepEqual(f.range, { start: { line: 0, character: 8 }, end: { line: 0, character: 24 } });
  assert.match(of('LW0001', run('# check=error=maybe\nFROM alpine:3.22\n'))[0].message, /strconv\.ParseBool: parsing "maybe": invalid syntax/);
  assert.deepEqual(of('LW0001', run('# check=skip=all;error=true\nFROM alpine:3.22\n')), []);
});
