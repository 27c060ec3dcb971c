import * as fs from 'node:fs/promises';
import { URI } from 'vscode-uri';
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
  type WorkDoneProgressParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as path from 'node:path';
import { familiarReference, parseReference } from '../engine/image/reference';
import { defaultStoreDir, Store } from '../engine/image/store';
import { baseSummaries } from './base-summary';
import { BuildRecords } from './build-records';
import { buildAnswer, buildProblem, cancelBuild, runBuild, textToBuild } from './builds';
import { contextLister } from './context-entries';
import { withAbort } from './errors';
import { ImageService } from './images';
import {
  Notifications, Requests,
  type BuildParams, type CancelBuildParams, type CompareParams, type ExportParams, type FileContentParams, type InspectParams, type LintFilesParams,
  type PullParams, type PushParams, type RunParams, type ServerSettings, type StagesParams, type StopRunParams,
} from './protocol';
import { Runs } from './runs';
import { readSettings } from './settings';
import { codeActions } from './service/code-actions';
import { completionAt } from './service/completion';
import { instructionAt, parsed } from './service/document';
import { documentSymbols } from './service/document-symbols';
import { foldingRanges } from './service/folding';
import { formatDocument } from './service/formatting';
import { layerLenses } from './service/layer-lens';
import { stagesOf } from './service/stages';
import { definitionAt, hoverAt } from './service/navigation';
import { highlightsAt, prepareRenameAt, referencesAt, renameAt } from './service/references';
import { SEMANTIC_LEGEND, semanticTokens } from './service/semantic-tokens';
import { Validator } from './validation';

// The server speaks LSP over whatever transport it was started with (--stdio, --node-ipc).
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let settings: ServerSettings = readSettings(undefined);
let store: Promise<Store> | undefined;
let codeLensRefresh = false;
const records = new BuildRecords();

const openStore = (): Promise<Store> => (store ??= Store.open(settings.store || defaultStoreDir()));

// The store is optional for linting: without one, base images are simply unknown.
let lintStore: Store | undefined;
const validator = new Validator(connection, documents, () => ({
  store: lintStore,
  options: {
    layerCountThreshold: settings.layerCountThreshold,
    severities: settings.severities,
    ignored: settings.ignored,
    shellcheckPath: settings.shellcheckPath,
    baseOverrides: settings.baseImages,
  },
}));
const images = new ImageService(openStore);

function applySettings(next: ServerSettings): void {
  if (next.store !== settings.store) {
    store = undefined;
    images.reset();
  }
  settings = next;
  openStore().then((s) => (lintStore = s), (e) => connection.console.error(`layerwise: cannot open the image store: ${e.message}`));
}

const fsPathOf = (uri: string): string | undefined => (URI.parse(uri).scheme === 'file' ? URI.parse(uri).fsPath : undefined);
const textOf = (uri: string): string | undefined => documents.get(uri)?.getText();

connection.onInitialize((params): InitializeResult => {
  applySettings(readSettings((params.initializationOptions as { settings?: unknown } | undefined)?.settings, settings));
  codeLensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true, range: true },
      documentFormattingProvider: true,
      documentRangeFormattingProvider: true,
      completionProvider: { triggerCharacters: ['$', '{', '-', '=', ',', '/', ':', ' '] },
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'layerwise' },
  };
});

connection.onInitialized(() => {
  void connection.client.register(DidChangeConfigurationNotification.type, { section: 'layerwise' }).catch(() => undefined);
});

connection.onDidChangeConfiguration((change) => {
  const section = (change.settings as { layerwise?: unknown } | undefined)?.layerwise;
  if (section) applySettings(readSettings(section, settings));
  validator.revalidateAll();
});

documents.onDidOpen((e) => validator.schedule(e.document, 0));
documents.onDidChangeContent((e) => validator.schedule(e.document));
documents.onDidSave((e) => {
  filesChanged();
  validator.schedule(e.document, 0);
});
documents.onDidClose((e) => validator.clear(e.document.uri));
connection.onDidChangeWatchedFiles(() => {
  filesChanged();
  validator.revalidateAll();
});

connection.onCodeAction((params) => {
  const text = textOf(params.textDocument.uri);
  if (text === undefined) return [];
  return codeActions(params.textDocument.uri, text, params.context.diagnostics, validator.diagnostics(params.textDocument.uri), params.context.only);
});

connection.onHover(async (params) => {
  const text = textOf(params.textDocument.uri);
  if (text === undefined) return null;
  const file = fsPathOf(params.textDocument.uri);
  const imageStore = await openStore().catch(() => undefined);
  const bases = await baseSummaries(parsed(text), imageStore, settings.baseImages);
  return hoverAt(text, params.position, { bases, record: file ? await records.latest(file, imageStore) : undefined });
});

connection.onDefinition((params) => {
  const text = textOf(params.textDocument.uri);
  return text === undefined ? null : definitionAt(params.textDocument.uri, text, params.position);
});

connection.onReferences((params) => {
  const text = textOf(params.textDocument.uri);
  return text === undefined ? [] : referencesAt(params.textDocument.uri, text, params.position, params.context.includeDeclaration);
});

connection.onDocumentHighlight((params) => {
  const text = textOf(params.textDocument.uri);
  return text === undefined ? [] : highlightsAt(text, params.position);
});

connection.onPrepareRename((params) => {
  const text = textOf(params.textDocument.uri);
  return text === undefined ? null : prepareRenameAt(text, params.position);
});

