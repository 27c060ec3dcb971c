import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from '../../../engine/build/builder';
import { EngineError } from '../../../engine/errors';
import { Annotation, MediaType, type ImageConfig, type Index, type Manifest } from '../../../engine/image/oci';
import { Store } from '../../../engine/image/store';
import { readLayerHeaders, type TarMember } from '../../../engine/layer/tar-reader';
import { example } from '../../helpers/paths';
import { contextWith, tempDir } from '../../helpers/fixtures';

async function members(store: Store, digest: `sha256:${string}`): Promise<TarMember[]> {
  const out: TarMember[] = [];
  for await (const m of readLayerHeaders(store.openBlob(digest))) out.push(m);
  return out;
}

test('builds examples/hello into an OCI layout with a tagged, well-formed image', async () => {
  const store = await Store.open(tempDir());
  const events: string[] = [];
  const result = await build({ context: example('hello'), tag: 'hello', store, onEvent: (e) => events.push(e.type) });
  assert.equal(result.image.ref, 'docker.io/library/hello:latest');
  const layout = JSON.parse(fs.readFileSync(path.join(store.dir, 'oci-layout'), 'utf8'));
  assert.equal(layout.imageLayoutVersion, '1.0.0');
  const index = JSON.parse(fs.readFileSync(path.join(store.dir, 'index.json'), 'utf8')) as Index;
  assert.equal(index.manifests.length, 1);
  assert.equal(index.manifests[0].annotations?.[Annotation.refName], 'docker.io/library/hello:latest');
  assert.equal(index.manifests[0].digest, result.image.digest);
  const manifest = await store.readJSON<Manifest>(result.image.digest);
  const config = await store.readJSON<ImageConfig>(manifest.config.digest);
  assert.deepEqual(config.config.Entrypoint, ['/while.sh']);
  assert.ok(config.config.Env?.some((e) => e.startsWith('PATH=')));
  assert.deepEqual(config.rootfs.diff_ids, manifest.layers.map((l) => l.digest));
  assert.deepEqual(config.history.map((h) => [h.created_by, h.empty_layer ?? false]), [
    ['COPY hello.txt while.sh / # buildkit', false],
    ['ENTRYPOINT ["/while.sh"]', true],
  ]);
  const files = await members(store, manifest.layers[0].digest);
  const onDisk = (f: string) => fs.statSync(example('hello', f));
  assert.deepEqual(files.map((m) => [m.path, m.type, m.size, m.mode, m.uid]), [
    ['/hello.txt', 'file', onDisk('hello.txt').size, onDisk('hello.txt').mode & 0o7777, 0],
    ['/while.sh', 'file', onDisk('while.sh').size, onDisk('while.sh').mode & 0o7777, 0],
  ]);
  assert.deepEqual(events.filter((e) => e !== 'step'), ['start', 'layer', 'done']);
});

test('the analysis maps each layer and file to its Dockerfile line', async () => {
  const store = await Store.open(tempDir());
  const { image } = await build({ context: example('hello'), tag: 'hello', store });
  const dockerfile = fs.readFileSync(example('hello', 'Dockerfile'), 'utf8').split('\n');
  const [layer] = image.layers;
  assert.equal(layer.instruction, 'COPY hello.txt while.sh /');
  assert.equal(dockerfile[layer.source!.range.start.line], 'COPY hello.txt while.sh /');
  assert.equal(layer.source!.file, example('hello', 'Dockerfile'));
  const names = image.tree.children!.map((c) => [c.name, c.size, c.layer]);
  assert.deepEqual(names, [
    ['hello.txt', fs.statSync(example('hello', 'hello.txt')).size, 0],
    ['while.sh', fs.statSync(example('hello', 'while.sh')).size, 0],
  ]);
  assert.equal(image.tree.size, names.reduce((n, [, s]) => n + (s as number), 0));
});

