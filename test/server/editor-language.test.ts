// Language features through the real server process over stdio: one server, one document
// per feature, every answer checked against the text it is about.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { CompletionList, DocumentHighlight, DocumentSymbol, FoldingRange, Location, Range, SemanticTokens, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { build } from '../../engine/build/builder';
import { parseDockerfile } from '../../engine/dockerfile/parser';
import { Store } from '../../engine/image/store';
import { contextWith, tempDir } from '../helpers/fixtures';
import { applyEdits, openDocument, serverModule, startSession, type LspSession } from '../helpers/lsp';

const serverJs = serverModule();
const skip = serverJs ? false : 'dist/server.js is missing: run npm run build';
let s: LspSession;
let legend: { tokenTypes: string[]; tokenModifiers: string[] };
const ctx = contextWith({ 'app/main.sh': 'echo hi', 'app/lib/x.txt': 'x', 'README.md': 'r', 'secret.key': 'k', '.dockerignore': 'secret.key\n' });
let counter = 0;

before(async () => {
  if (!serverJs) return;
  // One image in the store, built by our builder: FROM and --from offer it.
  const store = tempDir();
  await build({ context: contextWith({ Dockerfile: 'FROM scratch\nCOPY Dockerfile /\n' }), store: await Store.open(store), tag: 'tools:1.2' });
  const started = await startSession(store);
  s = started.session;
  legend = started.init.capabilities.semanticTokensProvider!.legend;
});
after(async () => s?.close());

function open(text: string): { uri: string; lines: string[]; at: (line: number, needle: string, offset?: number) => { line: number; character: number } } {
  const uri = openDocument(s, path.join(ctx, `Dockerfile.${++counter}`), text);
  const lines = text.split('\n');
  return { uri, lines, at: (line, needle, offset = 0) => ({ line, character: lines[line].indexOf(needle) + offset }) };
}
const request = <T>(method: string, params: object): Promise<T> => s.connection.sendRequest(method, params) as Promise<T>;
const slice = (lines: string[], r: Range) => lines[r.start.line].slice(r.start.character, r.end.character);

async function complete(text: string, line: number, character: number): Promise<string[]> {
  const { uri } = open(text);
  const list = await request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line, character } });
  return list.items.map((i) => i.label);
}

test('completion: instructions, flags, --mount fields and values, stages, variables, context paths', { skip }, async () => {
  assert.ok((await complete('FROM alpine\nWO', 1, 2)).includes('WORKDIR'));
  assert.ok(!(await complete('FROM alpine\nONBUILD ', 1, 8)).includes('FROM'), 'ONBUILD cannot wrap FROM');
  assert.deepEqual(await complete('FROM alpine\nRUN --', 1, 6), ['--mount', '--network', '--security']);
  assert.deepEqual(await complete('FROM alpine\nRUN --network=', 1, 14), ['default', 'none', 'host']);
  assert.deepEqual(await complete('FROM alpine\nRUN --mount=type=', 1, 17), ['bind', 'cache', 'tmpfs', 'secret', 'ssh']);
  const cache = await complete('FROM alpine\nRUN --mount=type=cache,', 1, 23);
  assert.ok(cache.includes('sharing=') && cache.includes('target=') && !cache.includes('type='), cache.join());
  assert.deepEqual(await complete('FROM alpine\nRUN --mount=type=cache,sharing=', 1, 31), ['shared', 'private', 'locked']);
  assert.ok((await complete('FROM alpine\nRUN --mount=type=secret,', 1, 24)).includes('required='));
  // Stages: only earlier ones, after COPY --from=, from= and FROM.
  const stages = 'FROM alpine AS build\nFROM busybox AS test\nCOPY --from= /a /b\nRUN --mount=from=,target=/x true\nFROM \nFROM scratch AS late\n';
  assert.deepEqual(await complete(stages, 2, 12), ['build', 'tools:1.2']);
  assert.deepEqual(await complete(stages, 3, 17), ['build', 'tools:1.2']);
  const from = await complete(stages, 4, 5);
  assert.deepEqual(from, ['build', 'test', 'scratch', 'tools:1.2']);
  // Variables: the stage's ARG/ENV after $ and ${; FROM sees the global ARGs.
  const vars = 'ARG BASE=alpine\nFROM $\nARG VERSION=1\nENV APP=/app\nRUN echo ${\n';
  const inFrom = await complete(vars, 1, 6);
  assert.ok(inFrom.includes('BASE') && inFrom.includes('TARGETARCH') && !inFrom.includes('APP'));
  const inRun = await complete(vars, 4, 11);
  assert.ok(inRun.includes('VERSION') && inRun.includes('APP') && inRun.includes('PATH') && !inRun.includes('BASE'), inRun.join());
  // Context paths, .dockerignore honoured, folders descend.
  const top = await complete('FROM alpine\nCOPY ', 1, 5);
  assert.ok(top.includes('app/') && top.includes('README.md') && !top.includes('secret.key'), top.join());
  assert.deepEqual(await complete('FROM alpine\nCOPY app/', 1, 9), ['lib/', 'main.sh']);
  assert.deepEqual(await complete('FROM alpine\nCOPY --from=build app/', 1, 22), []);
});

