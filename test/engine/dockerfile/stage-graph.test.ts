import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../engine/dockerfile/parser';
import { stageGraph, stagesNeeded, targetStage } from '../../../engine/dockerfile/stage-graph';
import type { Range } from '../../../engine/dockerfile/types';

function slice(source: string, r: Range): string {
  const lines = source.split('\n');
  if (r.start.line === r.end.line) return lines[r.start.line].slice(r.start.character, r.end.character);
  return [lines[r.start.line].slice(r.start.character), ...lines.slice(r.start.line + 1, r.end.line), lines[r.end.line].slice(0, r.end.character)].join('\n');
}

const SRC = [
  'FROM golang:1.22 AS Build', // 0
  'RUN go build -o /out/app ./...',
  'FROM alpine:3.20 AS certs', // 1
  'RUN apk add ca-certificates',
  'FROM scratch AS docs', // 2
  'COPY README.md /',
  'FROM build AS test', // 3
  'RUN --mount=type=cache,target=/root/.cache \\',
  '    --mount=type=bind,from=CERTS,source=/etc/ssl,target=/ssl go test ./...',
  'FROM scratch', // 4
  'COPY --from=BUILD /out/app /app',
  'COPY --from=1 /etc/ssl/certs /etc/ssl/certs',
  'COPY --from=nginx:1.27 /etc/nginx/mime.types /etc/',
  '',
].join('\n');

test('references: FROM, COPY --from and --mount from=, each with its exact range', () => {
  const df = parseDockerfile(SRC);
  const g = stageGraph(df);
  assert.deepEqual(g.problems, []);
  const refs = g.nodes.map((n) => n.references.map((r) => [r.kind, r.text, r.stage?.index ?? r.image, slice(SRC, r.range)]));
  assert.deepEqual(refs, [
    [['from', 'golang:1.22', 'golang:1.22', 'golang:1.22']],
    [['from', 'alpine:3.20', 'alpine:3.20', 'alpine:3.20']],
    [['from', 'scratch', 'scratch', 'scratch']],
    [
      ['from', 'build', 0, 'build'],
      ['mount-from', 'CERTS', 1, 'CERTS'],
    ],
    [
      ['from', 'scratch', 'scratch', 'scratch'],
      ['copy-from', 'BUILD', 0, 'BUILD'],
      ['copy-from', '1', 1, '1'],
      ['copy-from', 'nginx:1.27', 'nginx:1.27', 'nginx:1.27'],
    ],
  ]);
  assert.deepEqual(g.nodes[4].dependsOn.map((s) => s.index), [0, 1]);
  assert.deepEqual(g.nodes[3].dependsOn.map((s) => s.index), [0, 1]);
});

test('stagesNeeded: what a target needs, in dependency order', () => {
  const df = parseDockerfile(SRC);
  assert.deepEqual(stagesNeeded(df).map((s) => s.index), [0, 1, 4]);
  assert.deepEqual(stagesNeeded(df, 'test').map((s) => s.index), [0, 1, 3]);
  assert.deepEqual(stagesNeeded(df, 'DOCS').map((s) => s.index), [2]);
  assert.deepEqual(stagesNeeded(df, 'nope'), []);
  // A target is a name, never an index.
  assert.deepEqual(stagesNeeded(df, '0'), []);
  assert.equal(targetStage(df)?.index, 4);
});

test('FROM compares the expanded name with earlier stage names exactly; COPY --from ignores case', () => {
  const src = 'ARG BASE=builder\nFROM alpine AS Builder\nFROM ${BASE} AS a\nFROM Builder AS b\nFROM later AS c\nFROM alpine AS later\n';
  const g = stageGraph(parseDockerfile(src));
  const from = g.nodes.map((n) => n.references[0]);
  assert.equal(from[1].stage?.index, 0); // ${BASE} -> builder, via the global ARG
  assert.equal(from[2].stage, undefined); // "Builder" is an image name: stage names are lower-case
  assert.equal(from[2].image, 'Builder');
  assert.equal(from[3].stage, undefined); // a later stage is not a base
  assert.equal(from[3].image, 'later');
  // A build-arg changes what the FROM refers to.
  const other = stageGraph(parseDockerfile(src), { buildArgs: { BASE: 'debian' } });
  assert.equal(other.nodes[1].references[0].image, 'debian');
});

test('indexes: integers (Go Atoi) are stage indexes for COPY, names for --mount', () => {
  const src = 'FROM alpine AS one\nFROM alpine\nCOPY --from=+0 /a /a\nCOPY --from=00 /a /a\nRUN --mount=from=0,target=/x true\nCOPY --from=7 /a /a\nCOPY --from=99999999999999999999 /a /a\n';
  const g = stageGraph(parseDockerfile(src));
  const refs = g.nodes[1].references.slice(1).map((r) => [r.kind, r.stage?.index, r.image]);
  assert.deepEqual(refs, [
    ['copy-from', 0, undefined],
    ['copy-from', 0, undefined],
    ['mount-from', undefined, '0'],
    ['copy-from', undefined, undefined],
    ['copy-from', undefined, '99999999999999999999'], // out of int range: a name, so an image
  ]);
  assert.deepEqual(g.problems.map((p) => p.message), ['invalid stage index 7']);
});

test('a stage may only copy from an earlier stage, and cycles are errors', () => {
  const later = stageGraph(parseDockerfile('FROM alpine AS a\nCOPY --from=b /x /x\nFROM alpine AS b\n'));
  assert.deepEqual(later.problems.map((p) => p.message), ['cannot copy from stage "b", it needs to be defined before current stage "a"']);
  const self = stageGraph(parseDockerfile('FROM alpine AS a\nRUN true\nFROM alpine AS b\nCOPY --from=b /x /x\n'));
  assert.ok(self.problems.some((p) => p.message === 'circular dependency detected on stage: b'));
  const add = stageGraph(parseDockerfile('FROM alpine AS a\nFROM alpine\nADD --from=a /x /x\n'));
  assert.deepEqual(add.problems.map((p) => p.message), ['unknown flag: from']);
  assert.deepEqual(add.nodes[1].dependsOn, []);
  const loop = parseDockerfile('FROM alpine AS a\nCOPY --from=b /x /x\nFROM alpine AS b\nCOPY --from=a /y /y\n');
  assert.ok(stageGraph(loop).problems.some((p) => /circular dependency detected on stage: a/.test(p.message)));
});

test('mount from= is found in any CSV field, quoted or not, across continuation lines', () => {
  const src = 'FROM alpine AS deps\nFROM alpine\nRUN --mount="type=bind,source=/x,from=deps" \\\n  --mount=type=secret,id=t true\n';
  const g = stageGraph(parseDockerfile(src));
  const [ref] = g.nodes[1].references.filter((r) => r.kind === 'mount-from');
  assert.equal(ref.stage?.index, 0);
  assert.equal(slice(src, ref.range), 'deps');
  // Variables are not expanded in from= (BuildKit refuses them).
  const v = stageGraph(parseDockerfile('FROM alpine AS deps\nFROM alpine\nRUN --mount=from=$X true\n'));
  assert.equal(v.nodes[1].references[1].image, '$X');
});
