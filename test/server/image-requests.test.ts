import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InitializeResult } from 'vscode-languageserver-protocol';
import type { BuildResult, CompareResult, FileContent, ImageAnalysis, ImagesResult, LintFilesResult, PullResult, PushResult, StagesResult } from '../../server/protocol';
import { contextWith, tempDir } from '../helpers/fixtures';
import { LspSession, serverModule } from '../helpers/lsp';
import { example } from '../helpers/paths';
import { registrySkipReason, startRegistry } from '../helpers/registry';
import { ensureDocker, hasCommand, run } from '../helpers/tools';

const serverJs = serverModule();

async function session(settings: object): Promise<LspSession> {
  const s = new LspSession(serverJs!);
  (await s.connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: { window: { workDoneProgress: true } },
    initializationOptions: { settings },
  })) as InitializeResult;
  s.connection.sendNotification('initialized', {});
  return s;
}

const uriOf = (file: string) => pathToFileURL(file).toString();
const build = (s: LspSession, dockerfile: string, tag: string) => s.connection.sendRequest('layerwise/build', { uri: uriOf(dockerfile), tag }) as Promise<BuildResult>;

test('image requests: list with efficiency, file content from the store and from an exported archive, compare', async (t) => {
  if (!serverJs) return t.skip('dist/server.js is missing: run npm run build');
  const store = tempDir();
  const s = await session({ store });
  try {
    const ctx = contextWith({ 'Dockerfile': 'FROM scratch\nCOPY hello.txt bin.dat /\nCOPY hello2.txt /hello.txt\n', 'hello.txt': 'hello world\n', 'hello2.txt': 'hello again\n' });
    const binary = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0, 0, 255]);
    fs.writeFileSync(path.join(ctx, 'bin.dat'), binary);
    const built = await build(s, path.join(ctx, 'Dockerfile'), 'files:1');

    const { images } = (await s.connection.sendRequest('layerwise/images', {})) as ImagesResult;
    const listed = images.find((i) => i.digest === built.image.digest)!;
    assert.ok(listed, JSON.stringify(images));
    assert.equal(listed.name, 'files:1');
    assert.equal(listed.layers, 2);
    assert.equal(listed.size, built.image.size);
    assert.equal(listed.uniqueBytes + listed.sharedBytes, listed.size, 'every layer is unique or shared');
    assert.equal(listed.efficiency, built.image.efficiency!.efficiency);
    assert.ok(listed.efficiency! < 1, 'hello.txt is stored twice: some bytes are wasted');

    const content = (layer: number, p: string, image = built.image.digest) => s.connection.sendRequest('layerwise/fileContent', { image, layer, path: p }) as Promise<FileContent>;
    assert.deepEqual(await content(0, '/hello.txt'), { kind: 'text', text: 'hello world\n', size: 12 });
    assert.deepEqual(await content(1, '/hello.txt'), { kind: 'text', text: 'hello again\n', size: 12 });
    assert.deepEqual(await content(0, '/bin.dat'), { kind: 'binary', size: binary.length });
    assert.deepEqual(await content(1, '/bin.dat'), { kind: 'missing' });
    await assert.rejects(content(7, '/hello.txt'), /no layer 7/);

    // Exported as a docker-archive, inspected from the file: the same image, the same bytes.
    const tar = path.join(tempDir(), 'files.tar');
    await s.connection.sendRequest('layerwise/export', { image: 'files:1', format: 'docker-archive', destination: tar });
    const fromTar = (await s.connection.sendRequest('layerwise/inspect', { ref: tar })) as ImageAnalysis;
    assert.equal(fromTar.source?.kind, 'docker-archive');
    assert.equal(fromTar.configDigest, built.image.configDigest);
    assert.deepEqual(await content(1, '/hello.txt', fromTar.digest), { kind: 'text', text: 'hello again\n', size: 12 });

    const second = await build(s, example('hello', 'Dockerfile'), 'hello:cmp');
    const cmp = (await s.connection.sendRequest('layerwise/compare', { a: 'files:1', b: 'hello:cmp' })) as CompareResult;
    const byPath = new Map(cmp.diff.files.map((f) => [f.path, f.kind]));
    assert.equal(byPath.get('/bin.dat'), 'removed');
    assert.equal(byPath.get('/while.sh'), 'added');
    assert.equal(byPath.get('/hello.txt'), fs.readFileSync(example('hello', 'hello.txt'), 'utf8') === 'hello again\n' ? undefined : 'changed');
    assert.match(cmp.text, /while\.sh/);
    assert.ok(second.image.digest);

    await assert.rejects(s.connection.sendRequest('layerwise/inspect', { ref: 'nope:never' }), /not in the store/);
    await assert.rejects(s.connection.sendRequest('layerwise/export', { image: 'files:1', format: 'oci-layout', destination: 'relative/dir' }), /absolute/);
    assert.ok(s.alive);
  } finally {
    await s.close();
  }
});

