import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, InitializeResult } from 'vscode-languageserver-protocol';
import { contextWith, tempDir } from '../helpers/fixtures';
import { LspSession, serverModule } from '../helpers/lsp';
import { hasCommand } from '../helpers/tools';

const serverJs = serverModule();

test('the editor gets hadolint and ShellCheck diagnostics at exact ranges, with the .hadolint.yaml found beside the Dockerfile', async (t) => {
  if (!serverJs) return t.skip('dist/server.js is missing: run npm run build');
  const s = new LspSession(serverJs);
  try {
    const init = (await s.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { settings: { store: tempDir(), layerCountThreshold: 20 } } })) as InitializeResult;
    assert.ok(init.capabilities);
    s.connection.sendNotification('initialized', {});
    const text = 'FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y --no-install-recommends curl && \\\n    rm -rf /var/lib/apt/lists/* && echo $x\nUSER root\n';
    const dir = contextWith({ Dockerfile: text, '.hadolint.yaml': 'ignored: [DL3002]\noverride:\n  error: [DL3008]\n' });
    fs.mkdirSync(path.join(dir, '.git'));
    const uri = pathToFileURL(path.join(dir, 'Dockerfile')).toString();
    s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text } });
    const wanted = (d: Diagnostic[]) => d.some((x) => x.code === 'DL3008') && (!hasCommand('shellcheck') || d.some((x) => x.code === 'SC2154'));
    const p = await s.diagnostics(uri, (x) => wanted(x.diagnostics));
    const pin = p.diagnostics.find((d) => d.code === 'DL3008')!;
    const command = 'apt-get install -y --no-install-recommends curl';
    const at = text.split('\n')[2].indexOf(command);
    assert.deepEqual(pin.range, { start: { line: 2, character: at }, end: { line: 2, character: at + command.length } });
    assert.equal(pin.severity, 1, 'raised to error by override');
    assert.ok(!p.diagnostics.some((d) => d.code === 'DL3002'), 'ignored by the configuration');
    if (hasCommand('shellcheck')) {
      const sc = p.diagnostics.find((d) => d.code === 'SC2154')!;
      assert.deepEqual(sc.range.start, { line: 3, character: text.split('\n')[3].indexOf('$x') });
    }
  } finally {
    await s.close();
  }
});