const navigation = [
  'ARG VERSION=1.0',
  'FROM alpine AS build',
  'ARG VERSION',
  'ENV APP=/opt/app-$VERSION',
  'RUN echo "$APP" && echo ${VERSION}',
  'FROM build AS test',
  'COPY --from=build $APP /x',
  'RUN --mount=from=build,target=/b true',
  '',
].join('\n');

test('references, highlight and rename for stages and variables', { skip }, async () => {
  const { uri, lines, at } = open(navigation);
  const refs = await request<Location[]>('textDocument/references', { textDocument: { uri }, position: at(5, 'build', 1), context: { includeDeclaration: true } });
  assert.deepEqual(refs.map((r) => [r.range.start.line, slice(lines, r.range)]), [[1, 'build'], [5, 'build'], [6, 'build'], [7, 'build']]);
  const withoutDecl = await request<Location[]>('textDocument/references', { textDocument: { uri }, position: at(1, 'build', 1), context: { includeDeclaration: false } });
  assert.equal(withoutDecl.length, 3);
  const highlights = await request<DocumentHighlight[]>('textDocument/documentHighlight', { textDocument: { uri }, position: at(4, '$APP', 2) });
  assert.deepEqual(highlights.map((h) => [h.range.start.line, slice(lines, h.range), h.kind]), [[3, 'APP', 3], [4, 'APP', 2], [6, 'APP', 2]]);
  const rename = await request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: at(0, 'VERSION', 2), newName: 'RELEASE' });
  const renamed = applyEdits(navigation, rename.changes![uri]);
  assert.equal(renamed.split('\n')[4], 'RUN echo "$APP" && echo ${RELEASE}');
  assert.equal(renamed.split('\n')[3], 'ENV APP=/opt/app-$RELEASE');
  assert.ok(!renamed.includes('VERSION'));
  const stage = await request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: at(6, 'build', 1), newName: 'compile' });
  const stageRenamed = applyEdits(navigation, stage.changes![uri]);
  // The renamed file still resolves every reference to the renamed stage.
  const df = parseDockerfile(stageRenamed);
  assert.deepEqual(df.stages.map((x) => x.name), ['compile', 'test']);
  assert.match(stageRenamed, /COPY --from=compile \$APP/);
  assert.match(stageRenamed, /--mount=from=compile,target/);
  await assert.rejects(request('textDocument/rename', { textDocument: { uri }, position: at(6, 'build', 1), newName: '9bad name' }), /not a valid stage name/);
  await assert.rejects(request('textDocument/rename', { textDocument: { uri }, position: at(6, 'build', 1), newName: 'test' }), /already exists/);
  // A use split over lines cannot be replaced in place: the rename is refused, not half done.
  const split = open('FROM alpine\nARG V=1\nRUN echo $V ${V\\\n}\n');
  await assert.rejects(request('textDocument/rename', { textDocument: { uri: split.uri }, position: split.at(1, 'V', 0), newName: 'W' }), /split over two lines/);
  const prepare = await request<{ range: Range; placeholder: string } | null>('textDocument/prepareRename', { textDocument: { uri }, position: at(4, '${VERSION}', 3) });
  assert.equal(slice(lines, prepare!.range), 'VERSION');
  assert.equal(await request('textDocument/prepareRename', { textDocument: { uri }, position: at(4, 'echo', 1) }), null);
});