test('exported archives and layouts are the same image for docker and skopeo', async (t) => {
  if (!serverJs) return t.skip('dist/server.js is missing: run npm run build');
  const store = tempDir();
  const s = await session({ store });
  try {
    const built = await build(s, example('hello', 'Dockerfile'), 'hello-export:1');
    const diffIds = built.image.layers.map((l) => l.diffId);
    const out = tempDir();
    if (hasCommand('skopeo')) {
      const layout = path.join(out, 'layout');
      await s.connection.sendRequest('layerwise/export', { image: 'hello-export:1', format: 'oci-layout', destination: layout });
      const config = JSON.parse(run('skopeo', ['inspect', '--config', '--raw', `oci:${layout}`]));
      assert.deepEqual(config.rootfs.diff_ids, diffIds);
    } else t.diagnostic('skopeo not installed: the OCI layout check is skipped');
    const why = await ensureDocker();
    if (why) {
      t.diagnostic(`docker check skipped: ${why}`);
      return;
    }
    const tar = path.join(out, 'hello.tar');
    await s.connection.sendRequest('layerwise/export', { image: 'hello-export:1', format: 'docker-archive', destination: tar });
    run('docker', ['load', '-i', tar]);
    try {
      const inspected = JSON.parse(run('docker', ['image', 'inspect', 'hello-export:1']))[0];
      assert.deepEqual(inspected.RootFS.Layers, diffIds);
    } finally {
      run('docker', ['rmi', 'hello-export:1']);
    }
  } finally {
    await s.close();
  }
});

test('stages, workspace lint, and settings that change behaviour (lint ignore, RUN sandbox off)', async (t) => {
  if (!serverJs) return t.skip('dist/server.js is missing: run npm run build');
  const s = await session({ store: tempDir() });
  try {
    const ctx = contextWith({ 'Dockerfile': 'ARG BASE=scratch\nFROM ${BASE} AS deps\nARG LEVEL=3\nCOPY a /a\nFROM deps\nARG MODE\nRUN echo $MODE\n', a: 'x' });
    const stages = (await s.connection.sendRequest('layerwise/stages', { uri: uriOf(path.join(ctx, 'Dockerfile')) })) as StagesResult;
    assert.deepEqual(stages.stages.map((x) => [x.name, x.from]), [['deps', '${BASE}'], [undefined, 'deps']]);
    assert.deepEqual(stages.args, [{ name: 'BASE', default: 'scratch' }, { name: 'LEVEL', default: '3' }, { name: 'MODE' }]);

    // The hello example, never opened: Lint Workspace publishes its execute-bit error.
    const hello = uriOf(example('hello', 'Dockerfile'));
    const linted = (await s.connection.sendRequest('layerwise/lintFiles', { uris: [hello] })) as LintFilesResult;
    assert.equal(linted.files, 1);
    assert.ok(linted.findings >= 1);
    const first = await s.diagnostics(hello, (p) => p.diagnostics.some((d) => d.code === 'LW2001'));
    const executeBit = first.diagnostics.filter((d) => d.code === 'LW2001').length;

    s.connection.sendNotification('workspace/didChangeConfiguration', { settings: { layerwise: { lint: { ignored: ['execute-bit'] }, build: { sandbox: 'off' } } } });
    const again = (await s.connection.sendRequest('layerwise/lintFiles', { uris: [hello] })) as LintFilesResult;
    assert.equal(again.findings, linted.findings - executeBit);
    await s.diagnostics(hello, (p) => !p.diagnostics.some((d) => d.code === 'LW2001'));

    const run = contextWith({ Dockerfile: 'FROM scratch\nRUN true\n' });
    await assert.rejects(build(s, path.join(run, 'Dockerfile'), 'never:1'), /RUN is turned off/);
  } finally {
    await s.close();
  }
});

