import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../engine/dockerfile/parser';
import { applyEdits, findingsOf } from '../../helpers/lint';

test('LW5001: added in one layer, deleted in a later one, on the rm operand, with where it was added', () => {
  const src = 'FROM debian:bookworm-slim\nWORKDIR /tmp\nCOPY app.tar.gz ./\nRUN tar xzf app.tar.gz -C /opt\nRUN rm -f /tmp/app.tar.gz\n';
  const [f] = findingsOf('LW5001', src);
  assert.deepEqual(f.range, { start: { line: 4, character: 10 }, end: { line: 4, character: 25 } });
  assert.equal(f.related[0].range.start.line, 2);
  assert.equal(findingsOf('LW5001', 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n').length, 1);
  assert.equal(findingsOf('LW5001', 'FROM alpine:3.22\nRUN wget -O /tmp/x.zip https://example.com/x.zip\nRUN unzip /tmp/x.zip && rm /tmp/x.zip\n').length, 1);
});

test('LW5001: no finding when the same RUN removes it, or in a build stage the final image does not use', () => {
  assert.deepEqual(findingsOf('LW5001', 'FROM alpine:3.22\nRUN wget -O /tmp/x.zip https://e/x.zip && unzip /tmp/x.zip && rm /tmp/x.zip\n'), []);
  assert.deepEqual(findingsOf('LW5001', 'FROM alpine:3.22 AS build\nCOPY x.tgz /tmp/\nRUN rm /tmp/x.tgz\nFROM alpine:3.22\nCOPY --from=build /opt /opt\n'), []);
  assert.deepEqual(findingsOf('LW5001', 'FROM alpine:3.22\nCOPY a /app/a\nRUN rm -rf /app/b\n'), []);
});

test('LW5002: package caches left in the final image, each with a fix that leaves no finding', () => {
  const cases = [
    'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n',
    'FROM alpine:3.22\nRUN apk add curl\n',
    'FROM python:3.13-slim\nRUN pip install -r requirements.txt\n',
    'FROM fedora:41\nRUN dnf install -y git\n',
    'FROM node:22-slim\nRUN npm ci\n',
  ];
  for (const src of cases) {
    const [f] = findingsOf('LW5002', src);
    assert.ok(f, src);
    assert.equal(f.range.start.line, 1);
    const fixed = applyEdits(src, f.fixes[0].edits);
    assert.deepEqual(parseDockerfile(fixed).errors, []);
    assert.deepEqual(findingsOf('LW5002', fixed), [], fixed);
  }
  assert.equal(applyEdits(cases[1], findingsOf('LW5002', cases[1])[0].fixes[0].edits).split('\n')[1], 'RUN apk add --no-cache curl');
});

test('LW5002: no finding with a cache mount, PIP_NO_CACHE_DIR, a cleanup in the same RUN, or in a build stage', () => {
  assert.deepEqual(findingsOf('LW5002', 'FROM debian:bookworm\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y x\n'), []);
  assert.deepEqual(findingsOf('LW5002', 'FROM python:3.13\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n'), []);
  assert.deepEqual(findingsOf('LW5002', 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*\n'), []);
  assert.deepEqual(findingsOf('LW5002', 'FROM alpine:3.22 AS build\nRUN apk add gcc\nFROM scratch\nCOPY --from=build /x /x\n'), []);
});
