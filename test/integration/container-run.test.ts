/**
 * `layerwise run` on real images in the real sandbox: the Docker layers tutorial's example
 * (busybox from Debian's busybox-static, while.sh greeting every second) stopped after 3 s, then
 * Ctrl-C through the CLI, the image unchanged each time; and the start failures Docker reports,
 * explained before anything runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from '../../engine/build/builder';
import { StartError } from '../../engine/container/preflight';
import { runContainer } from '../../engine/container/run-container';
import { verifyStore } from '../../engine/image/store-maintenance';
import { Store } from '../../engine/image/store';
import { makeBusyboxImage, runSkipReason } from '../helpers/busybox';
import { contextWith, tempDir } from '../helpers/fixtures';
import { example, projectRoot } from '../helpers/paths';

const TUTORIAL = path.join(projectRoot(), 'test', 'integration', 'equivalence', '15-tutorial');
const GREETING = /^hello world,sanchuang (\d+)$/;

async function tutorialStore(): Promise<Store> {
  const store = await Store.open(tempDir());
  await makeBusyboxImage(store, 'busybox:latest');
  // The tutorial's fixed version: while.sh executable (the checkout may not keep the bit).
  const ctx = tempDir();
  fs.cpSync(TUTORIAL, ctx, { recursive: true });
  fs.chmodSync(path.join(ctx, 'while.sh'), 0o755);
  await build({ context: ctx, store, tag: 'tutorial:1', buildArgs: { BASE: 'busybox:latest' }, sourceDateEpoch: 1700000000 });
  return store;
}

/** The greeting lines, checked to count 1, 2, 3... with nothing else printed. */
function greetings(output: string): number[] {
  const lines = output.split('\n').filter(Boolean);
  const numbers = lines.map((l) => Number(GREETING.exec(l)?.[1]));
  assert.ok(numbers.every((n) => Number.isInteger(n)), `unexpected output:\n${output}`);
  assert.deepEqual(numbers, numbers.map((_, i) => i + 1));
  return numbers;
}

test('the tutorial image runs until the 3 s timeout: greetings 1, 2, 3 (give or take one), no change, the image unchanged', async (t) => {
  const skip = runSkipReason();
  if (skip) return t.skip(skip);
  const store = await tutorialStore();
  const before = (await store.resolve('tutorial:1')).descriptor.digest;
  let out = '';
  const started = Date.now();
  const { run } = await runContainer({ store, image: 'tutorial:1', timeoutMs: 3000, onOutput: (text) => (out += text) });
  const elapsed = Date.now() - started;
  assert.deepEqual([run.stopped, run.exitCode, run.command, run.network], ['timeout', 137, ['/while.sh'], 'none']);
  // One line a second from t=0: three in 3 s; a loaded machine may start late or stop late by one.
  const n = greetings(out).length;
  assert.ok(n >= 2 && n <= 4, `${n} greetings in 3 s:\n${out}`);
  assert.ok(elapsed >= 3000 && elapsed < 20_000, `took ${elapsed} ms`);
  assert.deepEqual(run.changes, []);
  assert.equal((await store.resolve('tutorial:1')).descriptor.digest, before);
  assert.deepEqual(run.imageAfter, { digest: before, unchanged: true, problems: [] });
  assert.deepEqual((await verifyStore(store)).problems, []);
  // The scratch root is gone: nothing of the container is left in the store.
  assert.deepEqual(fs.readdirSync(path.join(store.dir, 'layerwise', 'work')), []);
});

test('Ctrl-C stops the container run by the CLI: exit 130, the greetings so far, the changes, the image unchanged', async (t) => {
  const skip = runSkipReason();
  if (skip) return t.skip(skip);
  const store = await tutorialStore();
  const before = (await store.resolve('tutorial:1')).descriptor.digest;
  const child = spawn(process.execPath, [path.join(projectRoot(), 'out', 'engine', 'cli', 'bin.js'), 'run', '--store', store.dir, 'tutorial:1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  let interrupted = false;
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!interrupted && out.includes('sanchuang 2\n')) interrupted = child.kill('SIGINT');
    });
    child.on('close', resolve);
  });
  assert.equal(code, 130, err);
  const [head, ...rest] = out.split('\n\n');
  assert.match(head, /^running \["\/while\.sh"\] in tutorial:1 \(network none\)\n/);
  greetings(head.split('\n').slice(1).join('\n'));
  const report = rest.join('\n\n');
  assert.match(report, /^stopped \(interrupted\): killed, exit code 137$/m);
  assert.match(report, /none: the container changed no file/);
  assert.match(report, new RegExp(`image tutorial:1 unchanged: ${before}`));
  assert.equal((await store.resolve('tutorial:1')).descriptor.digest, before);
});

