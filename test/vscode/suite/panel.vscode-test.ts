// The side panel, commands, `layerwise:` documents and settings, inside a real VS Code extension
// host (loaded after extension.vscode-test.js, by name). Each test builds what it needs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as VSCode from 'vscode';
import { humanSize } from '../../../engine/analyze/format';
import type { FileNode } from '../../../engine/analyze/model';
import type { BuildResult, ImageAnalysis, ImageSummary, LintFilesResult } from '../../../server/protocol';
import { waitFor } from './wait';

const inHost = typeof suite === 'function';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vscode: typeof VSCode = inHost ? require('vscode') : (undefined as never);

interface Provider<T> {
  getChildren(node?: T): T[] | Thenable<T[]>;
  getTreeItem(node: T): VSCode.TreeItem;
}

interface Api {
  layersView: Provider<{ kind: string; layer?: { index: number } }> & { current?: ImageAnalysis };
  filesView: Provider<FileNode> & VSCode.FileDecorationProvider & { selectLayer(i: number | undefined): void; toggleWastedFilter(): boolean; current?: { filter: { layer?: number } } };
  imagesView: Provider<{ kind: 'store' } | ({ kind: 'image' } & ImageSummary)>;
  statusBar: { text: string };
  activationMs: number;
  activateCallMs: number;
}

