import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InitializeResult, Range } from 'vscode-languageserver-protocol';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { projectRoot } from './paths';

/** The built server, or undefined when `npm run build` has not run. */
export function serverModule(): string | undefined {
  const file = path.join(projectRoot(), 'dist', 'server.js');
  return fs.existsSync(file) ? file : undefined;
}

/** A real language server process spoken to over stdio, with the diagnostics it publishes. */
export class LspSession {
  readonly connection: ProtocolConnection;
  private readonly child: ChildProcess;
  private readonly published = new Map<string, PublishDiagnosticsParams[]>();
  private readonly waiters: (() => void)[] = [];
  stderr = '';

  constructor(module: string) {
    this.child = spawn(process.execPath, [module, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d) => (this.stderr += d));
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.set(p.uri, [...(this.published.get(p.uri) ?? []), p]);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/configuration', () => [null]);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.listen();
  }

  get alive(): boolean {
    return this.child.exitCode === null;
  }

  /** Waits until diagnostics for `uri` satisfy `predicate` (no sleeping: woken by each publish). */
  async diagnostics(uri: string, predicate: (p: PublishDiagnosticsParams) => boolean, timeoutMs = 10_000): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const last = this.published.get(uri)?.at(-1);
      if (last && predicate(last)) return last;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching diagnostics for ${uri}; last: ${JSON.stringify(last)}\nserver stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Shuts the server down as a client does (shutdown, exit) and waits for the process to end. */
  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => (this.alive ? this.child.once('exit', () => resolve()) : resolve()));
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      // The server may already be gone.
    }
    const timer = setTimeout(() => this.child.kill(), 3000);
    await exited;
    clearTimeout(timer);
    this.connection.dispose();
  }
}

/** Starts the built server (dist/server.js) and initializes it with the given settings, as VS Code does. */
export async function startSession(store: string, settings: Record<string, unknown> = {}, capabilities: Record<string, unknown> = {}): Promise<{ session: LspSession; init: InitializeResult }> {
  const s = new LspSession(serverModule()!);
  const init = (await s.connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: { window: { workDoneProgress: true }, ...capabilities },
    initializationOptions: { settings: { store, layerCountThreshold: 20, ...settings } },
  })) as InitializeResult;
  s.connection.sendNotification('initialized', {});
  return { session: s, init };
}

/** Opens a document in the session (its text from disk unless given) and returns its URI. */
export function openDocument(s: LspSession, file: string, text = fs.readFileSync(file, 'utf8')): string {
  const uri = pathToFileURL(file).toString();
  s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text } });
  return uri;
}

/** Applies LSP edits (non-overlapping) to a text, last first. */
export function applyEdits(text: string, edits: { range: Range; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