connection.onRenameRequest((params) => {
  const text = textOf(params.textDocument.uri);
  return text === undefined ? null : renameAt(params.textDocument.uri, text, params.position, params.newName);
});

connection.onDocumentSymbol((params) => {
  const text = textOf(params.textDocument.uri);
  return text === undefined ? [] : documentSymbols(text);
});

connection.onFoldingRanges((params) => {
  const text = textOf(params.textDocument.uri);
  return text === undefined ? [] : foldingRanges(text);
});

connection.languages.semanticTokens.on((params) => {
  const text = textOf(params.textDocument.uri);
  return text === undefined ? { data: [] } : semanticTokens(text);
});

connection.languages.semanticTokens.onRange((params) => {
  const text = textOf(params.textDocument.uri);
  return text === undefined ? { data: [] } : semanticTokens(text, params.range);
});

connection.onDocumentFormatting((params) => {
  const text = textOf(params.textDocument.uri);
  return text === undefined ? [] : formatDocument(text, params.options);
});

connection.onDocumentRangeFormatting((params) => {
  const text = textOf(params.textDocument.uri);
  return text === undefined ? [] : formatDocument(text, params.options, params.range);
});

// The store's image list is read at most once a second: completion runs on every keystroke.
let imagesCache: { at: number; refs: Promise<string[]> } | undefined;
function storeImages(): Promise<string[]> {
  if (!imagesCache || Date.now() - imagesCache.at > 1000) {
    const refs = openStore()
      .then((s) => s.images())
      .then((list) => list.map((i) => familiarReference(parseReference(i.ref))))
      .catch(() => []);
    imagesCache = { at: Date.now(), refs };
  }
  return imagesCache.refs;
}

// One context lister per Dockerfile (its .dockerignore read once), until files change.
const listers = new Map<string, ReturnType<typeof contextLister>>();
function lister(file: string): ReturnType<typeof contextLister> {
  let l = listers.get(file);
  if (!l) listers.set(file, (l = validator.context(path.dirname(file)).then((index) => contextLister(index, file))));
  return l;
}

function filesChanged(): void {
  validator.invalidateContexts();
  listers.clear();
}

connection.onCompletion(async (params) => {
  const text = textOf(params.textDocument.uri);
  if (text === undefined) return null;
  const file = fsPathOf(params.textDocument.uri);
  const doc = parsed(text);
  const keyword = instructionAt(doc.dockerfile, params.position)?.keyword ?? /^\s*(\w+)\s/.exec(doc.lines[params.position.line] ?? '')?.[1]?.toUpperCase();
  // Only instructions that can want them pay for the store and the context listing.
  const images = keyword === 'FROM' || keyword === 'COPY' || keyword === 'RUN' ? await storeImages() : [];
  const contextEntries = file && (keyword === 'COPY' || keyword === 'ADD') ? await lister(file).catch(() => undefined) : undefined;
  return completionAt(text, params.position, { images, contextEntries });
});

connection.onCodeLens(async (params) => {
  const text = textOf(params.textDocument.uri);
  const file = fsPathOf(params.textDocument.uri);
  if (text === undefined) return [];
  return layerLenses(text, file ? await records.latest(file, await openStore().catch(() => undefined)) : undefined);
});

connection.onRequest(Requests.build, async (params: BuildParams & WorkDoneProgressParams, token) => {
  // A plain-string request gets no reporter of its own: attach one to the client's token.
  const progress = connection.window.attachWorkDoneProgress(params.workDoneToken);
  const text = await textToBuild(params, documents);
  const collector = records.collect(URI.parse(params.uri).fsPath, params.buildArgs);
  try {
    const result = await runBuild(params, await openStore(), settings, documents, token, progress, (line) => connection.console.log(line), collector.onEvent);
    collector.finish(result);
    images.remember(result.image);
    validator.setBuildProblem(params.uri, undefined);
    return buildAnswer(result, params.knownAnalysis);
  } catch (e) {
    validator.setBuildProblem(params.uri, buildProblem(e, params, text));
    throw e;
  } finally {
    filesChanged();
    refreshCodeLenses();
  }
});

/**
 * Asks the client to fetch CodeLenses again. VS Code drops a refresh that lands just before
 * the editor loses focus (the client reveals the Layers view after a build, and the editor
 * cancels its pending CodeLens update on blur): a second one, once the view has taken focus,
 * gets through.
 */
function refreshCodeLenses(): void {
  if (!codeLensRefresh) return;
  const send = () => void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  send();
  setTimeout(send, 1500).unref();
}

connection.onRequest(Requests.cancelBuild, (params: CancelBuildParams) => cancelBuild(params.id));
connection.onRequest(Requests.inspect, (params: InspectParams, token) => withAbort(token, (signal) => images.inspect(params, signal)));
// Sent with or without params: the handler takes none (without params the token would come first).
connection.onRequest(Requests.images, () => images.images());
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

const runs = new Runs((params) => void connection.sendNotification(Notifications.runOutput, params));
connection.onRequest(Requests.run, async (params: RunParams) => runs.run(params, await openStore()));
connection.onRequest(Requests.stopRun, (params: StopRunParams) => runs.stop(params.id));
connection.onShutdown(() => runs.stopAll());

process.on('uncaughtException', (e) => connection.console.error(`layerwise: uncaught ${e.stack ?? e}`));
process.on('unhandledRejection', (e) => connection.console.error(`layerwise: unhandled ${(e as Error)?.stack ?? e}`));

documents.listen(connection);
connection.listen();
