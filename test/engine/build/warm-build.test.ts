import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildImage } from '../../../engine/build/builder';
import { WarmContexts, type WarmContextsOptions } from '../../../engine/build/cache/warm-contexts';
import { Store } from '../../../engine/image/store';
import { contextWith, tempDir } from '../../helpers/fixtures';

// A fresh store and a WarmContexts, closed however the test ends.
async function withWarm(run: (store: Store, warm: WarmContexts) => Promise<void>, options?: WarmContextsOptions): Promise<void> {
  const store = await Store.open(tempDir());
  const warm = new WarmContexts(options);
  try {
    await run(store, warm);
  } finally {
    warm.close();
  }
}

const DOCKERFILE = 'FROM scratch\nARG DIR=src\nCOPY ${DIR} /app/\nCOPY --chmod=755 run.sh /\nCOPY *.txt /txt/\nCMD ["/run.sh"]\n';

// Every change a user makes between builds, each applied to the context in turn.
const mutations: [string, (ctx: string, outside: string) => void][] = [
  ['nothing', () => {}],
  ['a file rewritten, same size and mtime', (ctx) => {
    const f = path.join(ctx, 'src/a.js');
    const st = fs.statSync(f);
    fs.writeFileSync(f, 'A');
    fs.utimesSync(f, st.atime, st.mtime);
  }],
  ['nothing', () => {}],
  ['a chmod', (ctx) => fs.chmodSync(path.join(ctx, 'src/lib/b.js'), 0o600)],
  ['a new file in a new folder', (ctx) => {
    fs.mkdirSync(path.join(ctx, 'src/new/deeper'), { recursive: true });
    fs.writeFileSync(path.join(ctx, 'src/new/deeper/c.js'), 'c');
  }],
  ['a file in that new folder changed', (ctx) => fs.writeFileSync(path.join(ctx, 'src/new/deeper/c.js'), 'C')],
  ['a file deleted', (ctx) => fs.rmSync(path.join(ctx, 'src/lib/b.js'))],
  ['a glob gains a match', (ctx) => fs.writeFileSync(path.join(ctx, 'more.txt'), 'more')],
  ['an atomic save', (ctx) => {
    fs.writeFileSync(path.join(ctx, 'run.sh.tmp'), '#!/bin/sh\necho saved\n');
    fs.renameSync(path.join(ctx, 'run.sh.tmp'), path.join(ctx, 'run.sh'));
  }],
  ['a write through a hard link outside the context', (_ctx, outside) => fs.writeFileSync(path.join(outside, 'shared.js'), 'changed from outside')],
  ['.dockerignore leaves a file out', (ctx) => fs.writeFileSync(path.join(ctx, '.dockerignore'), 'src/a.js\n')],
  ['an ignored file changed', (ctx) => fs.writeFileSync(path.join(ctx, 'src/a.js'), 'ignored now')],
  ['.dockerignore removed', (ctx) => fs.rmSync(path.join(ctx, '.dockerignore'))],
  ['a folder renamed', (ctx) => fs.renameSync(path.join(ctx, 'src/new'), path.join(ctx, 'src/renamed'))],
  ['a symlink added', (ctx) => fs.symlinkSync('a.js', path.join(ctx, 'src/link.js'))],
  ['nothing', () => {}],
];

test('warm rebuilds: after each change the image is the one a cold build makes, and an unchanged context is not read again', async () => {
  const ctx = contextWith({ Dockerfile: DOCKERFILE, 'src/a.js': 'a', 'src/lib/b.js': 'b', 'run.sh': ['#!/bin/sh\necho hi\n', 0o644], 'notes.txt': 'n' });
  const outside = tempDir();
  fs.writeFileSync(path.join(outside, 'shared.js'), 'shared');
  fs.linkSync(path.join(outside, 'shared.js'), path.join(ctx, 'src/shared.js'));
  await withWarm(async (warmStore, warm) => {
    let previous: string | undefined;
    for (const [what, mutate] of mutations) {
      mutate(ctx, outside);
      const hitsBefore = warm.counters.copyHits;
      const warmBuilt = await buildImage({ context: ctx, store: warmStore, sourceDateEpoch: 1700000000, warm });
      // The oracle: a build in a fresh store by a process with no memory of this context.
      const cold = await buildImage({ context: ctx, store: await Store.open(tempDir()), sourceDateEpoch: 1700000000 });
      assert.equal(warmBuilt.manifest.digest, cold.manifest.digest, `after "${what}" the warm build differs from a cold one`);
      const hits = warm.counters.copyHits - hitsBefore;
      if (previous === undefined) assert.equal(hits, 0, 'the first build reads everything');
      else if (what === 'nothing' || what === 'an ignored file changed') {
        assert.equal(warmBuilt.manifest.digest, previous, `"${what}" changed the image`);
        assert.equal(hits, 3, `after "${what}" every COPY should be reused`);
      } else {
        assert.notEqual(warmBuilt.manifest.digest, previous, `"${what}" went unseen`);
        assert.equal(hits, 0, `after "${what}" no COPY may be reused`);
      }
      previous = warmBuilt.manifest.digest;
    }
  });
});

