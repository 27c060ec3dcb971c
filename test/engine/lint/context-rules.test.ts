import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContextIndex } from '../../../engine/context/context-index';
import { parseDockerfile } from '../../../engine/dockerfile/parser';
import { lint } from '../../../engine/lint/index';
import { lintFile } from '../../../engine/lint/lint-file';
import { contextWith } from '../../helpers/fixtures';
import { findingsOf } from '../../helpers/lint';
import { ensureDocker } from '../../helpers/tools';

const app = { 'package.json': '{}', 'package-lock.json': '{}', 'src/index.js': '', 'src/lib/util.js': '', 'README.md': '' };

test('LW4001: a missing source, with the closest name; globs that match nothing; present sources pass', () => {
  const [f] = findingsOf('LW4001', 'FROM node:22\nCOPY packge.json ./\n', { files: app });
  assert.equal(f.severity, 'error');
  assert.deepEqual(f.range, { start: { line: 1, character: 5 }, end: { line: 1, character: 16 } });
  assert.match(f.message, /Did you mean package\.json\?/);
  assert.equal(findingsOf('LW4001', 'FROM node:22\nCOPY *.lock ./\n', { files: app }).length, 1);
  assert.deepEqual(findingsOf('LW4001', 'FROM node:22\nCOPY package*.json ./\nCOPY src/ /app/src/\nCOPY --from=build /out /out\nADD https://example.com/x /x\n', { files: app }), []);
});

test('LW4002: sources .dockerignore excludes, with ! allow-lists read as Docker reads them', () => {
  const ignore = ['*', '!src', '!package.json'];
  const src = 'FROM node:22\nCOPY package.json package-lock.json ./\nCOPY src ./src\nCOPY README.md ./\n';
  const found = findingsOf('LW4002', src, { files: app, ignore });
  assert.deepEqual(found.map((f) => [f.range.start.line, f.range.start.character]), [[1, 18], [3, 5]]);
  assert.match(found[0].message, /no `!` exception in it brings it back/);
  assert.deepEqual(findingsOf('LW4002', src, { files: app, ignore: ['*.md', 'package-lock.json'] }).length, 2);
  assert.deepEqual(findingsOf('LW4002', 'FROM node:22\nCOPY src ./src\n', { files: app, ignore: ['src/lib', '*.md'] }), []);
  // An excluded folder, unless an exception keeps something inside; a folder emptied by patterns still exists.
  assert.equal(findingsOf('LW4002', 'FROM node:22\nCOPY src ./src\n', { files: app, ignore: ['src'] }).length, 1);
  assert.deepEqual(findingsOf('LW4002', 'FROM node:22\nCOPY src ./src\n', { files: app, ignore: ['src', '!src/lib/util.js'] }), []);
  assert.deepEqual(findingsOf('LW4002', 'FROM node:22\nCOPY src ./src\n', { files: app, ignore: ['src/**/*.js'] }), []);
});

test('LW4001/LW4002 agree with docker build on which COPYs fail', async (t) => {
  const skip = await ensureDocker();
  if (skip) return t.skip(skip);
  const cases: { dockerfile: string; ignore: string[] }[] = [
    { dockerfile: 'FROM scratch\nCOPY package.json /\n', ignore: ['*', '!src'] },
    { dockerfile: 'FROM scratch\nCOPY src/index.js /\n', ignore: ['*', '!src'] },
    { dockerfile: 'FROM scratch\nCOPY src /src\n', ignore: ['src/**/*.js'] },
    { dockerfile: 'FROM scratch\nCOPY README.md /\n', ignore: ['*.md', '!README.md'] },
    { dockerfile: 'FROM scratch\nCOPY src/lib/util.js /\n', ignore: ['src', '!src/lib'] },
    { dockerfile: 'FROM scratch\nCOPY src /src\n', ignore: ['src', '!src/lib/util.js'] },
    { dockerfile: 'FROM scratch\nCOPY src /src\n', ignore: ['src'] },
    { dockerfile: 'FROM scratch\nCOPY packge.json /\n', ignore: [] },
  ];
  for (const c of cases) {
    const dir = contextWith({ ...app, Dockerfile: c.dockerfile, '.dockerignore': c.ignore.join('\n') + '\n' });
    // The classic builder: this docker.io has no buildx; it filters the context with the same moby patternmatcher.
    const docker = spawnSync('docker', ['build', '-q', dir], { encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '0' } });
    const context = ContextIndex.withoutGit(dir).withDockerignore(c.ignore);
    const ours = lint({ dockerfile: parseDockerfile(c.dockerfile), context }).filter((f) => f.rule === 'LW4001' || f.rule === 'LW4002');
    assert.equal(ours.length > 0, docker.status !== 0, `${JSON.stringify(c)}: docker ${docker.status === 0 ? 'built it' : `failed: ${docker.stderr.slice(-300)}`}, we said ${JSON.stringify(ours.map((f) => f.message))}`);
    if (docker.status === 0) spawnSync('docker', ['rmi', docker.stdout.trim()], { stdio: 'ignore' });
  }
});

