// Hover on FROM, layer CodeLens before and after a build, fix-all and check=skip actions, and
// live settings, through the real server process over stdio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, CodeLens, Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { humanSize } from '../../engine/analyze/format';
import { build } from '../../engine/build/builder';
import { Store } from '../../engine/image/store';
import { contextWith, tempDir } from '../helpers/fixtures';
import { openDocument, serverModule, startSession } from '../helpers/lsp';

const skip = serverModule() ? false : 'dist/server.js is missing: run npm run build';

test('CodeLens: "not built", then layer · size · files · built, then cached; hover shows the step and the base', { skip }, async () => {
  const store = tempDir();
  const dir = contextWith({ 'a.txt': 'alpha', 'b.txt': 'bravo!' });
  const text = 'FROM scratch\nCOPY a.txt b.txt /\nCOPY a.txt /again/\nCMD ["/x"]\n';
  fs.writeFileSync(path.join(dir, 'Dockerfile'), text);
  const { session: s } = await startSession(store, {}, { workspace: { codeLens: { refreshSupport: true } } });
  let refreshed = 0;
  s.connection.onRequest('workspace/codeLens/refresh', () => void refreshed++);
  try {
    const uri = openDocument(s, path.join(dir, 'Dockerfile'));
    const lenses = async () => ((await s.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[]).map((l) => [l.range.start.line, l.command!.title]);
    assert.deepEqual(await lenses(), [[1, 'not built'], [2, 'not built']]);
    await s.connection.sendRequest('layerwise/build', { uri, tag: 'lens:1' });
    const first = humanSize(fs.statSync(path.join(dir, 'a.txt')).size + fs.statSync(path.join(dir, 'b.txt')).size);
    const second = humanSize(fs.statSync(path.join(dir, 'a.txt')).size);
    assert.deepEqual(await lenses(), [[1, `layer 0 · ${first} · 2 files · built`], [2, `layer 1 · ${second} · 2 files · built`]]);
    assert.ok(refreshed >= 1, 'the server asks the client to fetch CodeLenses again');
    const lens = ((await s.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[])[0];
    const index = JSON.parse(fs.readFileSync(path.join(store, 'index.json'), 'utf8'));
    assert.equal(lens.command!.command, 'layerwise.revealLayer');
    assert.deepEqual(lens.command!.arguments, [{ image: index.manifests[0].digest, layer: 0 }]);
    await s.connection.sendRequest('layerwise/build', { uri, tag: 'lens:2' });
    assert.deepEqual(await lenses(), [[1, `layer 0 · ${first} · 2 files · cached`], [2, `layer 1 · ${second} · 2 files · cached`]]);
    const hover = (await s.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 1 } })) as Hover;
    assert.match((hover.contents as { value: string }).value, new RegExp(`Last build: layer 0 · ${first} · 2 files · cached`));
    // An edit moves the figures with their instruction and drops them from the edited one.
    s.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: `# moved\n${text.replace('/again/', '/other/')}` }] });
    assert.deepEqual(await lenses(), [[2, `layer 0 · ${first} · 2 files · cached`], [3, 'not built (changed since the last build)']]);
    // FROM an image of the store: its size and layer count, read from its manifest on disk.
    const manifest = JSON.parse(fs.readFileSync(path.join(store, 'blobs', 'sha256', index.manifests[0].digest.slice(7)), 'utf8'));
    const size = manifest.layers.reduce((n: number, l: { size: number }) => n + l.size, 0);
    const other = openDocument(s, path.join(dir, 'Dockerfile.from'), 'ARG PY=python:3.9-slim\nFROM lens:1\nFROM $PY\n');
    const base = (await s.connection.sendRequest('textDocument/hover', { textDocument: { uri: other }, position: { line: 1, character: 6 } })) as Hover;
    assert.match((base.contents as { value: string }).value, new RegExp(`\\*\\*lens:1\\*\\* — in the local image store\\n\\n${humanSize(size)} · 2 layers`));
    const eol = (await s.connection.sendRequest('textDocument/hover', { textDocument: { uri: other }, position: { line: 2, character: 6 } })) as Hover;
    assert.match((eol.contents as { value: string }).value, /Python 3.9 reached end of life on 2025-10-31/);
  } finally {
    await s.close();
  }
});

