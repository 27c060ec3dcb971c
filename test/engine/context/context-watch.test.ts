import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContextWatcher, localFilesystemProblem, STORM_EVENTS } from '../../../engine/context/context-watch';
import { contextWith, tempDir } from '../../helpers/fixtures';

// Each change is made, then the snapshot asked for at once: the watcher must take in events
// the kernel has queued but the loop has not delivered yet.
const changes: [string, (ctx: string, outside: string) => void][] = [
  ['a file rewritten with the same size', (ctx) => fs.writeFileSync(path.join(ctx, 'a.txt'), 'A')],
  ['a file appended to', (ctx) => fs.appendFileSync(path.join(ctx, 'src/deep/b.txt'), '!')],
  ['a chmod', (ctx) => fs.chmodSync(path.join(ctx, 'a.txt'), 0o755)],
  ['a touch', (ctx) => fs.utimesSync(path.join(ctx, 'a.txt'), 1, 1)],
  ['a new file', (ctx) => fs.writeFileSync(path.join(ctx, 'src/new.txt'), 'n')],
  ['a deleted file', (ctx) => fs.rmSync(path.join(ctx, 'src/deep/b.txt'))],
  ['a rename', (ctx) => fs.renameSync(path.join(ctx, 'a.txt'), path.join(ctx, 'src/a.txt'))],
  ['a deleted folder', (ctx) => fs.rmSync(path.join(ctx, 'src/deep'), { recursive: true })],
  ['a new symlink', (ctx) => fs.symlinkSync('a.txt', path.join(ctx, 'link'))],
  ['a write through a hard link outside the context', (_ctx, outside) => fs.writeFileSync(path.join(outside, 'linked.txt'), 'changed elsewhere')],
];

for (const [what, change] of changes) {
  test(`context watch: ${what} voids the snapshot; an unchanged tree keeps it`, async () => {
    const ctx = contextWith({ 'a.txt': 'a', 'src/deep/b.txt': 'b', 'c.txt': 'c' });
    const outside = tempDir();
    fs.writeFileSync(path.join(outside, 'linked.txt'), 'shared');
    fs.linkSync(path.join(outside, 'linked.txt'), path.join(ctx, 'linked.txt'));
    const w = ContextWatcher.open(ctx);
    try {
      assert.equal(w.problem, undefined);
      const token = await w.snapshot();
      assert.notEqual(token, undefined);
      // Reading the tree (as a build does) changes nothing.
      fs.readFileSync(path.join(ctx, 'a.txt'));
      fs.readdirSync(path.join(ctx, 'src'));
      assert.equal(await w.snapshot(), token);
      assert.equal(w.changedSince(token), false);
      change(ctx, outside);
      const after = await w.snapshot();
      assert.notEqual(after, token, `${what} went unseen`);
      assert.equal(w.changedSince(token), true);
      assert.equal(await w.snapshot(), after, 'quiet again after the change');
    } finally {
      w.close();
    }
  });
}

test('context watch: a folder created after the watch began is watched, and so is one created inside it', async () => {
  const ctx = contextWith({ 'a.txt': 'a' });
  const w = ContextWatcher.open(ctx);
  try {
    await w.snapshot();
    fs.mkdirSync(path.join(ctx, 'new/inner'), { recursive: true });
    const t1 = await w.snapshot();
    fs.writeFileSync(path.join(ctx, 'new/inner/x.txt'), 'x');
    const t2 = await w.snapshot();
    assert.notEqual(t2, t1, 'a file in a folder made after the watch began went unseen');
    fs.writeFileSync(path.join(ctx, 'new/inner/x.txt'), 'y');
    assert.notEqual(await w.snapshot(), t2);
    // A hard link made later is watched from the next snapshot on.
    const outside = tempDir();
    fs.linkSync(path.join(ctx, 'a.txt'), path.join(outside, 'a.txt'));
    const t3 = await w.snapshot();
    fs.writeFileSync(path.join(outside, 'a.txt'), 'through the other link');
    assert.notEqual(await w.snapshot(), t3, 'a write through a link made after the watch began went unseen');
  } finally {
    w.close();
  }
});

