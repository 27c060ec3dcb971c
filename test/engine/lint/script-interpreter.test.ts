import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContextIndex } from '../../../engine/context/context-index';
import { parseDockerfile } from '../../../engine/dockerfile/parser';
import { baseFacts } from '../../../engine/lint/base-facts';
import { lint } from '../../../engine/lint/index';
import type { Finding } from '../../../engine/lint/types';
import { Store } from '../../../engine/image/store';
import { busyboxBinary, makeBusyboxImage } from '../../helpers/busybox';
import { contextWith, tempDir } from '../../helpers/fixtures';

async function run(dockerfile: string, files: Record<string, string | [string, number]>, store?: Store): Promise<Finding[]> {
  const df = parseDockerfile(dockerfile);
  const findings = lint({ dockerfile: df, context: ContextIndex.withoutGit(contextWith(files)), bases: await baseFacts(df, store) });
  return findings.filter((f) => f.rule >= 'LW2002' && f.rule <= 'LW2004');
}

const BASH = ['#!/bin/bash\necho hi\n', 0o755] as [string, number];

test('LW2002: #!/bin/bash on busybox, alpine, scratch and distroless; fine on debian', async () => {
  for (const base of ['busybox', 'alpine:3.20', 'scratch', 'gcr.io/distroless/static-debian12']) {
    const f = await run(`FROM ${base}\nCOPY run.sh /\nENTRYPOINT ["/run.sh"]\n`, { 'run.sh': BASH });
    assert.equal(f.length, 1, base);
    assert.equal(f[0].rule, 'LW2002');
    assert.match(f[0].message, /no \/bin\/bash: ENTRYPOINT fails with exec \/run\.sh: no such file or directory/);
  }
  assert.deepEqual(await run('FROM debian:12\nCOPY run.sh /\nENTRYPOINT ["/run.sh"]\n', { 'run.sh': BASH }), []);
  assert.deepEqual(await run('FROM busybox\nCOPY run.sh /\nENTRYPOINT ["/run.sh"]\n', { 'run.sh': ['#!/bin/sh\n', 0o755] }), []);
  assert.deepEqual(await run('FROM alpine\nRUN apk add --no-cache bash\nCOPY run.sh /\nENTRYPOINT ["/run.sh"]\n', { 'run.sh': BASH }), []);
  assert.deepEqual(await run('FROM unknown/image\nCOPY run.sh /\nENTRYPOINT ["/run.sh"]\n', { 'run.sh': BASH }), []);
  const env = await run('FROM alpine\nCOPY run.py /\nCMD ["/run.py"]\n', { 'run.py': ['#!/usr/bin/env python3\n', 0o755] });
  assert.match(env[0].message, /no python3/);
});

test('LW2002 is exact when the base is in the store (a stage chain is followed)', async (t) => {
  if (!busyboxBinary()) return t.skip('busybox-static is not installed');
  const store = await Store.open(tempDir());
  await makeBusyboxImage(store, 'mybox:1');
  const f = await run('FROM mybox:1 AS base\nFROM base\nCOPY run.sh /\nCMD ["/run.sh"]\n', { 'run.sh': BASH }, store);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /mybox:1 has no \/bin\/bash/);
  assert.deepEqual(await run('FROM mybox:1\nCOPY run.sh /\nCMD ["/run.sh"]\n', { 'run.sh': ['#!/bin/sh\n', 0o755] }, store), []);
});

test('LW2003 CRLF shebang and LW2004 missing shebang (exec form only)', async () => {
  const crlf = await run('FROM debian\nCOPY run.sh /\nENTRYPOINT ["/run.sh"]\n', { 'run.sh': ['#!/bin/sh\r\necho hi\r\n', 0o755] });
  assert.deepEqual(crlf.map((f) => f.rule), ['LW2003']);
  const none = await run('FROM debian\nCOPY run.sh /\nENTRYPOINT ["/run.sh"]\n', { 'run.sh': ['echo no shebang\n', 0o755] });
  assert.deepEqual(none.map((f) => f.rule), ['LW2004']);
  // The shell runs a shebang-less script itself: shell form is fine.
  assert.deepEqual(await run('FROM debian\nCOPY run.sh /\nCMD /run.sh\n', { 'run.sh': ['echo no shebang\n', 0o755] }), []);
});