test('start failures are explained before anything runs, in Docker\'s words, with docker run\'s exit status', async (t) => {
  const skip = runSkipReason();
  if (skip) return t.skip(skip);
  const store = await Store.open(tempDir());
  await makeBusyboxImage(store, 'busybox:latest');
  // The README's example as it is: while.sh without the execute bit, on scratch.
  await build({ context: example('hello'), store, tag: 'hello:1' });
  const bashScript = '#!/bin/bash\necho hi\n';
  await build({ context: contextWith({ Dockerfile: 'FROM scratch\nCOPY while.sh /\nENTRYPOINT ["/while.sh"]\n', 'while.sh': [bashScript, 0o755] }), store, tag: 'bash-on-scratch:1' });
  await build({ context: contextWith({ Dockerfile: 'FROM busybox:latest\nCOPY while.sh /\nENTRYPOINT ["/while.sh"]\n', 'while.sh': [bashScript, 0o755] }), store, tag: 'bash-on-busybox:1' });
  await build({ context: contextWith({ Dockerfile: 'FROM busybox:latest\nCOPY run.sh /\nCMD ["/run.sh"]\n', 'run.sh': ['echo no shebang\n', 0o755] }), store, tag: 'no-shebang:1' });
  await build({ context: contextWith({ Dockerfile: 'FROM busybox:latest\nCOPY crlf.sh /\nCMD ["/crlf.sh"]\n', 'crlf.sh': ['#!/bin/sh\r\necho hi\r\n', 0o755] }), store, tag: 'crlf:1' });
  const cases: [string, Parameters<typeof runContainer>[0] extends infer O ? Partial<O> : never, RegExp, number][] = [
    ['hello:1', {}, /^exec: "\/while\.sh": permission denied: \/while\.sh has mode 0644/, 126],
    ['bash-on-scratch:1', {}, /^exec \/while\.sh: no such file or directory: its #! line names \/bin\/bash, which is not in the image/, 127],
    ['bash-on-busybox:1', {}, /^exec \/while\.sh: no such file or directory: its #! line names \/bin\/bash/, 127],
    ['no-shebang:1', {}, /^exec \/run\.sh: exec format error/, 126],
    ['crlf:1', {}, /^exec \/crlf\.sh: no such file or directory: its #! line names "\/bin\/sh\\r"/, 127],
    ['busybox:latest', { entrypoint: '/nope' }, /^exec: "\/nope": stat \/nope: no such file or directory$/, 127],
    ['busybox:latest', { command: ['nosuch'] }, /^exec: "nosuch": executable file not found in \$PATH/, 127],
  ];
  for (const [image, overrides, message, status] of cases) {
    let started = false;
    const error = await runContainer({ store, image, ...overrides, onStart: () => (started = true) }).then(
      () => assert.fail(`${image} started`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof StartError, `${image}: ${error}`);
    assert.match(error.message, message, image);
    assert.equal(error.exitStatus, status, image);
    assert.equal(started, false, `${image}: the process was started`);
  }
  // A program the image has, found on $PATH and run with the image's CMD replaced.
  let out = '';
  const { run } = await runContainer({ store, image: 'busybox:latest', command: ['echo', 'fine'], onOutput: (text) => (out += text) });
  assert.deepEqual([run.exitCode, out], [0, 'fine\n']);
});

test('VOLUME paths are mounted apart, as Docker does: what the container writes there is not in its writable layer', async (t) => {
  const skip = runSkipReason();
  if (skip) return t.skip(skip);
  const store = await Store.open(tempDir());
  await makeBusyboxImage(store, 'busybox:latest');
  await build({ context: contextWith({ Dockerfile: 'FROM busybox:latest\nCOPY a /data/a\nVOLUME /data\n', a: 'seed\n' }), store, tag: 'vol:1' });
  let out = '';
  const { run } = await runContainer({ store, image: 'vol:1', command: ['sh', '-c', 'cat /data/a; echo more >> /data/a; echo outside > /outside'], onOutput: (text) => (out += text) });
  // The volume starts with the image's content; the change to it stays in the volume.
  assert.equal(out, 'seed\n');
  assert.deepEqual(run.volumes, ['/data']);
  assert.deepEqual(run.changes.map((c) => [c.kind, c.path]), [['added', '/outside']]);
});