test('push and pull through the server report bytes and agree with skopeo (docker-registry)', async (t) => {
  if (!serverJs) return t.skip('dist/server.js is missing: run npm run build');
  const why = registrySkipReason({ skopeo: true });
  if (why) return t.skip(why);
  const registry = await startRegistry();
  const pusher = await session({ store: tempDir() });
  const puller = await session({ store: tempDir() });
  try {
    const reports = (s: LspSession, token: string) => {
      const seen: string[] = [];
      s.connection.onNotification('$/progress', (p: { token: string; value: { kind: string; message?: string } }) => {
        if (p.token === token && p.value.message) seen.push(p.value.message);
      });
      return seen;
    };
    const ref = `${registry.host}/hello:1`;
    await build(pusher, example('hello', 'Dockerfile'), ref);
    const pushed = reports(pusher, 'push-1');
    const push = (await pusher.connection.sendRequest('layerwise/push', { image: ref, workDoneToken: 'push-1' })) as PushResult;
    const remote = JSON.parse(run('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`]));
    assert.equal(push.ref, `${ref}@${remote.Digest}`);
    assert.ok(pushed.some((m) => /\d+(\.\d+)? k?B of \d+(\.\d+)? k?B/.test(m)), JSON.stringify(pushed));

    const pulled = reports(puller, 'pull-1');
    const pull = (await puller.connection.sendRequest('layerwise/pull', { ref, workDoneToken: 'pull-1' })) as PullResult;
    assert.equal(pull.digest, remote.Digest);
    assert.equal(pull.layers, remote.Layers.length);
    assert.ok(pulled.some((m) => / of /.test(m)), JSON.stringify(pulled));
    const image = (await puller.connection.sendRequest('layerwise/inspect', { ref })) as ImageAnalysis;
    assert.deepEqual(image.tree.children!.map((c) => c.name), ['hello.txt', 'while.sh']);
    await assert.rejects(puller.connection.sendRequest('layerwise/pull', { ref: `${registry.host}/missing:1` }), /not found|unknown|MANIFEST_UNKNOWN/i);
    assert.ok(puller.alive);
  } finally {
    await Promise.all([pusher.close(), puller.close(), registry.stop()]);
  }
});

test('the builder setting hands Build Image to buildah, with its steps as progress', async (t) => {
  if (!serverJs) return t.skip('dist/server.js is missing: run npm run build');
  if (!hasCommand('buildah') || process.getuid?.() !== 0) return t.skip('needs buildah, as root');
  const s = await session({ store: tempDir(), builder: 'buildah' });
  try {
    const messages: string[] = [];
    s.connection.onNotification('$/progress', (p: { token: string; value: { message?: string } }) => {
      if (p.token === 'b-1' && p.value.message) messages.push(p.value.message);
    });
    const tag = 'layerwise-lsp-buildah:1';
    try {
      const result = (await s.connection.sendRequest('layerwise/build', { uri: uriOf(example('hello', 'Dockerfile')), tag, workDoneToken: 'b-1' })) as BuildResult;
      assert.ok(messages.includes('[2/3] COPY hello.txt while.sh /'), JSON.stringify(messages));
      assert.deepEqual(result.image.tree.children!.map((c) => c.name), ['hello.txt', 'while.sh']);
      assert.match(run('buildah', ['images', '--format', '{{.Name}}:{{.Tag}}']), /layerwise-lsp-buildah:1/);
    } finally {
      run('buildah', ['rmi', '-f', tag]);
    }
  } finally {
    await s.close();
  }
});

test('layerwise/cancelBuild stops a build by id, even when it overtakes the build request', async (t) => {
  if (!serverJs) return t.skip('dist/server.js is missing: run npm run build');
  const store = tempDir();
  const s = await session({ store });
  try {
    const ctx = contextWith({ Dockerfile: 'FROM scratch\nCOPY big.bin /\n' });
    fs.writeFileSync(path.join(ctx, 'big.bin'), Buffer.alloc(64 << 20, 3));
    const uri = uriOf(path.join(ctx, 'Dockerfile'));
    await s.connection.sendRequest('layerwise/cancelBuild', { id: 'early' });
    await assert.rejects(s.connection.sendRequest('layerwise/build', { uri, tag: 'never:early', id: 'early' }), (e: { code: number }) => e.code === -32800);
    const started = new Promise<void>((resolve) => s.connection.onNotification('$/progress', (p: { token: string; value: { kind: string } }) => p.token === 'late-p' && p.value.kind === 'report' && resolve()));
    const late = s.connection.sendRequest('layerwise/build', { uri, tag: 'never:late', id: 'late', workDoneToken: 'late-p' });
    await started;
    await s.connection.sendRequest('layerwise/cancelBuild', { id: 'late' });
    await assert.rejects(late, (e: { code: number }) => e.code === -32800);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(store, 'index.json'), 'utf8')).manifests, []);
  } finally {
    await s.close();
  }
});