test('metadata instructions land in the config as Docker writes them', async () => {
  const ctx = contextWith({
    'Dockerfile': [
      'ARG BASE=scratch',
      'FROM $BASE',
      'ARG APP=/srv/app',
      'ENV HOME_DIR=$APP GREETING="hello world"',
      'WORKDIR $HOME_DIR',
      'COPY a.txt ./',
      'LABEL org.example.name="demo" version=1',
      'USER 1000:1000',
      'EXPOSE 8080 53/udp',
      'CMD echo hi',
      'ENTRYPOINT ["/bin/run"]',
      'STOPSIGNAL SIGTERM',
      'VOLUME /data',
      'HEALTHCHECK --interval=5s --retries=3 CMD ["/bin/check"]',
      '',
    ].join('\n'),
    'a.txt': 'A',
  });
  const store = await Store.open(tempDir());
  const { image } = await build({ context: ctx, store, tag: 'demo:1' });
  const c = image.config;
  assert.deepEqual(c.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME_DIR=/srv/app', 'GREETING=hello world']);
  assert.equal(c.WorkingDir, '/srv/app');
  assert.deepEqual(c.Labels, { 'org.example.name': 'demo', version: '1' });
  assert.equal(c.User, '1000:1000');
  assert.deepEqual(Object.keys(c.ExposedPorts ?? {}), ['53/udp', '8080/tcp']);
  // ENTRYPOINT after CMD in the same stage keeps that CMD.
  assert.deepEqual(c.Cmd, ['/bin/sh', '-c', 'echo hi']);
  assert.deepEqual(c.Entrypoint, ['/bin/run']);
  assert.equal(c.StopSignal, 'SIGTERM');
  assert.deepEqual(c.Volumes, { '/data': {} });
  assert.deepEqual(c.Healthcheck, { Test: ['CMD', '/bin/check'], Interval: 5e9, Retries: 3 });
  // WORKDIR made /srv and /srv/app; COPY put a.txt inside.
  // A layer carries the folders above what it adds (Docker's runtime would make them root-owned otherwise).
  assert.deepEqual(image.layers.map((l) => l.files.map((f) => f.path)), [['/srv', '/srv/app'], ['/srv', '/srv/app', '/srv/app/a.txt']]);
  assert.deepEqual(image.history.map((h) => h.instruction.split(' ')[0]), ['ARG', 'ENV', 'WORKDIR', 'COPY', 'LABEL', 'USER', 'EXPOSE', 'CMD', 'ENTRYPOINT', 'STOPSIGNAL', 'VOLUME', 'HEALTHCHECK']);
  assert.equal(image.history.find((h) => h.instruction.startsWith('EXPOSE'))!.createdBy, 'EXPOSE map[53/udp:{} 8080/tcp:{}]');
});

test('SOURCE_DATE_EPOCH makes builds reproducible: same inputs, same digest', async () => {
  const a = await build({ context: example('hello'), store: await Store.open(tempDir()), sourceDateEpoch: 1700000000 });
  const b = await build({ context: example('hello'), store: await Store.open(tempDir()), sourceDateEpoch: 1700000000 });
  const c = await build({ context: example('hello'), store: await Store.open(tempDir()), sourceDateEpoch: 1700000001 });
  assert.equal(a.image.digest, b.image.digest);
  assert.notEqual(a.image.digest, c.image.digest);
  assert.equal(a.image.created, '2023-11-14T22:13:20Z');
});

test('errors name the instruction and leave the store without a tag', async () => {
  const ctx = contextWith({ Dockerfile: 'FROM scratch\nCOPY missing.txt /\n', 'Dockerfile.run': 'FROM scratch\nRUN echo\n' });
  const store = await Store.open(tempDir());
  await assert.rejects(build({ context: ctx, store, tag: 'x' }), (e: EngineError) => {
    assert.equal(e.code, 'BUILD');
    assert.match(e.message, /missing\.txt" not found/);
    assert.equal(e.location?.range.start.line, 1);
    return true;
  });
  await assert.rejects(build({ context: ctx, dockerfile: path.join(ctx, 'Dockerfile.run'), store, tag: 'x' }), /exec: "\/bin\/sh": stat \/bin\/sh: no such file or directory|RUN needs a sandbox/);
  assert.deepEqual(await store.images(), []);
});

test('a cancelled build stops with CANCELLED and tags nothing', async () => {
  const store = await Store.open(tempDir());
  const controller = new AbortController();
  const run = build({
    context: example('hello'),
    store,
    tag: 'never',
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === 'step' && e.step === 2) controller.abort();
    },
  });
  await assert.rejects(run, (e: EngineError) => e.code === 'CANCELLED');
  assert.deepEqual(await store.images(), []);
  assert.deepEqual(fs.readdirSync(path.join(store.dir, 'ingest')), []);
});