test('document symbols: stages with their instructions; folding: stages, heredocs, continuations, comments', { skip }, async () => {
  const text = ['# top', '# comment', 'ARG X=1', 'FROM alpine AS build', 'RUN apk add \\', '    curl \\', '    git', 'RUN <<EOF', 'echo one', 'echo two', 'EOF', 'FROM scratch', 'COPY --from=build /x /x', ''].join('\n');
  const { uri } = open(text);
  const symbols = await request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  assert.deepEqual(symbols.map((x) => x.name), ['ARG', 'build', 'stage 1']);
  assert.deepEqual(symbols[1].children!.map((c) => c.name), ['FROM', 'RUN', 'RUN']);
  assert.deepEqual([symbols[1].range.start.line, symbols[1].range.end.line], [3, 10]);
  assert.deepEqual(symbols[2].children!.map((c) => `${c.name} ${c.detail}`), ['FROM scratch', 'COPY --from=build /x /x']);
  const folds = await request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
  const spans = folds.map((f) => `${f.startLine}-${f.endLine}${f.kind ? ` ${f.kind}` : ''}`);
  assert.deepEqual(spans.sort(), ['0-1 comment', '11-12 region', '3-10 region', '4-6', '7-10'].sort());
});

test('semantic tokens: keywords, flags, variables (declared and used, in RUN too), stage names, directives', { skip }, async () => {
  const text = ['# syntax=docker/dockerfile:1', 'ARG V=1', 'FROM alpine AS base', 'RUN --network=none echo $V', 'COPY --from=base /a /b', ''].join('\n');
  const { uri, lines } = open(text);
  const decode = (tokens: SemanticTokens): string[] => {
    const out: string[] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < tokens.data.length; i += 5) {
      const [dl, dc, len, type, mods] = tokens.data.slice(i, i + 5);
      line += dl;
      char = dl === 0 ? char + dc : dc;
      out.push(`${line}:${lines[line].slice(char, char + len)}:${legend.tokenTypes[type]}${mods & 1 ? '+decl' : ''}`);
    }
    return out;
  };
  const decoded = decode(await request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } }));
  const ranged = decode(await request<SemanticTokens>('textDocument/semanticTokens/range', { textDocument: { uri }, range: { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } } }));
  assert.deepEqual(ranged, decoded.filter((t) => /^[34]:/.test(t)));
  assert.deepEqual(decoded, [
    '0:# syntax=docker/dockerfile:1:macro',
    '1:ARG:keyword',
    '1:V:variable+decl',
    '2:FROM:keyword',
    '2:AS:keyword',
    '2:base:namespace+decl',
    '3:RUN:keyword',
    '3:--network:parameter',
    '3:$V:variable',
    '4:COPY:keyword',
    '4:--from:parameter',
    '4:base:namespace',
  ]);
});

test('formatting: keyword casing, continuation indentation, heredocs and quoted continuations untouched', { skip }, async () => {
  const text = [
    'from alpine as build',
    '  run apk add \\',
    'curl \\',
    '\t\tgit',
    'Run <<EOF',
    '  indented stays',
    'EOF',
    'env MSG="a \\',
    '   b"',
    'onbuild run true',
    'RUN ec\\',
    'ho a word split over two lines',
    '',
  ].join('\n');
  const { uri } = open(text);
  const edits = await request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } });
  const formatted = applyEdits(text, edits);
  assert.equal(
    formatted,
    ['FROM alpine AS build', 'RUN apk add \\', '    curl \\', '    git', 'RUN <<EOF', '  indented stays', 'EOF', 'ENV MSG="a \\', '   b"', 'ONBUILD RUN true', 'RUN ec\\', 'ho a word split over two lines', ''].join('\n'),
  );
  // Formatting changes layout only: every instruction means what it meant.
  // (FROM's AS is a keyword: BuildKit reads it in any case.)
  const meaning = (t: string) =>
    parseDockerfile(t).instructions.map((i) => [i.keyword, i.args.map((a, n) => (i.keyword === 'FROM' && n === 1 ? a.value.toUpperCase() : a.value.replace(/\s+/g, ' '))), i.keyValues.map((kv) => kv.value?.value), i.heredocs.map((h) => h.content)]);
  assert.deepEqual(meaning(formatted), meaning(text));
  const again = await request<TextEdit[]>('textDocument/formatting', { textDocument: { uri: open(formatted).uri }, options: { tabSize: 4, insertSpaces: true } });
  assert.deepEqual(again, [], 'formatting is idempotent');
  const ranged = await request<TextEdit[]>('textDocument/rangeFormatting', { textDocument: { uri }, range: { start: { line: 9, character: 0 }, end: { line: 9, character: 5 } }, options: { tabSize: 4, insertSpaces: true } });
  assert.deepEqual(applyEdits(text, ranged).split('\n')[0], 'from alpine as build');
  assert.equal(applyEdits(text, ranged).split('\n')[9], 'ONBUILD RUN true');
});
