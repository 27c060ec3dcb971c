import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { build } from '../../../engine/build/builder';
import { selectSandbox } from '../../../engine/build/run/select-sandbox';
import type { EngineError } from '../../../engine/errors';
import { Store } from '../../../engine/image/store';
import { readFileFromLayer } from '../../../engine/layer/read-file';
import type { ImageAnalysis } from '../../../engine/analyze/model';
import { makeBusyboxImage, runSkipReason } from '../../helpers/busybox';
import { contextWith, tempDir } from '../../helpers/fixtures';

const why = runSkipReason;

let shared: Promise<Store> | undefined;
const busyboxStore = () => (shared ??= Store.open(tempDir()).then(async (s) => (await makeBusyboxImage(s), s)));

async function buildIn(dockerfile: string, files: Record<string, string> = {}, extra: Partial<Parameters<typeof build>[0]> = {}) {
  const store = await busyboxStore();
  const ctx = contextWith({ Dockerfile: dockerfile, ...files });
  const logs: string[] = [];
  const result = await build({ context: ctx, store, onEvent: (e) => e.type === 'log' && logs.push(e.message), ...extra });
  return { store, image: result.image, logs };
}

const file = (image: ImageAnalysis, layer: number, p: string) => image.layers[layer].files.find((f) => f.path === p);

async function content(store: Store, image: ImageAnalysis, p: string): Promise<string | undefined> {
  const node = image.layers.findLast((l) => l.files.some((f) => f.path === p && f.kind !== 'deleted'));
  if (!node) return undefined;
  return (await readFileFromLayer(store, { digest: node.digest, mediaType: node.mediaType, size: node.size }, p))?.toString();
}

test('RUN changes become a layer: added, modified and deleted (whiteout) paths', async (t) => {
  const skip = why();
  if (skip) return t.skip(skip);
  const { image, store } = await buildIn('FROM busybox\nRUN echo hello > /greeting && mkdir -p /app/sub && touch /app/sub/x && rm /etc/group && echo root2 >> /etc/passwd\n');
  const run = image.layers[1];
  assert.equal(run.instruction, 'RUN /bin/sh -c echo hello > /greeting && mkdir -p /app/sub && touch /app/sub/x && rm /etc/group && echo root2 >> /etc/passwd');
  assert.deepEqual(
    run.files.map((f) => [f.path, f.kind]).sort(),
    [['/app', 'added'], ['/app/sub', 'added'], ['/app/sub/x', 'added'], ['/etc', 'modified'], ['/etc/group', 'deleted'], ['/etc/passwd', 'modified'], ['/greeting', 'added']],
  );
  assert.equal(await content(store, image, '/greeting'), 'hello\n');
  assert.ok(!image.tree.children!.find((c) => c.name === 'etc')!.children!.some((c) => c.name === 'group'));
  // The sandbox's mount points and host files are not in the layer.
  for (const p of ['/proc', '/dev', '/etc/hosts', '/etc/resolv.conf']) assert.equal(file(image, 1, p), undefined, p);
});

test('USER, WORKDIR, ARG and ENV reach the command; history has BuildKit\'s |N prefix', async (t) => {
  const skip = why();
  if (skip) return t.skip(skip);
  const { image, store } = await buildIn('FROM busybox\nARG V=7\nENV E=env\nUSER app\nWORKDIR /home/app/w\nRUN echo "$(id -u):$(id -g) $(pwd) $V $E $HOME" > out\n');
  const last = image.layers.at(-1)!;
  assert.equal(last.createdBy, 'RUN |1 V=7 /bin/sh -c echo "$(id -u):$(id -g) $(pwd) $V $E $HOME" > out # buildkit');
  assert.equal(await content(store, image, '/home/app/w/out'), '1000:1000 /home/app/w 7 env /home/app\n');
  const workdir = image.layers.find((l) => l.instruction === 'WORKDIR /home/app/w')!;
  assert.deepEqual(workdir.files.map((f) => [f.path, f.uid, f.gid]), [['/home', 1000, 1000], ['/home/app', 1000, 1000], ['/home/app/w', 1000, 1000]].filter(([p]) => workdir.files.some((f) => f.path === p)));
  if (process.getuid?.() === 0 && selectSandbox().name === 'chroot') assert.equal(file(image, image.layers.length - 1, '/home/app/w/out')?.uid, 1000);
});

