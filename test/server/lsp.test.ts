import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol';
import { Store } from '../../engine/image/store';
import type { BuildResult, ImagesResult, RunErrorData, RunOutputParams, RunResult } from '../../server/protocol';
import { makeBusyboxImage, runSkipReason } from '../helpers/busybox';
import { contextWith, tempDir } from '../helpers/fixtures';
import { openDocument, startSession, type LspSession, serverModule } from '../helpers/lsp';
import { example } from '../helpers/paths';

const serverJs = serverModule();

async function session(store: string): Promise<LspSession> {
  const { session: s, init } = await startSession(store);
  assert.ok(init.capabilities.codeActionProvider);
  return s;
}

const open = openDocument;

const textOf = (text: string, d: Diagnostic) => text.split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character);

test('the real server publishes the execute-bit diagnostic for examples/hello, with quick fixes', async (t) => {
  if (!serverJs) return t.skip('dist/server.js is missing: run npm run build');
  const s = await session(tempDir());
  try {
    const file = example('hello', 'Dockerfile');
    const text = fs.readFileSync(file, 'utf8');
    const uri = open(s, file, text);
    const published = await s.diagnostics(uri, (p) => p.diagnostics.length > 0);
    const d = published.diagnostics.find((x) => x.code === 'LW2001')!;
    assert.ok(d, JSON.stringify(published.diagnostics));
    assert.equal(d.source, 'layerwise');
    assert.equal(text.split('\n')[d.range.start.line], 'COPY hello.txt while.sh /');
    assert.equal(textOf(text, d), 'while.sh');
    assert.equal(textOf(text, d.relatedInformation![0].location as unknown as Diagnostic), '"/while.sh"');
    const actions = (await s.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d] },
    })) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.kind), ['quickfix', 'quickfix', 'quickfix']);
    assert.ok(actions.every((a) => a.edit?.changes?.[uri]?.length));
    const ignore = actions.find((a) => a.title === 'Ignore LW2001 for this instruction')!;
    assert.deepEqual(ignore.edit!.changes![uri], [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, newText: '# hadolint ignore=LW2001\n' }]);
    // Typing the fix clears the diagnostic.
    const fixed = text.replace('COPY hello.txt while.sh /', 'COPY --chmod=755 hello.txt while.sh /');
    s.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    await s.diagnostics(uri, (p) => p.version === 2 && !p.diagnostics.some((d) => d.code === 'LW2001'));
  } finally {
    await s.close();
  }
});

test('a broken Dockerfile gets a syntax diagnostic and the server stays up', async (t) => {
  if (!serverJs) return t.skip('dist/server.js is missing: run npm run build');
  const s = await session(tempDir());
  try {
    const dir = contextWith({});
    const uri = open(s, path.join(dir, 'Dockerfile'), 'COPY a b\nFROM x y z w\nRUN <<EOF\n\u0000');
    const p = await s.diagnostics(uri, (x) => x.diagnostics.length > 0);
    // The parts that parse are still linted (LW4001, LW3001 here); no rule may break on the rest.
    assert.ok(p.diagnostics.some((d) => d.code === 'LW0001'));
    assert.ok(!p.diagnostics.some((d) => d.message.startsWith('internal error')), JSON.stringify(p.diagnostics));
    assert.ok(p.diagnostics.some((d) => /unterminated heredoc/.test(d.message)));
    assert.ok(s.alive);
    const again = open(s, path.join(dir, 'Dockerfile.ok'), 'FROM scratch\n');
    await s.diagnostics(again, (x) => x.diagnostics.length === 0);
  } finally {
    await s.close();
  }
});

test('layerwise/build reports work-done progress and returns the layer tree', async (t) => {
  if (!serverJs) return t.skip('dist/server.js is missing: run npm run build');
  const store = tempDir();
  const s = await session(store);
  try {
    const progress: { kind: string; message?: string }[] = [];
    s.connection.onNotification('$/progress', (p: { token: string; value: { kind: string; message?: string } }) => {
      if (p.token === 'build-1') progress.push(p.value);
    });
    const uri = pathToFileURL(example('hello', 'Dockerfile')).toString();
    const result = (await s.connection.sendRequest('layerwise/build', { uri, tag: 'hello-lsp', workDoneToken: 'build-1' })) as BuildResult;
    assert.equal(result.image.ref, 'docker.io/library/hello-lsp:latest');
    assert.deepEqual(result.image.layers[0].files.map((f) => [f.path, f.size]), [
      ['/hello.txt', fs.statSync(example('hello', 'hello.txt')).size],
      ['/while.sh', fs.statSync(example('hello', 'while.sh')).size],
    ]);
    assert.equal(progress[0].kind, 'begin');
    assert.equal(progress.at(-1)!.kind, 'end');
    assert.ok(progress.some((p) => p.kind === 'report' && /COPY hello.txt while.sh/.test(p.message ?? '')));
    assert.ok(fs.existsSync(path.join(store, 'index.json')));
    const inspected = (await s.connection.sendRequest('layerwise/inspect', { ref: 'hello-lsp' })) as BuildResult['image'];
    assert.equal(inspected.digest, result.image.digest);
  } finally {
    await s.close();
  }
});