test('context watch: a storm of events elsewhere (enough to overflow the kernel queue) voids every snapshot', async () => {
  const quiet = ContextWatcher.open(contextWith({ 'a.txt': 'a' }));
  const busyDir = contextWith({ 'x.txt': 'x', 'y.txt': 'y' });
  const busy = ContextWatcher.open(busyDir);
  try {
    const token = await quiet.snapshot();
    // inotify merges an event into an identical one queued just before it: two files written in
    // turn make one event per write. The loop is kept away, so they pile up as in a real storm.
    const fds = ['x.txt', 'y.txt'].map((f) => fs.openSync(path.join(busyDir, f), 'a'));
    for (let i = 0; i < STORM_EVENTS + 100; i++) fs.writeSync(fds[i % 2], 'y');
    fds.forEach((fd) => fs.closeSync(fd));
    await busy.snapshot();
    assert.notEqual(await quiet.snapshot(), token, 'the quiet context must be read again after a storm');
  } finally {
    quiet.close();
    busy.close();
  }
});

test('context watch: too many folders, or a filesystem inotify cannot vouch for, is never trusted', async () => {
  const ctx = contextWith({ 'a/1': '', 'b/2': '', 'c/3': '' });
  const w = ContextWatcher.open(ctx, { maxWatches: 5 });
  try {
    assert.match(w.problem ?? '', /more than 5 paths to watch/);
    assert.equal(await w.snapshot(), undefined);
    assert.equal(w.changedSince(await w.snapshot()), true);
    assert.equal(w.watches, 0, 'an untrusted watch holds no inotify watches');
  } finally {
    w.close();
  }
  assert.equal(localFilesystemProblem(ctx), undefined, 'the test folder is on a local filesystem');
  assert.match(localFilesystemProblem('/proc') ?? '', /filesystem \(type 0x9fa0\)/);
  const procWatch = ContextWatcher.open('/proc/self');
  assert.notEqual(procWatch.problem, undefined);
  procWatch.close();
});

test('context watch: paths the build never reads are not watched; a file replaced by a rename is watched anew', async () => {
  const ctx = contextWith({ 'a.txt': 'a', 'node_modules/x/y.js': 'y', '.git/index': 'i' });
  const w = ContextWatcher.open(ctx, { ignored: (rel) => rel === 'node_modules' || rel === '.git' });
  try {
    assert.equal(w.watches, 2, 'the root and a.txt');
    const token = await w.snapshot();
    fs.writeFileSync(path.join(ctx, 'node_modules/x/y.js'), 'changed');
    fs.writeFileSync(path.join(ctx, '.git/index'), 'changed');
    assert.equal(await w.snapshot(), token, 'changes the build cannot see keep the snapshot');
    // An editor's atomic save: a new inode renamed over the old name.
    fs.writeFileSync(path.join(ctx, 'a.tmp'), 'new');
    fs.renameSync(path.join(ctx, 'a.tmp'), path.join(ctx, 'a.txt'));
    const t2 = await w.snapshot();
    assert.notEqual(t2, token);
    const outside = tempDir();
    fs.linkSync(path.join(ctx, 'a.txt'), path.join(outside, 'a.txt'));
    const t3 = await w.snapshot();
    fs.writeFileSync(path.join(outside, 'a.txt'), 'through a link to the new inode');
    assert.notEqual(await w.snapshot(), t3);
  } finally {
    w.close();
  }
});

test('context watch: a closed watcher vouches for nothing', async () => {
  const w = ContextWatcher.open(contextWith({ 'a.txt': 'a' }));
  const token = await w.snapshot();
  w.close();
  assert.equal(w.changedSince(token), true);
  assert.equal(await w.snapshot(), undefined);
});