test('the host filesystem is invisible, --network=none has only loopback, heredoc scripts run', async (t) => {
  const skip = why();
  if (skip) return t.skip(skip);
  const { image, store } = await buildIn(
    [
      'FROM busybox',
      `RUN test ! -e ${JSON.stringify(process.cwd())} && test ! -e /usr/bin/node && echo invisible > /r1`,
      "RUN --network=none grep -c : /proc/net/dev > /r2",
      'RUN <<EOF',
      '#!/bin/sh',
      'echo "from a script $0" > /r3',
      'EOF',
      'RUN cat <<-END > /r4',
      '\tindented',
      '\tEND',
      '',
    ].join('\n'),
  );
  assert.equal(await content(store, image, '/r1'), 'invisible\n');
  assert.equal(await content(store, image, '/r2'), '1\n');
  assert.match((await content(store, image, '/r3')) ?? '', /^from a script \//);
  assert.equal(await content(store, image, '/r4'), 'indented\n');
  assert.ok(!image.tree.children!.some((c) => c.name.startsWith('.layerwise-heredoc')));
});

test('a failing RUN names the command and its exit code, with the output in the log', async (t) => {
  const skip = why();
  if (skip) return t.skip(skip);
  await assert.rejects(buildIn('FROM busybox\nRUN echo about to fail && exit 3\n'), (e: EngineError) => {
    assert.match(e.message, /run \(line 2\): process "\/bin\/sh -c echo about to fail && exit 3" did not complete successfully: exit code: 3/);
    assert.equal(e.location?.range.start.line, 1);
    return true;
  });
});

test('cancelling during a RUN kills it at once and leaves no process behind', async (t) => {
  const skip = why();
  if (skip) return t.skip(skip);
  const controller = new AbortController();
  const marker = `layerwise-cancel-${process.pid}-${Date.now()}`;
  const started = Date.now();
  const run = buildIn(`FROM busybox\nRUN echo ${marker} && sleep 60\n`, {}, { signal: controller.signal, onEvent: (e) => e.type === 'log' && e.message === marker && controller.abort() });
  await assert.rejects(run, (e: EngineError) => e.code === 'CANCELLED');
  assert.ok(Date.now() - started < 20_000);
  const ps = spawnSync('sh', ['-c', `ps -eo args | grep -v grep | grep -c "${marker}" || true`], { encoding: 'utf8' });
  assert.equal(ps.stdout.trim(), '0');
});

test('the tutorial example: busybox, COPY . /, RUN cat, ENTRYPOINT; the work folder is cleaned up', async (t) => {
  const skip = why();
  if (skip) return t.skip(skip);
  const { image, logs, store } = await buildIn('FROM busybox\nCOPY . /\nRUN cat /hello.txt\nENTRYPOINT ["/while.sh"]\n', { 'hello.txt': 'hello world\n', 'while.sh': '#!/bin/sh\necho hi\n' });
  assert.ok(logs.includes('hello world'));
  assert.deepEqual(image.config.Entrypoint, ['/while.sh']);
  assert.equal(image.tree.children!.find((c) => c.name === 'while.sh')!.mode, 0o644);
  const work = path.join(store.dir, 'layerwise', 'work');
  assert.deepEqual(fs.existsSync(work) ? fs.readdirSync(work) : [], []);
});

test('RUN --mount: cache persists between builds, bind reads the context, tmpfs and secrets never reach a layer', async (t) => {
  const skip = why();
  if (skip) return t.skip(skip);
  const secretFile = path.join(tempDir(), 'token');
  fs.writeFileSync(secretFile, 's3cret-value');
  const dockerfile = [
    'FROM busybox',
    'RUN --mount=type=cache,target=/var/cache/app sh -c "echo run >> /var/cache/app/count; wc -l < /var/cache/app/count > /cache-count"',
    'RUN --mount=type=bind,source=conf,target=/mnt/conf cat /mnt/conf/app.conf > /copied-conf',
    'RUN --mount=type=bind,target=/ctx,rw touch /ctx/written-in-rw-bind',
    'RUN --mount=type=tmpfs,target=/scratch sh -c "echo big > /scratch/file && ls /scratch > /tmpfs-listing"',
    'RUN --mount=type=secret,id=token cat /run/secrets/token | wc -c > /secret-length',
    'RUN --mount=type=secret,id=absent,required=false test ! -e /run/secrets/absent',
    '',
  ].join('\n');
  const files = { 'conf/app.conf': 'port=80\n' };
  const run1 = await buildIn(dockerfile, files, { secrets: { token: secretFile }, noCache: true });
  const run2 = await buildIn(dockerfile, files, { secrets: { token: secretFile }, noCache: true });
  assert.equal(await content(run1.store, run1.image, '/cache-count'), '1\n');
  assert.equal(await content(run2.store, run2.image, '/cache-count'), '2\n');
  assert.equal(await content(run2.store, run2.image, '/copied-conf'), 'port=80\n');
  assert.equal(await content(run2.store, run2.image, '/tmpfs-listing'), 'file\n');
  assert.equal(await content(run2.store, run2.image, '/secret-length'), '12\n');
  const everything = run2.image.layers.flatMap((l) => l.files.map((f) => f.path));
  for (const p of ['/var/cache/app', '/mnt', '/mnt/conf', '/ctx', '/scratch', '/run/secrets', '/run/secrets/token']) assert.ok(!everything.includes(p), `${p} is in a layer`);
  assert.ok(!run2.image.history.some((h) => h.createdBy.includes('s3cret')));
  await assert.rejects(buildIn('FROM busybox\nRUN --mount=type=secret,id=missing,required cat /run/secrets/missing\n'), /secret missing is required/);
});
