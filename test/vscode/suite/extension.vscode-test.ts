// Runs inside a real VS Code extension host (code-server via test/vscode/suite.test.ts, or
// Electron via test/vscode/run-electron.ts) against the real Layerwise extension.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as VSCode from 'vscode';
import type { BuildResult, RunResult } from '../../../server/protocol';
import { waitFor } from './wait';

// Only an extension host running mocha may load this file. Anywhere else (e.g. a bare `node --test`
// that walks every .js under a test folder) it defines nothing instead of failing on `vscode`.
const inHost = typeof suite === 'function';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vscode: typeof VSCode = inHost ? require('vscode') : (undefined as never);

const EXTENSION_ID = 'layerwise.layerwise';
const TAG = 'hello-suite:latest';

interface LayersView {
  getChildren(node?: unknown): unknown[] | Thenable<unknown[]> | null | undefined;
  getTreeItem?(node: unknown): VSCode.TreeItem | Thenable<VSCode.TreeItem>;
}

if (inHost) suite('Layerwise in a real VS Code', function () {
  let example: string; // folder holding Dockerfile, hello.txt, while.sh
  let dockerfile: VSCode.Uri;
  let built: BuildResult | undefined;

  suiteSetup(function () {
    example = findExample();
    dockerfile = vscode.Uri.file(path.join(example, 'Dockerfile'));
    console.log(`  example: ${example} (VS Code ${vscode.version}, appHost ${vscode.env.appHost})`);
  });

  test('opening the Dockerfile activates the extension and flags while.sh (LW2001)', async function () {
    const doc = await vscode.workspace.openTextDocument(dockerfile);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'dockerfile');

    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
    await waitFor('extension activation', 30_000, () => ext.isActive || undefined);

    const found = await waitFor('an LW2001 diagnostic', 45_000, () => {
      const d = vscode.languages.getDiagnostics(dockerfile).filter((x) => x.source === 'layerwise' && codeOf(x) === 'LW2001');
      return d.length > 0 ? d : undefined;
    });
    const onLines = found.filter((d) => d.range.start.line === 2 || d.range.start.line === 3);
    assert.ok(onLines.length > 0,
      `LW2001 not on line 2 or 3 (0-based): ${found.map((d) => `${fmt(d.range)} ${d.message}`).join('; ')}`);
    for (const d of onLines) {
      const line = d.range.start.line;
      const text = doc.lineAt(line).text;
      const col = text.indexOf('while.sh');
      assert.ok(col >= 0, `line ${line} has no "while.sh": ${text}`);
      const expected = new vscode.Range(line, col, line, col + 'while.sh'.length);
      assert.ok(d.range.isEqual(expected),
        `LW2001 range ${fmt(d.range)} ("${doc.getText(d.range)}") is not "while.sh" at ${fmt(expected)} in: ${text}`);
      assert.ok(d.severity === vscode.DiagnosticSeverity.Warning || d.severity === vscode.DiagnosticSeverity.Error,
        `LW2001 severity ${d.severity}`);
      console.log(`    LW2001 at ${fmt(d.range)}: ${d.message}`);
    }
  });

  test('layerwise.buildImage builds the image and reports the COPY layer with real file sizes', async function () {
    const result = await vscode.commands.executeCommand<BuildResult>('layerwise.buildImage',
      { dockerfile: dockerfile.fsPath, tag: TAG });
    assert.ok(result && typeof result === 'object' && result.image, `buildImage resolved to ${JSON.stringify(result)}`);
    const image = result.image;
    assert.equal(image.ref, `docker.io/library/${TAG}`);
    assert.equal(image.name, TAG);
    assert.match(image.digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(typeof image.size, 'number');
    assert.ok(Array.isArray(image.layers), 'image.layers is not an array');

    const copies = image.layers.filter((l) => l.instruction.startsWith('COPY'));
    assert.equal(copies.length, 1, `expected one COPY layer, got: ${image.layers.map((l) => l.instruction).join(' | ')}`);
    const copy = copies[0];
    assert.ok(copy.instruction.includes('hello.txt') && copy.instruction.includes('while.sh'), copy.instruction);
    assert.equal(typeof copy.size, 'number');
    assert.equal(typeof copy.index, 'number');
    const lines = fs.readFileSync(dockerfile.fsPath, 'utf8').split('\n');
    assert.ok(copy.source, 'the COPY layer has no Dockerfile location');
    assert.equal(lines[copy.source.range.start.line], 'COPY hello.txt while.sh /');
    for (const name of ['hello.txt', 'while.sh']) {
      const f = copy.files.find((x) => x.path.replace(/^\.?\/+/, '') === name);
      assert.ok(f, `${name} not in the COPY layer's files: ${JSON.stringify(copy.files)}`);
      assert.equal(f.size, fs.statSync(path.join(example, name)).size, `size of ${name}`);
    }

    // The runner points layerwise.store at a fresh temp folder: the image must have landed there.
    const store = vscode.workspace.getConfiguration('layerwise').get<string>('store');
    if (store) {
      assert.ok(fs.existsSync(store) && fs.readdirSync(store).length > 0, `store ${store} is empty after the build`);
    }
    console.log(`    built ${image.ref} ${image.digest} (${image.layers.length} layer(s), ${image.size} B)`);
    built = result;
  });

  test("the exported layersView shows the image node and its layers", async function () {
    assert.ok(built, 'needs the build of the previous test');
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const api = ext.exports as { layersView?: LayersView } | undefined;
    assert.ok(api && api.layersView, `activate() exports no layersView: ${Object.keys(api ?? {}).join(', ')}`);
    const view = api.layersView;

    const roots = await waitFor('the image node in layersView', 15_000, async () => {
      const r = (await view.getChildren()) ?? [];
      for (const n of r) if ((await labelOf(view, n)) === built!.image.name) return { all: r, image: n };
      return undefined;
    }).catch(async (e) => {
      const r = (await view.getChildren()) ?? [];
      throw new Error(`${(e as Error).message}; roots: ${JSON.stringify(await Promise.all(r.map((n) => labelOf(view, n))))}`);
    });
    const children = (await view.getChildren(roots.image)) ?? [];
    const labels = await Promise.all(children.map((n) => labelOf(view, n)));
    const instructions = built.image.layers.map((l) => l.instruction);
    // The layers, in order; other nodes (e.g. an "All files" node) may follow them.
    assert.deepEqual(labels.filter((l) => instructions.includes(l)), instructions,
      `layer nodes under the image node: ${JSON.stringify(labels)}`);
    const others = labels.filter((l) => !instructions.includes(l));
    if (others.length) console.log(`    image node also has: ${others.join(', ')}`);
    const copyNode = children[labels.findIndex((l) => l.startsWith('COPY'))];
    const files = (await view.getChildren(copyNode)) ?? [];
    const fileLabels = await Promise.all(files.map((n) => labelOf(view, n)));
    assert.ok(fileLabels.some((l) => l.includes('while.sh')), `files under the COPY layer: ${JSON.stringify(fileLabels)}`);
  });

  test('layerwise.runImage explains a failure to start, then runs an image: base/own groups and Container changes in the view', async function () {
    this.timeout(120_000);
    // The hello example's while.sh has no execute bit: Docker's explanation, before anything runs.
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('layerwise.runImage', { ref: TAG })),
      (e: Error) => /exec: "\/while\.sh": permission denied/.test(e.message),
    );
    // A busybox base from Debian's busybox-static in the store the extension uses, and an image on it.
    const store = vscode.workspace.getConfiguration('layerwise').get<string>('store');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const helpers = require(path.resolve(__dirname, '..', '..', 'helpers', 'busybox.js')) as typeof import('../../helpers/busybox');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Store } = require(path.resolve(__dirname, '..', '..', '..', 'engine', 'image', 'store.js')) as typeof import('../../../engine/image/store');
    const why = !store ? 'layerwise.store is not set' : helpers.runSkipReason();
    if (why) {
      console.log(`    skipped the run: ${why}`);
      return this.skip();
    }
    await helpers.makeBusyboxImage(await Store.open(store), 'busybox:latest');
    const ctx = fs.mkdtempSync(path.join(path.dirname(store!), 'layerwise-run-'));
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM busybox:latest\nRUN echo base > /f\nCMD ["sh", "-c", "echo from-the-container; echo more >> /f; rm /etc/group"]\n');
    await vscode.commands.executeCommand('layerwise.buildImage', { dockerfile: path.join(ctx, 'Dockerfile'), tag: 'runme:1' });
    const result = await vscode.commands.executeCommand<RunResult>('layerwise.runImage', { ref: 'runme:1', timeoutSeconds: 30 });
    assert.equal(result.run.exitCode, 0);
    assert.deepEqual(result.run.changes.filter((c) => c.type !== 'directory').map((c) => [c.kind, c.path, c.fromLayer]), [['deleted', '/etc/group', 0], ['modified', '/f', 1]]);
    assert.equal(result.run.imageAfter.unchanged, true);

    const view = (vscode.extensions.getExtension(EXTENSION_ID)!.exports as { layersView: LayersView }).layersView;
    const [image] = (await view.getChildren()) ?? [];
    const top = (await view.getChildren(image)) ?? [];
    const labels = await Promise.all(top.map((n) => labelOf(view, n)));
    assert.deepEqual(labels, ['Base: busybox:latest', 'Own layers', 'All files', 'Container changes']);
    const own = await Promise.all(((await view.getChildren(top[1])) ?? []).map((n) => labelOf(view, n)));
    assert.deepEqual(own, ['RUN /bin/sh -c echo base > /f']);
    const changes = (await view.getChildren(top[3])) ?? [];
    const described = await Promise.all(changes.map(async (n) => { const item = await view.getTreeItem!(n); return `${item.label} ${item.description}`; }));
    assert.ok(described.some((d) => /^f .* · M$/.test(d)), JSON.stringify(described));
    assert.ok(described.some((d) => /^etc /.test(d)), JSON.stringify(described));
    console.log(`    container changes: ${described.join(' | ')}`);
    // The Images view: the store's totals, and per image what it shares (runme:1 and busybox share the base).
    const imagesView = (vscode.extensions.getExtension(EXTENSION_ID)!.exports as { imagesView: LayersView }).imagesView;
    const rows = await Promise.all(((await imagesView.getChildren()) ?? []).map(async (n) => { const item = await imagesView.getTreeItem!(n); return `${item.label} ${item.description}`; }));
    assert.match(rows[0], /^Store .* of layers on disk · .* in image sizes$/);
    assert.ok(rows.some((r) => /^runme:1 .* unique · .* shared$/.test(r)) && rows.some((r) => /^busybox:latest .* · 0 B unique · /.test(r)), JSON.stringify(rows));
  });

  test('the layer CodeLens shows the built COPY layer and its click reveals that layer', async function () {
    assert.ok(built, 'needs the build of an earlier test');
    const copy = built.image.layers.find((l) => l.instruction.startsWith('COPY'))!;
    const lens = await waitFor('a layer CodeLens', 20_000, async () => {
      const lenses = await vscode.commands.executeCommand<VSCode.CodeLens[]>('vscode.executeCodeLensProvider', dockerfile, 10);
      return lenses?.find((l) => l.command?.command === 'layerwise.revealLayer');
    });
    assert.equal(lens.range.start.line, copy.source!.range.start.line);
    assert.match(lens.command!.title, new RegExp(`^layer ${copy.index} · [^·]+ · ${copy.files.length} files · (built|cached)$`));
    await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
    const api = vscode.extensions.getExtension(EXTENSION_ID)!.exports as { layersView: { current?: { digest: string } } };
    assert.equal(api.layersView.current?.digest, built.image.digest);
    console.log(`    CodeLens on line ${lens.range.start.line}: ${lens.command!.title}`);
  });
});

/** The folder with the hello example: the opened workspace folder, else $LAYERWISE_EXAMPLE, else the project's. */
function findExample(): string {
  const candidates = [
    ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    ...(vscode.workspace.workspaceFolders ?? []).map((f) => path.join(f.uri.fsPath, 'examples', 'hello')),
    process.env.LAYERWISE_EXAMPLE ?? '',
    path.resolve(__dirname, '..', '..', '..', '..', 'examples', 'hello'),
  ];
  for (const c of candidates) {
    if (c && fs.existsSync(path.join(c, 'Dockerfile')) && fs.existsSync(path.join(c, 'while.sh'))) return c;
  }
  throw new Error(`no hello example among ${candidates.join(', ')}`);
}

async function labelOf(view: LayersView, node: unknown): Promise<string> {
  if (view.getTreeItem) {
    const item = await view.getTreeItem(node);
    const l = item.label;
    return typeof l === 'string' ? l : l?.label ?? '';
  }
  const n = node as { label?: unknown };
  return typeof n.label === 'string' ? n.label : JSON.stringify(node);
}

function codeOf(d: VSCode.Diagnostic): string | number | undefined {
  const c = d.code;
  return typeof c === 'object' && c !== null ? c.value : c;
}

function fmt(r: VSCode.Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}