test('warm rebuilds: a build arg that changes what a COPY names is never answered from the memory of another', async () => {
  const ctx = contextWith({ Dockerfile: DOCKERFILE, 'src/a.js': 'a', 'other/z.js': 'z', 'run.sh': '#!/bin/sh\n', 'notes.txt': 'n' });
  await withWarm(async (store, warm) => {
    const src = await buildImage({ context: ctx, store, warm, sourceDateEpoch: 1 });
    const other = await buildImage({ context: ctx, store, warm, sourceDateEpoch: 1, buildArgs: { DIR: 'other' } });
    assert.notEqual(other.manifest.digest, src.manifest.digest);
    const cold = await buildImage({ context: ctx, store: await Store.open(tempDir()), sourceDateEpoch: 1, buildArgs: { DIR: 'other' } });
    assert.equal(other.manifest.digest, cold.manifest.digest);
    assert.equal((await buildImage({ context: ctx, store, warm, sourceDateEpoch: 1 })).manifest.digest, src.manifest.digest);
  });
});

test('warm rebuilds: a context that cannot be watched says why, once, and is read in full', async () => {
  const ctx = contextWith({ Dockerfile: 'FROM scratch\nCOPY a.txt /\nCOPY a.txt /b\n', 'a.txt': 'a' });
  const procContext = '/proc/self/fdinfo';
  await withWarm(async (store, warm) => {
    const logs: string[] = [];
    // procfs raises no inotify events: a context there is never trusted.
    await buildImage({ context: procContext, dockerfileText: 'FROM scratch\nCOPY 0 /x\nCOPY 1 /y\n', store, warm, onEvent: (e) => e.type === 'log' && logs.push(e.message) });
    assert.equal(warm.counters.copyHits, 0);
    assert.equal(logs.filter((l) => /read in full on every build: .*filesystem/.test(l)).length, 1, logs.join('\n'));
    // An ordinary context next to it is watched as usual.
    await buildImage({ context: ctx, store, warm });
    const hits = warm.counters.copyHits;
    await buildImage({ context: ctx, store, warm });
    assert.equal(warm.counters.copyHits - hits, 2);
  });
});

test('warm rebuilds: a COPY whose cached layer left the store is built again from the context', async () => {
  const ctx = contextWith({ Dockerfile: 'FROM scratch\nCOPY a.txt /\n', 'a.txt': 'a' });
  await withWarm(async (store, warm) => {
    const first = await buildImage({ context: ctx, store, warm, sourceDateEpoch: 1 });
    fs.rmSync(path.join(store.dir, 'layerwise', 'cache'), { recursive: true });
    const events: string[] = [];
    const again = await buildImage({ context: ctx, store, warm, sourceDateEpoch: 1, onEvent: (e) => events.push(e.type) });
    assert.equal(again.manifest.digest, first.manifest.digest);
    assert.ok(events.includes('layer'), 'the layer was written again from the context');
    assert.equal(warm.counters.copyHits, 1, 'the digest came from memory, the files from disk');
  });
});

test('warm rebuilds: only a build that copies from the context watches it, and an idle watch is dropped', async () => {
  const ctx = contextWith({ Dockerfile: 'FROM scratch\nCOPY <<EOF /note\nhi\nEOF\nCMD ["/x"]\n', 'big.txt': 'never read' });
  await withWarm(async (store, warm) => {
    await buildImage({ context: ctx, store, warm });
    assert.equal(warm.watchedContexts, 0, 'a heredoc COPY reads nothing of the context');
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY big.txt /\n');
    await buildImage({ context: ctx, store, warm });
    assert.equal(warm.watchedContexts, 1);
    const logs: string[] = [];
    await buildImage({ context: ctx, store, warm, onEvent: (e) => e.type === 'log' && logs.push(e.message) });
    assert.deepEqual(logs, ['the context is unchanged since this COPY last read it (watched): not read again']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(warm.watchedContexts, 0, 'the watch of a context not built for idleMs is dropped');
  }, { idleMs: 50 });
});