test('.dockerignore (moby semantics) decides what COPY . sees', async () => {
  const ctx = contextWith({
    Dockerfile: 'FROM scratch\nCOPY . /app/\n',
    '.dockerignore': '*.log\n!keep.log\nsecrets/\n**/*.tmp\n',
    'a.txt': 'a',
    'x.log': 'x',
    'keep.log': 'k',
    'secrets/key': 's',
    'deep/b.tmp': 't',
    'deep/c.txt': 'c',
  });
  const store = await Store.open(tempDir());
  const { image } = await build({ context: ctx, store });
  const files = image.layers[0].files.filter((f) => f.type === 'file').map((f) => f.path).sort();
  assert.deepEqual(files, ['/app/.dockerignore', '/app/Dockerfile', '/app/a.txt', '/app/deep/c.txt', '/app/keep.log']);
  const named = contextWith({ Dockerfile: 'FROM scratch\nCOPY x.log /\n', '.dockerignore': '*.log\n', 'x.log': 'x' });
  await assert.rejects(build({ context: named, store }), /excluded by \.dockerignore/);
});

test('the step cache: a rebuild reuses every layer, a changed file rebuilds from its step on, a touched one does not', async () => {
  const ctx = contextWith({ Dockerfile: 'FROM scratch\nCOPY a.txt /\nCOPY b.txt /\nENV X=1\n', 'a.txt': 'a', 'b.txt': 'b' });
  const store = await Store.open(tempDir());
  const events = async (extra: Partial<Parameters<typeof build>[0]> = {}) => {
    const seen: string[] = [];
    const r = await build({ context: ctx, store, sourceDateEpoch: 1700000000, onEvent: (e) => (e.type === 'layer' || e.type === 'cached') && seen.push(e.type), ...extra });
    return { seen, digest: r.image.digest, cachedSteps: r.image.history.length };
  };
  const first = await events();
  assert.deepEqual(first.seen, ['layer', 'layer']);
  const again = await events();
  assert.deepEqual(again.seen, ['cached', 'cached']);
  assert.equal(again.digest, first.digest);
  const later = Date.now() / 1000 + 100;
  fs.utimesSync(path.join(ctx, 'a.txt'), later, later);
  assert.deepEqual((await events()).seen, ['cached', 'cached']);
  fs.writeFileSync(path.join(ctx, 'b.txt'), 'B!');
  const changed = await events();
  assert.deepEqual(changed.seen, ['cached', 'layer']);
  assert.notEqual(changed.digest, first.digest);
  assert.deepEqual((await events({ noCache: true })).seen, ['layer', 'layer']);
});

