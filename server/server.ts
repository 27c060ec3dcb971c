import * as fs from 'node:fs/promises';
import { URI } from 'vscode-uri';
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
import { defaultStoreDir, Store } from '../engine/image/store';
import { cancelBuild, runBuild } from './builds';
import { withAbort } from './errors';
import { ImageService } from './images';
import {
  DEFAULT_SERVER_SETTINGS, Requests,
  type BuildParams, type CancelBuildParams, type CompareParams, type ExportParams, type FileContentParams, type InspectParams, type LintFilesParams,
  type PullParams, type PushParams, type ServerSettings, type StagesParams,
} from './protocol';
import { settingsFromConfiguration } from './settings';
import { stagesOf } from './service/stages';
import { fixesToCodeActions } from './service/code-actions';
import { definitionAt, hoverAt } from './service/navigation';
import { Validator } from './validation';

// The server speaks LSP over whatever transport it was started with (--stdio, --node-ipc).
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let settings: ServerSettings = { ...DEFAULT_SERVER_SETTINGS };
let store: Promise<Store> | undefined;

const openStore = (): Promise<Store> => (store ??= Store.open(settings.store || defaultStoreDir()));

// The store is optional for linting: without one, base images are simply unknown.
let lintStore: Store | undefined;
const validator = new Validator(connection, documents, () => ({
  store: lintStore,
  options: { layerCountThreshold: settings.layerCountThreshold, ignored: settings.ignoredRules, severities: settings.ruleSeverities, shellcheckPath: settings.shellcheckPath },
}));
const images = new ImageService(openStore);

function applySettings(next: Partial<ServerSettings> | undefined): void {
  const merged = { ...settings, ...(next ?? {}) };
  if (merged.store !== settings.store) {
    store = undefined;
    images.reset();
  }
  settings = merged;
  openStore().then((s) => (lintStore = s), (e) => connection.console.error(`layerwise: cannot open the image store: ${e.message}`));
}

connection.onInitialize((params): InitializeResult => {
  applySettings(settingsFromConfiguration((params.initializationOptions as { settings?: unknown } | undefined)?.settings));
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
  const s = (change.settings as { layerwise?: unknown } | undefined)?.layerwise;
  if (s) applySettings(settingsFromConfiguration(s));
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
  const result = await runBuild(params, await openStore(), documents, token, progress, (line) => connection.console.log(line), settings);
  images.remember(result.image);
  validator.invalidateContexts();
  return result;
});

connection.onRequest(Requests.cancelBuild, (params: CancelBuildParams) => cancelBuild(params.id));
connection.onRequest(Requests.inspect, (params: InspectParams, token) => withAbort(token, (signal) => images.inspect(params, signal)));
connection.onRequest(Requests.images, (_params: unknown, token) => withAbort(token, () => images.images()));
connection.onRequest(Requests.pull, (params: PullParams & WorkDoneProgressParams, token) =>
  withAbort(token, (signal) => images.pull(params, connection.window.attachWorkDoneProgress(params.workDoneToken), signal)));
connection.onRequest(Requests.push, (params: PushParams & WorkDoneProgressParams, token) =>
  withAbort(token, (signal) => images.push(params, connection.window.attachWorkDoneProgress(params.workDoneToken), signal)));
connection.onRequest(Requests.export, (params: ExportParams, token) => withAbort(token, () => images.export(params)));
connection.onRequest(Requests.compare, (params: CompareParams, token) => withAbort(token, (signal) => images.compare(params.a, params.b, signal)));
connection.onRequest(Requests.fileContent, (params: FileContentParams, token) => withAbort(token, () => images.fileContent(params)));
connection.onRequest(Requests.stages, (params: StagesParams) => {
  const open = documents.get(params.uri);
  return open ? stagesOf(open.getText()) : readText(params.uri).then(stagesOf);
});
connection.onRequest(Requests.lintFiles, (params: LintFilesParams) => validator.lintFiles(params.uris));

function readText(uri: string): Promise<string> {
  return fs.readFile(URI.parse(uri).fsPath, 'utf8');
}

process.on('uncaughtException', (e) => connection.console.error(`layerwise: uncaught ${e.stack ?? e}`));
process.on('unhandledRejection', (e) => connection.console.error(`layerwise: unhandled ${(e as Error)?.stack ?? e}`));

documents.listen(connection);
connection.listen();
