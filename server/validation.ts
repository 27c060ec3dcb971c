import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ContextIndex } from '../engine/context/context-index';
import { lintFile } from '../engine/lint/lint-file';
import type { Store } from '../engine/image/store';
import type { LintOptions } from '../engine/lint/types';
import type { LintFilesResult } from './protocol';
import { toDiagnostic } from './service/diagnostics';

const DEBOUNCE_MS = 150;

/**
 * Lints open Dockerfiles on open and change (debounced) and publishes the diagnostics. Each
 * build context is indexed once and reused until files in the workspace change, so typing
 * does not re-run git for every keystroke. A failure in linting is logged, never thrown:
 * a broken Dockerfile must not take the server down.
 */
export class Validator {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly contexts = new Map<string, Promise<ContextIndex>>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly settings: () => { store: Store | undefined; options: Partial<LintOptions> },
  ) {}

  /** Lints a document after a short pause; a newer change restarts the pause. */
  schedule(doc: TextDocument, delay = DEBOUNCE_MS): void {
    clearTimeout(this.timers.get(doc.uri));
    this.timers.set(doc.uri, setTimeout(() => void this.validate(doc.uri), delay));
  }

  /** Forgets cached build contexts (files changed on disk). */
  invalidateContexts(): void {
    this.contexts.clear();
  }

  /** Re-lints every open document (settings changed, files changed). */
  revalidateAll(): void {
    for (const doc of this.documents.all()) this.schedule(doc, 0);
  }

  clear(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  async validate(uri: string): Promise<void> {
    const doc = this.documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    try {
      const file = URI.parse(uri).scheme === 'file' ? URI.parse(uri).fsPath : undefined;
      const { store, options } = this.settings();
      const contextIndex = file ? await this.context(path.dirname(file)) : undefined;
      const findings = await lintFile(file ?? '/Dockerfile', { text: doc.getText(), contextIndex, store, options });
      if (this.documents.get(uri)?.version !== version) return;
      await this.connection.sendDiagnostics({ uri, version, diagnostics: findings.map((f) => toDiagnostic(uri, f)) });
    } catch (e) {
      this.connection.console.error(`layerwise: linting ${uri} failed: ${(e as Error).stack ?? e}`);
    }
  }

  /**
   * Lints Dockerfiles whether open or not (open ones from the editor's text) and publishes
   * their diagnostics; a file that cannot be read is counted as an error and logged.
   */
  async lintFiles(uris: string[]): Promise<LintFilesResult> {
    const result: LintFilesResult = { files: 0, findings: 0, errors: 0 };
    const { store, options } = this.settings();
    for (const uri of uris) {
      const file = URI.parse(uri).fsPath;
      try {
        const open = this.documents.get(uri);
        const findings = await lintFile(file, { text: open?.getText(), contextIndex: await this.context(path.dirname(file)), store, options });
        result.files++;
        result.findings += findings.length;
        result.errors += findings.filter((f) => f.severity === 'error').length;
        await this.connection.sendDiagnostics({ uri, version: open?.version, diagnostics: findings.map((f) => toDiagnostic(uri, f)) });
      } catch (e) {
        result.errors++;
        this.connection.console.error(`layerwise: linting ${file} failed: ${(e as Error).message}`);
      }
    }
    return result;
  }

  private context(dir: string): Promise<ContextIndex> {
    let ctx = this.contexts.get(dir);
    if (!ctx) {
      ctx = ContextIndex.open(dir);
      this.contexts.set(dir, ctx);
    }
    return ctx;
  }
}
