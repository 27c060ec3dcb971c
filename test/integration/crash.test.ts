import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Store } from '../../engine/image/store';
import { makeBusyboxImage, runSkipReason } from '../helpers/busybox';
import { contextWith, tempDir } from '../helpers/fixtures';
import { projectRoot } from '../helpers/paths';
import { registrySkipReason, startRegistry } from '../helpers/registry';

const cli = path.join(projectRoot(), 'dist', 'cli.js');

test('kill -9 a build at random points 20 times: the store always verifies and the next build succeeds', async (t) => {
  if (!fs.existsSync(cli)) return t.skip('dist/cli.js is missing: run npm run build');
  const files: Record<string, string> = { Dockerfile: 'FROM scratch\nCOPY a /a/\nCOPY b /b/\nENV X=1\nCOPY c /c/\n' };
  for (let i = 0; i < 300; i++) files[`${'abc'[i % 3]}/f${i}`] = 'x'.repeat(20_000 + i);
  const ctx = contextWith(files);
  const store = tempDir();
  for (let i = 0; i < 20; i++) {
    // Each round changes a file so the cache does not make the build instant.
    fs.writeFileSync(path.join(ctx, 'c', 'round'), String(i));
    const child = spawn(process.execPath, [cli, 'build', '-q', '-t', 'crash', '--store', store, ctx], { stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    await sleep(20 + Math.floor(Math.random() * 250));
    child.kill('SIGKILL');
    await exited;
    const verify = spawnSync(process.execPath, [cli, 'store', 'verify', '--store', store], { encoding: 'utf8' });
    assert.equal(verify.status, 0, `round ${i}: ${verify.stdout}${verify.stderr}`);
  }
  const last = spawnSync(process.execPath, [cli, 'build', '-q', '-t', 'crash', '--store', store, ctx], { encoding: 'utf8' });
  assert.equal(last.status, 0, last.stderr);
  assert.equal(spawnSync(process.execPath, [cli, 'store', 'verify', '--store', store]).status, 0);
});

test('kill -9 a pull at random points 20 times: the store always verifies and the next pull succeeds', async (t) => {
  if (!fs.existsSync(cli)) return t.skip('dist/cli.js is missing: run npm run build');
  const skip = registrySkipReason();
  if (skip) return t.skip(skip);
  const reg = await startRegistry();
  try {
    // An image of a few layers with some weight, pushed by us.
    const files: Record<string, string> = { Dockerfile: 'FROM scratch\nCOPY a /a/\nCOPY b /b/\nCOPY c /c/\n' };
    for (let i = 0; i < 30; i++) files[`${'abc'[i % 3]}/f${i}`] = String(i).repeat(400_000);
    const source = tempDir();
    const ctx = contextWith(files);
    assert.equal(spawnSync(process.execPath, [cli, 'build', '-q', '-t', 'heavy', '--store', source, ctx]).status, 0);
    const ref = `${reg.host}/heavy:1`;
    const pushed = spawnSync(process.execPath, [cli, 'push', '--store', source, '--progress', 'quiet', 'heavy', ref], { encoding: 'utf8' });
    assert.equal(pushed.status, 0, pushed.stderr);
    const store = tempDir();
    for (let i = 0; i < 20; i++) {
      spawnSync(process.execPath, [cli, 'rm', '--store', store, ref]);
      spawnSync(process.execPath, [cli, 'prune', '--grace', '0', '--store', store]);
      const child = spawn(process.execPath, [cli, 'pull', '--progress', 'quiet', '--store', store, ref], { stdio: 'ignore' });
      const exited = new Promise((r) => child.once('exit', r));
      await sleep(20 + Math.floor(Math.random() * 250));
      child.kill('SIGKILL');
      await exited;
      const verify = spawnSync(process.execPath, [cli, 'store', 'verify', '--store', store], { encoding: 'utf8' });
      assert.equal(verify.status, 0, `round ${i}: ${verify.stdout}${verify.stderr}`);
    }
    const last = spawnSync(process.execPath, [cli, 'pull', '--progress', 'quiet', '--store', store, ref], { encoding: 'utf8' });
    assert.equal(last.status, 0, last.stderr);
    assert.equal(spawnSync(process.execPath, [cli, 'store', 'verify', '--store', store]).status, 0);
  } finally {
    await reg.stop();
  }
});

// Processes whose command line contains `marker` (read from /proc, as ps would).
function processesWith(marker: string): number[] {
  const out: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(marker)) out.push(Number(pid));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

test('kill -9 of a build or a run in the middle of a RUN leaves no process of the sandbox behind', async (t) => {
  if (!fs.existsSync(cli)) return t.skip('dist/cli.js is missing: run npm run build');
  const skip = runSkipReason();
  if (skip) return t.skip(skip);
  const store = tempDir();
  await makeBusyboxImage(await Store.open(store), 'busybox:latest');
  const marker = `${4000 + (process.pid % 1000)}`;
  const ctx = contextWith({ Dockerfile: `FROM busybox:latest\nRUN sleep ${marker}1\nCMD ["sleep", "${marker}2"]\n` });
  const killWhileRunning = async (args: string[], running: string) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    for (let i = 0; i < 300 && processesWith(`sleep ${running}`).length === 0; i++) await sleep(100);
    assert.ok(processesWith(`sleep ${running}`).length > 0, `sleep ${running} never started`);
    child.kill('SIGKILL');
    await exited;
    for (let i = 0; i < 50 && processesWith(`sleep ${running}`).length > 0; i++) await sleep(100);
    assert.deepEqual(processesWith(`sleep ${running}`), [], `the sandbox outlived layerwise ${args[0]}`);
  };
  await killWhileRunning(['build', '-q', '--store', store, ctx], `${marker}1`);
  // A build whose RUN finishes, then a run of it killed while its command sleeps.
  const quick = contextWith({ Dockerfile: `FROM busybox:latest\nRUN true\nCMD ["sleep", "${marker}2"]\n` });
  const built = spawnSync(process.execPath, [cli, 'build', '-q', '-t', 'sleeper', '--store', store, quick], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  await killWhileRunning(['run', '--store', store, 'sleeper'], `${marker}2`);
});