if (inHost) suite('Layerwise panel, commands and documents', function () {
  let api: Api;
  let work: string; // a temp folder of build contexts

  suiteSetup(async function () {
    const ext = vscode.extensions.getExtension('layerwise.layerwise')!;
    api = (await ext.activate()) as Api;
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'layerwise-panel-'));
  });

  suiteTeardown(() => fs.rmSync(work, { recursive: true, force: true }));

  test('activation takes at most 200 ms', function () {
    console.log(`    activation: ${api.activationMs.toFixed(1)} ms from loading the bundle (activate() itself ${api.activateCallMs.toFixed(1)} ms)`);
    assert.ok(api.activationMs <= 200, `activation took ${api.activationMs} ms`);
  });

  test('every contributed command is registered', async function () {
    const contributed = (vscode.extensions.getExtension('layerwise.layerwise')!.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(contributed.length >= 20, `only ${contributed.length} commands contributed`);
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
    for (const c of ['layerwise.rebuildImage', 'layerwise.cancelBuild', 'layerwise.inspectImage', 'layerwise.exportImage', 'layerwise.pushImage', 'layerwise.pullImage', 'layerwise.compareImages', 'layerwise.lintWorkspace']) {
      assert.ok(contributed.includes(c), `${c} not contributed`);
    }
  });

  test('the Images, Layers and Files views show a built example, with badges, filters and the status bar', async function () {
    const example = exampleDir();
    const dockerfile = path.join(example, 'Dockerfile');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(dockerfile));
    await build(dockerfile, 'hello-panel:latest');
    // Built again: the COPY step comes from the cache, and the Layers view says so.
    const built = await build(dockerfile, 'hello-panel:latest');
    const image = built.image;
    const copyLayer = image.layers.find((l) => l.instruction.startsWith('COPY'))!;
    assert.deepEqual(built.cachedLayers, [copyLayer.digest]);

    const [storeNode, ...images] = await api.imagesView.getChildren();
    assert.match(String(api.imagesView.getTreeItem(storeNode).description), /of layers on disk · .* in image sizes$/);
    assert.ok(images.every((i) => i.kind === 'image'));
    assert.equal((images[0] as ImageSummary).digest, image.digest, 'the last build is on top');
    const imageItem = api.imagesView.getTreeItem(images[0]);
    assert.equal(imageItem.label, 'hello-panel:latest');
    assert.match(String(imageItem.description), new RegExp(`${image.layers.length} layers? · 100% efficient · .* unique · .* shared$`));

    const layerNodes = (await api.layersView.getChildren((await api.layersView.getChildren())[0])).filter((n) => n.kind === 'layer');
    assert.deepEqual(layerNodes.map((n) => api.layersView.getTreeItem(n as never).label), image.layers.map((l) => l.instruction));
    const copied = ['hello.txt', 'while.sh'].reduce((n, f) => n + fs.statSync(path.join(example, f)).size, 0);
    assert.equal(api.layersView.getTreeItem(layerNodes[copyLayer.index] as never).description, `${humanSize(copied)} · 2 files · cached`);

    const root = await api.filesView.getChildren();
    const names = root.map((n) => n.name).sort();
    assert.deepEqual(names, ['hello.txt', 'while.sh']);
    for (const n of root) {
      const item = api.filesView.getTreeItem(n);
      assert.equal(item.description, humanSize(fs.statSync(path.join(example, n.name)).size));
      assert.equal(item.resourceUri?.scheme, 'layerwise');
      const decoration = await api.filesView.provideFileDecoration(item.resourceUri!, new vscode.CancellationTokenSource().token);
      assert.equal(decoration?.badge, 'A');
    }

    // The CodeLens entry point: selecting the layer in the Layers view narrows the Files view to it.
    assert.equal(await vscode.commands.executeCommand('layerwise.revealLayer', { layer: 0 }), true);
    await waitFor('the Files view to follow the selected layer', 5_000, () => (api.filesView.current?.filter.layer === 0 ? true : undefined));
    assert.equal(await vscode.commands.executeCommand('layerwise.revealLayer', 99), false);
    api.filesView.selectLayer(0);
    assert.deepEqual((await api.filesView.getChildren()).map((n) => n.name).sort(), ['hello.txt', 'while.sh']);
    api.filesView.selectLayer(undefined);
    assert.equal(api.filesView.toggleWastedFilter(), true);
    assert.deepEqual(await api.filesView.getChildren(), [], 'hello wastes nothing');
    api.filesView.toggleWastedFilter();

    const expected = `${humanSize(image.size)} · 100%`;
    await waitFor(`the status bar to say ${expected}`, 5_000, () => (api.statusBar.text.includes(expected) ? true : undefined));
  });

  test('layerwise: documents show a layer\'s copy; Compare with Previous Version diffs two layers', async function () {
    const ctx = context({ 'hello.txt': 'first\n', 'v2/hello.txt': 'second\n', 'data.bin': Buffer.from([0, 1, 2, 3, 255]), Dockerfile: 'FROM scratch\nCOPY hello.txt data.bin /\nCOPY v2/hello.txt /hello.txt\n' });
    const { image } = await build(path.join(ctx, 'Dockerfile'), 'two-copies:1');
    const uri = (layer: number, p: string) => vscode.Uri.from({ scheme: 'layerwise', path: p, query: new URLSearchParams({ image: image.digest, layer: String(layer) }).toString() });
    assert.equal((await vscode.workspace.openTextDocument(uri(0, '/hello.txt'))).getText(), 'first\n');
    assert.equal((await vscode.workspace.openTextDocument(uri(1, '/hello.txt'))).getText(), 'second\n');
    assert.match((await vscode.workspace.openTextDocument(uri(0, '/data.bin'))).getText(), /binary file, 5 B/);

    await vscode.commands.executeCommand('layerwise.openLayerFile', uri(1, '/hello.txt'));
    assert.equal(vscode.window.activeTextEditor?.document.uri.scheme, 'layerwise');

    const modified = (await api.filesView.getChildren()).find((n) => n.name === 'hello.txt')!;
    assert.equal(api.filesView.getTreeItem(modified).contextValue, 'layerwiseFile.modified');
    await vscode.commands.executeCommand('layerwise.compareWithPrevious', modified);
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(input instanceof vscode.TabInputTextDiff, `active tab is ${JSON.stringify(input)}`);
    assert.equal(new URLSearchParams(input.original.query).get('layer'), '0');
    assert.equal(new URLSearchParams(input.modified.query).get('layer'), '1');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Export Image writes a docker-archive that Inspect Image reads back', async function () {
    const tar = path.join(work, 'hello.tar');
    const written = await vscode.commands.executeCommand<string>('layerwise.exportImage', { image: 'hello-panel:latest', format: 'docker-archive', destination: tar });
    assert.equal(written, tar);
    const inspected = await vscode.commands.executeCommand<ImageAnalysis>('layerwise.inspectImage', tar);
    assert.equal(inspected?.source?.kind, 'docker-archive');
    assert.equal(api.layersView.current?.digest, inspected.digest);
    const lint = await vscode.commands.executeCommand<LintFilesResult>('layerwise.lintWorkspace');
    assert.ok(lint && lint.files >= 1 && lint.findings >= 1, JSON.stringify(lint));
  });

  test('Cancel Build stops a running build; Rebuild repeats the last one', async function () {
    const ctx = context({ Dockerfile: 'FROM scratch\nCOPY big.bin /\n', 'big.bin': Buffer.alloc(96 << 20, 7) });
    const started = Date.now();
    const running = build(path.join(ctx, 'Dockerfile'), 'cancelled:1');
    const outcome = running.then(() => `built in ${Date.now() - started} ms`, (e: Error) => e.message);
    // Polled tightly: the build must still be running when the cancel lands.
    for (let i = 0; !(await vscode.commands.executeCommand<boolean>('layerwise.cancelBuild')); i++) {
      assert.ok(i < 4000, 'the build never showed up as running');
      await new Promise((r) => setTimeout(r, 5));
    }
    const cancelledAt = Date.now() - started;
    assert.match(await outcome, /cancel/i, `cancelled ${cancelledAt} ms after the start`);
    assert.ok(!(await api.imagesView.getChildren()).some((i) => i.kind === 'image' && i.name === 'cancelled:1'), 'a cancelled build tags nothing');

    const small = context({ Dockerfile: 'FROM scratch\nCOPY a /\n', a: 'a' });
    const first = await build(path.join(small, 'Dockerfile'), 'rebuilt:1');
    const again = await vscode.commands.executeCommand<BuildResult>('layerwise.rebuildImage');
    assert.equal(again?.image.digest, first.image.digest);
    assert.equal(again?.image.ref, 'docker.io/library/rebuilt:1');
  });

  test('settings change behaviour: lint.ignored drops a rule, build.sandbox off refuses RUN', async function () {
    const dockerfile = vscode.Uri.file(path.join(exampleDir(), 'Dockerfile'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(dockerfile));
    const lw2001 = () => vscode.languages.getDiagnostics(dockerfile).filter((d) => (typeof d.code === 'object' ? d.code.value : d.code) === 'LW2001').length;
    await waitFor('LW2001 before', 20_000, () => (lw2001() > 0 ? true : undefined));
    const config = vscode.workspace.getConfiguration('layerwise');
    try {
      await config.update('lint.ignored', ['LW2001'], vscode.ConfigurationTarget.Global);
      await waitFor('LW2001 gone with lint.ignored', 20_000, () => (lw2001() === 0 ? true : undefined));
      await config.update('build.sandbox', 'off', vscode.ConfigurationTarget.Global);
      const ctx = context({ Dockerfile: 'FROM scratch\nRUN true\n' });
      await waitFor('the server to take the sandbox setting', 20_000, async () => {
        const e = await build(path.join(ctx, 'Dockerfile'), 'never:1').then(() => undefined, (err: Error) => err);
        return e && /turned off/.test(e.message) ? e : undefined;
      });
    } finally {
      await config.update('lint.ignored', undefined, vscode.ConfigurationTarget.Global);
      await config.update('build.sandbox', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('LW2001 back', 20_000, () => (lw2001() > 0 ? true : undefined));
  });

  function context(files: Record<string, string | Buffer>): string {
    const dir = fs.mkdtempSync(path.join(work, 'ctx-'));
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), content);
    }
    return dir;
  }
});

function build(dockerfile: string, tag: string): Thenable<BuildResult> {
  return vscode.commands.executeCommand<BuildResult>('layerwise.buildImage', { dockerfile, tag });
}

function exampleDir(): string {
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    for (const c of [f.uri.fsPath, path.join(f.uri.fsPath, 'examples', 'hello')]) if (fs.existsSync(path.join(c, 'while.sh'))) return c;
  }
  return process.env.LAYERWISE_EXAMPLE ?? path.resolve(__dirname, '..', '..', '..', '..', 'examples', 'hello');
}