test('CodeLens after a build outside the editor (layerwise build in a terminal): the store\'s provenance is read', { skip }, async () => {
  const storeDir = tempDir();
  const dir = contextWith({ 'a.txt': 'alpha', 'b.txt': 'bravo!' });
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch AS other\nCOPY b.txt /\nFROM scratch\nCOPY a.txt /\nCOPY b.txt /\n');
  const { session: s } = await startSession(storeDir);
  try {
    const uri = openDocument(s, path.join(dir, 'Dockerfile'));
    const lenses = async () => ((await s.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[]).map((l) => [l.range.start.line, l.command!.title]);
    assert.deepEqual(await lenses(), [[1, 'not built'], [3, 'not built'], [4, 'not built']]);
    const store = await Store.open(storeDir);
    await build({ context: dir, store, tag: 'cli:1' });
    const a = humanSize(fs.statSync(path.join(dir, 'a.txt')).size);
    const b = humanSize(fs.statSync(path.join(dir, 'b.txt')).size);
    // The target's stage only: the other stage is not in the image, so it gets no lens.
    assert.deepEqual(await lenses(), [[3, `layer 0 · ${a} · 1 file · built`], [4, `layer 1 · ${b} · 1 file · built`]]);
    await build({ context: dir, store, tag: 'cli:2' });
    assert.deepEqual(await lenses(), [[3, `layer 0 · ${a} · 1 file · cached`], [4, `layer 1 · ${b} · 1 file · cached`]]);
  } finally {
    await s.close();
  }
});

test('after a build with --build-arg, hover gives variables the values that build used', { skip }, async () => {
  const dir = contextWith({ 'a.txt': 'alpha' });
  const text = 'FROM scratch\nARG NAME=default\nCOPY a.txt /$NAME.txt\n';
  fs.writeFileSync(path.join(dir, 'Dockerfile'), text);
  const { session: s } = await startSession(tempDir());
  try {
    const uri = openDocument(s, path.join(dir, 'Dockerfile'));
    const hover = async () => ((await s.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 14 } })) as Hover).contents as { value: string };
    assert.equal((await hover()).value, '**$NAME** = `default` — set by ARG on line 2');
    const result = (await s.connection.sendRequest('layerwise/build', { uri, buildArgs: { NAME: 'custom' } })) as { image: { layers: { files: { path: string }[] }[] } };
    assert.deepEqual(result.image.layers[0].files.map((f) => f.path), ['/custom.txt']);
    assert.equal((await hover()).value, '**$NAME** = `custom` — set by ARG on line 2 (from --build-arg)');
  } finally {
    await s.close();
  }
});

test('fix all of a kind and source.fixAll; check=skip when the file uses # check=', { skip }, async () => {
  const dir = contextWith({ 'a.sh': ['#!/bin/sh\necho a', 0o644], 'b.sh': ['#!/bin/sh\necho b', 0o644] });
  const text = '# check=error=true\nFROM busybox\nCOPY a.sh /a.sh\nCOPY b.sh /b.sh\nRUN /a.sh && /b.sh\n';
  const { session: s } = await startSession(tempDir());
  try {
    const uri = openDocument(s, path.join(dir, 'Dockerfile'), text);
    const published = await s.diagnostics(uri, (p) => p.diagnostics.filter((d) => d.code === 'LW2001').length === 2);
    const d = published.diagnostics.find((x) => x.code === 'LW2001')!;
    const actions = (await s.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    const fixAll = actions.find((a) => a.title === 'Fix all LW2001 problems in this file')!;
    assert.ok(fixAll, actions.map((a) => a.title).join('\n'));
    const edits = fixAll.edit!.changes![uri];
    assert.equal(edits.length, 2);
    const skipAction = actions.find((a) => a.title === 'Skip LW2001 in this file (# check=skip)')!;
    assert.deepEqual(skipAction.edit!.changes![uri], [{ range: { start: { line: 0, character: 8 }, end: { line: 0, character: 18 } }, newText: 'error=true;skip=LW2001' }]);
    assert.ok(actions.some((a) => a.title === 'Ignore LW2001 for this instruction'));
    const source = (await s.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [], only: ['source.fixAll'] } })) as CodeAction[];
    assert.deepEqual(source.map((a) => a.kind), ['source.fixAll']);
    // Applying source.fixAll leaves no LW2001.
    const lines = text.split('\n');
    for (const e of [...source[0].edit!.changes![uri]].reverse()) {
      const l = lines[e.range.start.line];
      lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
    }
    s.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: lines.join('\n') }] });
    await s.diagnostics(uri, (p) => p.version === 2 && !p.diagnostics.some((x: Diagnostic) => x.code === 'LW2001'));
  } finally {
    await s.close();
  }
});

test('settings apply live: severities, ignored rules, layer-count threshold, base-image overrides', { skip }, async () => {
  const { session: s } = await startSession(tempDir());
  try {
    const dir = contextWith({ 'run.sh': ['#!/bin/bash\necho', 0o755] });
    const uri = openDocument(s, path.join(dir, 'Dockerfile'), 'FROM mycorp/runtime:2\nCOPY run.sh /\nRUN true\nENTRYPOINT ["/run.sh"]\n');
    await s.diagnostics(uri, (p) => p.diagnostics.length === 0);
    const change = (layerwise: object) => s.connection.sendNotification('workspace/didChangeConfiguration', { settings: { layerwise } });
    change({ lint: { layerCountThreshold: 1, baseImages: { 'mycorp/runtime': { present: ['/bin/sh'] } } } });
    const p1 = await s.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'LW1001') && p.diagnostics.some((d) => d.code === 'LW2002'));
    assert.match(p1.diagnostics.find((d) => d.code === 'LW2002')!.message, /mycorp\/runtime/);
    change({ lint: { layerCountThreshold: 1, severities: { 'layer-count': 'info' }, ignored: ['LW2002'], baseImages: { 'mycorp/runtime': { present: ['/bin/sh'] } } } });
    const p2 = await s.diagnostics(uri, (p) => !p.diagnostics.some((d) => d.code === 'LW2002') && p.diagnostics.some((d) => d.code === 'LW1001' && d.severity === 3));
    assert.equal(p2.diagnostics.length, 1);
    change({ lint: { layerCountThreshold: 'many' } });
    const p3 = await s.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'LW1001'));
    assert.equal(p3.diagnostics.find((d) => d.code === 'LW1001')!.severity, 3, 'a malformed value keeps the earlier settings');
  } finally {
    await s.close();
  }
});