test('a rebuild from cache without SOURCE_DATE_EPOCH gives the same image; a changed step dates itself and what follows', async () => {
  const ctx = contextWith({ Dockerfile: 'FROM scratch\nCOPY a.txt /\nENV X=1\nCOPY b.txt /\nCMD ["/a.txt"]\n', 'a.txt': 'a', 'b.txt': 'b' });
  const store = await Store.open(tempDir());
  const config = async (digest: string) => store.readJSON<ImageConfig>((await store.readJSON<Manifest>(digest as `sha256:${string}`)).config.digest);
  const first = await build({ context: ctx, store });
  await new Promise((r) => setTimeout(r, 1100));
  const again = await build({ context: ctx, store });
  assert.equal(again.image.digest, first.image.digest);
  fs.writeFileSync(path.join(ctx, 'b.txt'), 'B!');
  const changed = await build({ context: ctx, store });
  const [before, after] = [await config(first.image.digest), await config(changed.image.digest)];
  assert.equal(after.history[0].created, before.history[0].created, 'the cached COPY keeps its time');
  assert.equal(after.history[1].created, before.history[1].created, 'ENV after it is dated like it');
  assert.ok(after.history[2].created! > before.history[2].created!, 'the rebuilt COPY is dated now');
  assert.equal(after.history[3].created, after.history[2].created, 'CMD follows the newest layer');
  assert.equal(after.created, after.history[3].created);
});

test('FROM a multi-platform index in the store takes the host entry; an index without it says which platforms it has', async () => {
  const store = await Store.open(tempDir());
  const base = await build({ context: contextWith({ Dockerfile: 'FROM scratch\nCOPY marker /\n', marker: 'host image\n' }), store });
  const manifest = await store.readJSON<Manifest>(base.image.digest);
  const config = await store.readJSON<ImageConfig>(manifest.config.digest);
  const entry = { mediaType: MediaType.ociManifest, digest: base.image.digest, size: (await store.readBlob(base.image.digest)).length };
  const other = { mediaType: MediaType.ociManifest, digest: `sha256:${'1'.repeat(64)}` as const, size: 10, platform: { os: 'linux', architecture: 's390x' } };
  const index = (manifests: object[]) => store.writeJSON({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }, MediaType.ociIndex);
  await store.tag('multi:1', await index([other, { ...entry, platform: { os: 'linux', architecture: config.architecture } }]));
  const built = await build({ context: contextWith({ Dockerfile: 'FROM multi:1\nCOPY more /\n', more: 'x' }), store });
  const layers = (await store.readJSON<Manifest>(built.image.digest)).layers;
  assert.deepEqual(layers[0].digest, manifest.layers[0].digest);
  assert.equal(layers.length, 2);
  await store.tag('foreign:1', await index([other]));
  await assert.rejects(build({ context: contextWith({ Dockerfile: 'FROM foreign:1\n' }), store }), new RegExp(`has no linux/${config.architecture} image in the store \\(its index lists linux/s390x\\)`));
});

