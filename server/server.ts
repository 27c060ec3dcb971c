import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
  type WorkDoneProgressParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeImage } from '../engine/analyze/analyze-image';
import { defaultStoreDir, Store } from '../engine/image/store';
import { buildProblem, runBuild, textToBuild } from './builds';
import { Notifications, Requests, type BuildParams, type InspectParams, type RunParams, type ServerSettings, type StopRunParams } from './protocol';
import { listImages, Runs } from './runs';
import { fixesToCodeActions } from './service/code-actions';
import { definitionAt, hoverAt } from './service/navigation';
import { Validator } from './validation';

// The server speaks LSP over whatever transport it was started with (--stdio, --node-ipc).
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let settings: ServerSettings = { store: '', layerCountThreshold: 20, builder: 'auto' };
let store: Promise<Store> | undefined;

const openStore = (): Promise<Store> => (store ??= Store.open(settings.store || defaultStoreDir()));

// The store is optional for linting: without one, base images are simply unknown.
let lintStore: Store | undefined;
const validator = new Validator(connection, documents, () => ({ store: lintStore, layerCountThreshold: settings.layerCountThreshold }));

function applySettings(next: Partial<ServerSettings> | undefined): void {
  const merged = { ...settings, ...(next ?? {}) };
  if (merged.store !== settings.store) store = undefined;
  settings = merged;
  openStore().then((s) => (lintStore = s), (e) => connection.console.error(`layerwise: cannot open the image store: ${e.message}`));
}

connection.onInitialize((params): InitializeResult => {
  applySettings((params.initializationOptions as { settings?: Partial<ServerSettings> } | undefined)?.settings);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      hoverProvider: true,
      definitionProvider: true,
    },
    serverInfo: { name: 'layerwise' },
  };
});

connection.onInitialized(() => {
  void connection.client.register(DidChangeConfigurationNotification.type, { section: 'layerwise' }).catch(() => undefined);
});

connection.onDidChangeConfiguration((change) => {
  const s = (change.settings as { layerwise?: Partial<ServerSettings> & { lint?: { layerCountThreshold?: number } } } | undefined)?.layerwise;
  if (s) applySettings({ store: s.store, layerCountThreshold: s.lint?.layerCountThreshold ?? s.layerCountThreshold, builder: s.builder });
  validator.revalidateAll();
});

documents.onDidOpen((e) => validator.schedule(e.document, 0));
documents.onDidChangeContent((e) => validator.schedule(e.document));
documents.onDidSave((e) => {
  validator.invalidateContexts();
  validator.schedule(e.document, 0);
});
documents.onDidClose((e) => validator.clear(e.document.uri));
connection.onDidChangeWatchedFiles(() => {
  validator.invalidateContexts();
  validator.revalidateAll();
});

connection.onCodeAction((params) => fixesToCodeActions(params.textDocument.uri, documents.get(params.textDocument.uri)?.getText() ?? '', params.context.diagnostics));

connection.onHover((params) => {
  const doc = documents.get(params.textDocument.uri);
  return doc ? hoverAt(doc.getText(), params.position) : null;
});

connection.onDefinition((params) => {
  const doc = documents.get(params.textDocument.uri);
  return doc ? definitionAt(params.textDocument.uri, doc.getText(), params.position) : null;
});

connection.onRequest(Requests.build, async (params: BuildParams & WorkDoneProgressParams, token) => {
  // A plain-string request gets no reporter of its own: attach one to the client's token.
  const progress = connection.window.attachWorkDoneProgress(params.workDoneToken);
  const text = await textToBuild(params, documents);
  try {
    const result = await runBuild(params, await openStore(), settings.builder, documents, token, progress, (line) => connection.console.log(line));
    validator.setBuildProblem(params.uri, undefined);
    return result;
  } catch (e) {
    validator.setBuildProblem(params.uri, buildProblem(e, params, text));
    throw e;
  } finally {
    validator.invalidateContexts();
  }
});

connection.onRequest(Requests.inspect, async (params: InspectParams) => analyzeImage(await openStore(), params.ref));

const runs = new Runs((params) => void connection.sendNotification(Notifications.runOutput, params));
connection.onRequest(Requests.run, async (params: RunParams) => runs.run(params, await openStore()));
connection.onRequest(Requests.stopRun, (params: StopRunParams) => runs.stop(params.id));
connection.onRequest(Requests.images, async () => listImages(await openStore()));
connection.onShutdown(() => runs.stopAll());

process.on('uncaughtException', (e) => connection.console.error(`layerwise: uncaught ${e.stack ?? e}`));
process.on('unhandledRejection', (e) => connection.console.error(`layerwise: unhandled ${(e as Error)?.stack ?? e}`));

documents.listen(connection);
connection.listen();