test('a cancelled build request ends with RequestCancelled and tags nothing', async (t) => {
  if (!serverJs) return t.skip('dist/server.js is missing: run npm run build');
  const store = tempDir();
  const ctx = contextWith({ Dockerfile: 'FROM scratch\nCOPY big.bin /\nCMD ["/x"]\n' });
  fs.writeFileSync(path.join(ctx, 'big.bin'), Buffer.alloc(64 * 1024 * 1024, 7));
  const s = await session(store);
  try {
    let cancel: (() => void) | undefined;
    const started = new Promise<void>((resolve) => (cancel = resolve));
    s.connection.onNotification('$/progress', (p: { token: string; value: { kind: string } }) => {
      if (p.token === 'build-c' && p.value.kind === 'report') cancel!();
    });
    const source = new CancellationTokenSource();
    const request = s.connection.sendRequest('layerwise/build', { uri: pathToFileURL(path.join(ctx, 'Dockerfile')).toString(), tag: 'never', workDoneToken: 'build-c' }, source.token);
    await started;
    source.cancel();
    await assert.rejects(request, (e: { code: number }) => e.code === -32800);
    const index = JSON.parse(fs.readFileSync(path.join(store, 'index.json'), 'utf8'));
    assert.deepEqual(index.manifests, []);
  } finally {
    await s.close();
  }
});

test('layerwise/run streams the container output, stops on layerwise/stopRun, replies with the changes; layerwise/images; start errors', async (t) => {
  if (!serverJs) return t.skip('dist/server.js is missing: run npm run build');
  const skip = runSkipReason();
  if (skip) return t.skip(skip);
  const storeDir = tempDir();
  const store = await Store.open(storeDir);
  await makeBusyboxImage(store, 'busybox:latest');
  const s = await session(storeDir);
  try {
    let out = '';
    let stopped: Promise<unknown> | undefined;
    s.connection.onNotification('layerwise/runOutput', (p: RunOutputParams) => {
      if (p.id !== 'r1') return;
      out += p.text;
      // Stopped as the client's Cancel does, once the container has written its file and said so.
      if (out.includes('written\n')) stopped ??= s.connection.sendRequest('layerwise/stopRun', { id: 'r1' });
    });
    const command = ['sh', '-c', 'echo hi > /tmp/new.txt; rm /etc/group; echo written; sleep 60'];
    const result = (await s.connection.sendRequest('layerwise/run', { id: 'r1', ref: 'busybox:latest', command })) as RunResult;
    assert.equal(await stopped, true);
    assert.equal(out, 'written\n');
    assert.deepEqual([result.run.stopped, result.run.exitCode, result.run.network], ['interrupted', 137, 'none']);
    const groupBytes = result.image.tree.children!.find((c) => c.name === 'etc')!.children!.find((c) => c.name === 'group')!.size;
    assert.deepEqual(
      result.run.changes.filter((c) => c.type !== 'directory').map((c) => [c.kind, c.path, c.size, c.fromLayer, c.hiddenBytes]),
      [['deleted', '/etc/group', 0, 0, groupBytes], ['added', '/tmp/new.txt', 3, undefined, undefined]],
    );
    assert.equal(result.run.imageAfter.unchanged, true);
    const images = (await s.connection.sendRequest('layerwise/images')) as ImagesResult;
    assert.deepEqual(images.images.map((i) => [i.ref, i.uniqueBytes, i.sharedBytes]), [['docker.io/library/busybox:latest', images.store.layerBytes, 0]]);
    await assert.rejects(s.connection.sendRequest('layerwise/run', { id: 'r2', ref: 'busybox:latest', command: ['/nope'] }), (e: { code: number; message: string; data: RunErrorData }) => {
      assert.match(e.message, /^exec: "\/nope": stat \/nope: no such file or directory$/);
      assert.deepEqual(e.data, { code: 'START', exitStatus: 127 });
      return true;
    });
    assert.ok(s.alive);
  } finally {
    await s.close();
  }
});