test('ADD of a URL from a local HTTP server: mode 0600, Last-Modified time, --checksum verified', async () => {
  const { createServer } = await import('node:http');
  const { createHash } = await import('node:crypto');
  const body = 'downloaded content\n';
  const server = createServer((req, res) => {
    if (req.url === '/files/tool.txt') {
      res.writeHead(200, { 'Last-Modified': 'Tue, 14 Nov 2023 22:13:20 GMT', 'Content-Type': 'text/plain' });
      res.end(body);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  try {
    const sum = createHash('sha256').update(body).digest('hex');
    const url = `http://127.0.0.1:${port}/files/tool.txt`;
    const ctx = contextWith({ Dockerfile: `FROM scratch\nADD --checksum=sha256:${sum} ${url} /opt/\nADD ${url} /renamed\n` });
    const store = await Store.open(tempDir());
    const { image } = await build({ context: ctx, store });
    const [first, second] = image.layers.map((l) => l.files.find((f) => f.type === 'file')!);
    assert.deepEqual([first.path, first.mode, first.size], ['/opt/tool.txt', 0o600, body.length]);
    assert.equal(second.path, '/renamed');
    const layerMembers = await members(store, image.layers[0].digest);
    assert.equal(layerMembers.find((m) => m.path === '/opt/tool.txt')!.mtime, 1700000000);
    const bad = contextWith({ Dockerfile: `FROM scratch\nADD --checksum=sha256:${'0'.repeat(64)} ${url} /x\n` });
    await assert.rejects(build({ context: bad, store }), /digest mismatch/);
    const missing = contextWith({ Dockerfile: `FROM scratch\nADD http://127.0.0.1:${port}/nope /x\n` });
    await assert.rejects(build({ context: missing, store }), /HTTP 404/);
  } finally {
    server.close();
  }
});

test('ADD unpacks local tar, tar.gz and tar.xz archives (by content, not name) and refuses archives that escape', async (t) => {
  const { execFileSync } = await import('node:child_process');
  const src = tempDir();
  fs.mkdirSync(path.join(src, 'pkg'));
  fs.writeFileSync(path.join(src, 'pkg', 'a.txt'), 'A');
  const ctx = tempDir();
  execFileSync('tar', ['-cf', path.join(ctx, 'plain.tar'), '-C', src, 'pkg']);
  execFileSync('tar', ['-czf', path.join(ctx, 'renamed.bin'), '-C', src, 'pkg']);
  let xz = true;
  try {
    execFileSync('tar', ['-cJf', path.join(ctx, 'x.tar.xz'), '-C', src, 'pkg']);
  } catch {
    xz = false;
  }
  fs.writeFileSync(path.join(ctx, 'Dockerfile'), `FROM scratch\nADD plain.tar /t/\nADD renamed.bin /g/\n${xz ? 'ADD x.tar.xz /x/\n' : ''}`);
  const store = await Store.open(tempDir());
  const { image } = await build({ context: ctx, store });
  const paths = image.layers.flatMap((l) => l.files.filter((f) => f.type === 'file').map((f) => f.path));
  assert.deepEqual(paths, ['/t/pkg/a.txt', '/g/pkg/a.txt', ...(xz ? ['/x/pkg/a.txt'] : [])]);
  if (!xz) t.diagnostic('xz is not installed: the .tar.xz case was not run');
  // A hostile archive: a member climbing out of the destination.
  const evil = tempDir();
  const tar = await import('tar-stream');
  const pack = tar.pack();
  pack.entry({ name: '../../escape.txt' }, 'x');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  fs.writeFileSync(path.join(evil, 'evil.tar'), Buffer.concat(chunks));
  fs.writeFileSync(path.join(evil, 'Dockerfile'), 'FROM scratch\nADD evil.tar /x/\n');
  await assert.rejects(build({ context: evil, store }), /points outside the image root/);
  assert.ok(!fs.existsSync(path.join(store.dir, 'layerwise', 'escape.txt')));
});

test('COPY --exclude leaves matching paths out; --parents keeps source folders (from a /./ pivot)', async () => {
  const ctx = contextWith({
    Dockerfile: [
      'FROM scratch',
      'COPY --exclude=**/*.md --exclude=tmp src/ /app/',
      'COPY --parents src/a/one.txt src/b/two.txt /kept/',
      'COPY --parents ./src/./a/one.txt /pivot/',
      'COPY --exclude=*.md src/*.txt /top/',
      '',
    ].join('\n'),
    'src/top.txt': 't',
    'src/README.md': 'r',
    'src/a/one.txt': '1',
    'src/a/notes.md': 'n',
    'src/b/two.txt': '2',
    'src/tmp/junk': 'j',
  });
  const { image } = await build({ context: ctx, store: await Store.open(tempDir()) });
  const files = (i: number) => image.layers[i].files.filter((f) => f.type === 'file').map((f) => f.path).sort();
  assert.deepEqual(files(0), ['/app/a/one.txt', '/app/b/two.txt', '/app/top.txt']);
  assert.deepEqual(files(1), ['/kept/src/a/one.txt', '/kept/src/b/two.txt']);
  assert.deepEqual(files(2), ['/pivot/a/one.txt']);
  assert.deepEqual(files(3), ['/top/top.txt']);
});
