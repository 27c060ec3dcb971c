import { test } from 'node:test';
import assert from 'node:assert/strict';
import { historyKeyword, mapHistory, matchDockerfile, readableInstruction } from '../../../engine/analyze/history';
import type { ImageConfig } from '../../../engine/image/oci';
import { parseDockerfile } from '../../../engine/dockerfile/parser';

const config = (history: { created_by: string; empty_layer?: boolean }[]): ImageConfig => ({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] }, history });

test('created_by as people read it, and its keyword, for BuildKit and the legacy builder', () => {
  assert.equal(readableInstruction('/bin/sh -c #(nop)  CMD ["sh"]'), 'CMD ["sh"]');
  assert.equal(readableInstruction('/bin/sh -c apk add curl'), 'RUN apk add curl');
  assert.equal(readableInstruction('|2 A=1 B=x /bin/sh -c make'), 'RUN make');
  assert.equal(readableInstruction('COPY app /app # buildkit'), 'COPY app /app');
  assert.deepEqual(historyKeyword('RUN |1 V=2 /bin/sh -c make all # buildkit'), { keyword: 'RUN', text: 'make all' });
  assert.deepEqual(historyKeyword('/bin/sh -c #(nop) ADD file:5b2b6 in / '), { keyword: 'ADD', text: 'file:5b2b6 in /' });
  assert.deepEqual(historyKeyword('/bin/sh -c #(nop) WORKDIR /srv'), { keyword: 'WORKDIR', text: '/srv' });
  assert.deepEqual(historyKeyword('bazel build //x'), { keyword: '', text: 'bazel build //x' });
});

test('history entries map to layers through empty_layer', () => {
  const steps = mapHistory(config([{ created_by: 'ADD a /' }, { created_by: 'ENV A=1', empty_layer: true }, { created_by: 'RUN x' }, { created_by: 'RUN y' }]), 2);
  assert.deepEqual(steps.map((s) => s.layer), [0, undefined, 1, undefined]);
});

test('a Dockerfile matched to a foreign image\'s history: its lines, and the base before them', () => {
  const df = parseDockerfile([
    'ARG V=2',
    'FROM alpine:3.19 AS build',
    'RUN apk add --no-cache make',
    'COPY . /src',
    'RUN make -C /src',
    '',
    'FROM build',
    'WORKDIR /srv',
    'ENV MODE=prod',
    'RUN cp /src/out /srv/app && rm -rf /src',
    'CMD ["/srv/app"]',
  ].join('\n'));
  const history = mapHistory(config([
    { created_by: '/bin/sh -c #(nop) ADD file:9a1 in / ' },
    { created_by: '/bin/sh -c #(nop)  CMD ["/bin/sh"]', empty_layer: true },
    { created_by: 'RUN /bin/sh -c apk add --no-cache make # buildkit' },
    { created_by: 'COPY . /src # buildkit' },
    { created_by: 'RUN /bin/sh -c make -C /src # buildkit' },
    { created_by: 'WORKDIR /srv', empty_layer: false },
    { created_by: 'ENV MODE=prod', empty_layer: true },
    { created_by: 'RUN |1 V=2 /bin/sh -c cp /src/out /srv/app && rm -rf /src # buildkit' },
    { created_by: 'CMD ["/srv/app"]', empty_layer: true },
  ]), 6);
  const m = matchDockerfile(history, df);
  assert.deepEqual([...m.ranges].map(([h, r]) => [h, r.start.line]), [[8, 10], [7, 9], [6, 8], [5, 7], [4, 4], [3, 3], [2, 2]]);
  assert.equal(m.firstHistory, 2);
  assert.deepEqual([m.matched, m.instructions], [7, 7]);
  // A Dockerfile that does not fit leaves entries unmatched rather than forcing them.
  const other = matchDockerfile(history, parseDockerfile('FROM x\nEXPOSE 80\n'));
  assert.equal(other.matched, 0);
});
