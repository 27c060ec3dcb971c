// Per-keystroke latency through the real LSP connection (stdio) on a generated 2,000-line
// Dockerfile: diagnostics published after the debounce, and completion (right behind the
// keystroke, so the new text is parsed on the way). The peer is
// rcjsuen's dockerfile-language-server-nodejs, driven the same way in this same script.
// Run by hand after `npm run build && npx tsc -p .`:
//   node bench/lsp.mjs [runs] [lines]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateDockerfile } from './dockerfile-gen.mjs';

const require = createRequire(import.meta.url);
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver-protocol/node');
const { parseDockerfile } = require('../out/engine/dockerfile/parser.js');

const runs = Math.max(10, Number(process.argv[2] ?? 30));
const wanted = Number(process.argv[3] ?? 2000);
// Our server waits this long after a keystroke before linting (server/validation.ts).
const OUR_DEBOUNCE_MS = 150;

// The first line count at or above the one asked for that cuts no heredoc in half.
let lines = wanted;
let source = generateDockerfile(lines);
while (parseDockerfile(source).errors.length > 0) source = generateDockerfile(++lines);

const dir = mkdtempSync(join(tmpdir(), 'layerwise-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'Dockerfile');
writeFileSync(file, source);
const uri = pathToFileURL(file).toString();

// Where completion is asked: `$` in a RUN line near the middle (variables in scope), and an empty line (keywords).
const textLines = source.split('\n');
const mid = Math.floor(textLines.length / 2);
const runLine = textLines.findIndex((l, i) => i >= mid && /^RUN [a-z]/.test(l));
const commentLine = textLines.findIndex((l) => l.startsWith('# ---- stage 0'));
const withDollar = (text) => {
  const ls = text.split('\n');
  ls[runLine] = `${ls[runLine]} $`;
  return ls.join('\n');
};

function start(name, module, settings) {
  const child = spawn(process.execPath, [module, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiters = [];
  connection.onNotification('textDocument/publishDiagnostics', (p) => {
    if (p.uri !== uri) return;
    const now = performance.now();
    waiters.splice(0).forEach((w) => w(now));
  });
  connection.onNotification('window/logMessage', () => undefined);
  connection.onRequest('workspace/configuration', (p) => p.items.map(() => settings));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.listen();
  return { name, child, connection, nextPublish: () => new Promise((resolve) => waiters.push(resolve)) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(server, debounce) {
  const { connection } = server;
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).toString(), capabilities: { textDocument: { completion: { completionItem: { snippetSupport: true } } } }, initializationOptions: { settings: { store: join(dir, 'store') } } });
  connection.sendNotification('initialized', {});
  let version = 1;
  let published = server.nextPublish();
  connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version, text: withDollar(source) } });
  await published;
  const diagnostics = [];
  const dollar = [];
  const keyword = [];
  for (let i = 0; i < runs + 3; i++) {
    // A keystroke, sent as VS Code sends it (both servers sync incrementally): one character
    // more at the end of the first stage's comment, so every version is a new text.
    published = server.nextPublish();
    const sent = performance.now();
    const at = { line: commentLine, character: textLines[commentLine].length + i };
    connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ range: { start: at, end: at }, text: 'x' }] });
    // Completion right behind the keystroke, as an editor asks after typing `$`: the new text is not parsed yet.
    await connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: runLine, character: textLines[runLine].length + 2 } });
    const c1 = performance.now();
    const t = (await published) - sent - debounce;
    const c2 = performance.now();
    await connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 0 } });
    const c3 = performance.now();
    // The first runs warm the JIT up.
    if (i < 3) continue;
    diagnostics.push(t);
    dollar.push(c1 - sent);
    keyword.push(c3 - c2);
  }
  await connection.sendRequest('shutdown');
  connection.sendNotification('exit');
  return { diagnostics: median(diagnostics), dollar: median(dollar), keyword: median(keyword) };
}

const ours = await measure(start('layerwise', require.resolve('../dist/server.js'), {}), OUR_DEBOUNCE_MS);
const theirs = await measure(start('dockerfile-language-server-nodejs', require.resolve('dockerfile-language-server-nodejs/lib/server.js'), null), 0);
console.log(`Dockerfile: ${textLines.length - 1} lines; ${runs} keystrokes each (after 3 warm-up ones)`);
console.log(`                              layerwise   rcjsuen   ratio`);
const row = (label, a, b) => console.log(`${label.padEnd(30)}${a.toFixed(1).padStart(9)}${b.toFixed(1).padStart(10)}${(a / b).toFixed(2).padStart(8)}`);
row('diagnostics after debounce ms', ours.diagnostics, theirs.diagnostics);
row('completion after $ ms', ours.dollar, theirs.dollar);
row('completion of keywords ms', ours.keyword, theirs.keyword);
console.log('(completion after $: from the keystroke, the request sent right behind it; keywords: once diagnostics are out)');
console.log(`(layerwise debounces ${OUR_DEBOUNCE_MS} ms, subtracted above; rcjsuen validates on every change without a pause)`);
process.exit(0);
