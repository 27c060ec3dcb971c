import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import type { BuildErrorData, BuildResult } from '../../server/protocol';
import { parseDockerfile } from '../../engine/dockerfile/parser';
import { saveDockerArchive } from '../../engine/image/docker-archive';
import { Store } from '../../engine/image/store';
import { makeBusyboxImage, runSkipReason } from '../helpers/busybox';
import { buildahDelegateSkipReason } from '../helpers/delegates';
import { contextWith, tempDir } from '../helpers/fixtures';
import { LspSession, serverModule } from '../helpers/lsp';

const serverJs = serverModule();

async function session(settings: Record<string, unknown>): Promise<LspSession> {
  const s = new LspSession(serverJs!);
  await s.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { settings } });
  s.connection.sendNotification('initialized', {});
  return s;
}

test('layerwise/build honours the builder setting (and a request\'s own): buildah builds, its errors carry the instruction and show as a diagnostic', async (t) => {
  if (!serverJs) return t.skip('dist/server.js is missing: run npm run build');
  const skip = await buildahDelegateSkipReason();
  if (skip) return t.skip(skip);
  const text = 'FROM scratch\nCOPY a.txt /a.txt\nCMD ["/a.txt"]\n';
  const ctx = contextWith({ Dockerfile: text, 'a.txt': 'a' });
  const uri = pathToFileURL(path.join(ctx, 'Dockerfile')).toString();
  const s = await session({ store: tempDir(), layerCountThreshold: 20, builder: 'buildah' });
  try {
    const result = (await s.connection.sendRequest('layerwise/build', { uri, tag: 'lsp-buildah' })) as BuildResult;
    const copy = parseDockerfile(text).instructions[1];
    // buildah's own history text, mapped back to the COPY line.
    assert.match(result.image.layers[0].createdBy, /^\/bin\/sh -c #\(nop\) COPY file:/);
    assert.deepEqual(result.image.layers[0].source, { file: path.join(ctx, 'Dockerfile'), range: copy.range });
    assert.deepEqual(result.image.layers[0].files.map((f) => f.path), ['/a.txt']);

    // A request may override the setting.
    const embedded = (await s.connection.sendRequest('layerwise/build', { uri, builder: 'embedded' })) as BuildResult;
    assert.equal(embedded.image.layers[0].createdBy, 'COPY a.txt /a.txt # buildkit');
    assert.deepEqual(embedded.image.layers[0].source, result.image.layers[0].source);

    const broken = 'FROM scratch\nCOPY missing.txt /m\n';
    s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: broken } });
    const failed = (await s.connection.sendRequest('layerwise/build', { uri, useOpenDocument: true }).then(
      () => assert.fail('built a COPY of a missing file'),
      (e: unknown) => e,
    )) as { code: number; message: string; data: BuildErrorData };
    assert.equal(failed.code, 1, failed.message);
    assert.deepEqual(failed.data.location, { file: path.join(ctx, 'Dockerfile'), range: parseDockerfile(broken).instructions[1].range });
    assert.match(failed.message, /^copy \(line 2\): .*missing\.txt/);
    // The failure shows on the instruction, beside the lint findings, until the text changes.
    const isBuildProblem = (d: Diagnostic) => d.source === 'layerwise build';
    const shown = await s.diagnostics(uri, (p) => p.diagnostics.some(isBuildProblem));
    assert.deepEqual(shown.diagnostics.filter(isBuildProblem).map((d) => [d.range, d.message, d.severity]), [[failed.data.location!.range, failed.message, 1]]);
    s.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: `${broken}# edited\n` }] });
    await s.diagnostics(uri, (p) => p.version === 2 && !p.diagnostics.some(isBuildProblem));

    s.connection.sendNotification('workspace/didChangeConfiguration', { settings: { layerwise: { builder: 'podman' } } });
    const refused = (await s.connection.sendRequest('layerwise/build', { uri }).then(
      () => assert.fail('built with an unknown builder'),
      (e: unknown) => e,
    )) as { message: string; data: BuildErrorData };
    assert.match(refused.message, /auto, embedded, docker, buildah/);
    assert.equal(refused.data.code, 'USAGE');
  } finally {
    await s.close();
  }
});

test('a delegate build does not outlive the language server', async (t) => {
  if (!serverJs) return t.skip('dist/server.js is missing: run npm run build');
  const skip = (await buildahDelegateSkipReason()) ?? runSkipReason();
  if (skip) return t.skip(skip);
  const store = await Store.open(tempDir());
  const base = `layerwise-lsp/busybox:${process.pid}`;
  await makeBusyboxImage(store, base);
  const archive = path.join(tempDir(), 'busybox.tar');
  await saveDockerArchive(store, [await store.resolve(base)], archive);
  execFileSync('buildah', ['pull', '--quiet', `docker-archive:${archive}`]);
  t.after(() => execFileSync('buildah', ['rmi', '-f', `localhost/${base}`]));
  // The shell execs its last command, so the RUN shows in ps as this sleep, with an unusual length.
  const marker = `sleep ${8000 + (process.pid % 1000)}`;
  const ctx = contextWith({ Dockerfile: `FROM localhost/${base}\nRUN ${marker}\n` });
  const running = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').some((l) => l.trim().endsWith(marker));
  const s = await session({ store: store.dir, layerCountThreshold: 20, builder: 'buildah' });
  const build = s.connection.sendRequest('layerwise/build', { uri: pathToFileURL(path.join(ctx, 'Dockerfile')).toString() }).catch(() => undefined);
  for (let i = 0; i < 600 && !running(); i++) await sleep(100);
  assert.ok(running(), 'the RUN started');
  await s.close();
  await build;
  for (let i = 0; i < 150 && running(); i++) await sleep(100);
  assert.equal(running(), false, 'the RUN stopped with the server');
});