test('LW4003: secrets a broad COPY takes, not those .dockerignore excludes, not examples or public keys', () => {
  const files = { ...app, '.env': 'TOKEN=x', '.env.example': '', 'certs/server.pem': '', 'certs/ca.pub': '', '.npmrc': '//registry/:_authToken=x', '.git/HEAD': 'ref: x' };
  const [f] = findingsOf('LW4003', 'FROM node:22\nCOPY . .\n', { files });
  assert.equal(f.severity, 'warning');
  assert.deepEqual(f.range, { start: { line: 1, character: 5 }, end: { line: 1, character: 6 } });
  for (const s of ['.env', '.npmrc', '.git', 'certs/server.pem']) assert.ok(f.message.includes(s), `${s} in ${f.message}`);
  assert.ok(!f.message.includes('.env.example') && !f.message.includes('ca.pub'));
  assert.deepEqual(findingsOf('LW4003', 'FROM node:22\nCOPY . .\n', { files, ignore: ['.env', '.npmrc', '.git', '**/*.pem'] }), []);
  assert.deepEqual(findingsOf('LW4003', 'FROM node:22\nCOPY src/ ./src/\n', { files }), []);
});

test('LW4004: COPY . . before the dependency install; manifests copied first pass', () => {
  const [f] = findingsOf('LW4004', 'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n');
  assert.equal(f.range.start.line, 2);
  assert.match(f.message, /line 4.*Copy package\.json package-lock\.json first/);
  assert.equal(f.related[0].range.start.line, 3);
  assert.equal(findingsOf('LW4004', 'FROM python:3.13\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n').length, 1);
  assert.deepEqual(findingsOf('LW4004', 'FROM node:22\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n'), []);
  assert.deepEqual(findingsOf('LW4004', 'FROM node:22\nCOPY . .\nRUN make\n'), []);
});

test('the .dockerignore lintFile applies is the Dockerfile-specific one when present', async () => {
  const dir = contextWith({ ...app, '.dockerignore': '*.md\n', 'app.Dockerfile.dockerignore': 'src\n' });
  const file = path.join(dir, 'app.Dockerfile');
  fs.writeFileSync(file, 'FROM scratch\nCOPY README.md /\nCOPY src /src\n');
  const found = (await lintFile(file)).filter((f) => f.rule === 'LW4002');
  assert.deepEqual(found.map((f) => f.range.start.line), [2]);
});

test('without a build context (an unsaved buffer) the context rules stay silent', async () => {
  const text = 'FROM alpine:3.22\nCOPY missing.txt . \nCOPY . .\n';
  assert.deepEqual((await lintFile('/Dockerfile', { text, contextIndex: null })).filter((f) => f.rule.startsWith('LW4')), []);
  const dir = contextWith({ '.env': 'x' });
  const withContext = await lintFile(path.join(dir, 'Dockerfile'), { text });
  assert.deepEqual(withContext.filter((f) => f.rule.startsWith('LW4')).map((f) => f.rule).sort(), ['LW4001', 'LW4003']);
});
