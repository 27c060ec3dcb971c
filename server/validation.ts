import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ContextIndex } from '../engine/context/context-index';
import { LintFileCache, lintFile } from '../engine/lint/lint-file';
import type { Store } from '../engine/image/store';
import type { Finding, LintOptions } from '../engine/lint/types';
import type { LintFilesResult } from './protocol';
import { toDiagnostic } from './service/diagnostics';
import { parsed } from './service/document';

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
  /** The last build's failure per Dockerfile, with the text that was built. */
  private readonly buildProblems = new Map<string, { diagnostic: Diagnostic; text: string }>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly settings: () => { store: Store | undefined; options: Partial<LintOptions> },
  ) {}

  private readonly published = new Map<string, Diagnostic[]>();
  /** .hadolint.yaml and .dockerignore, read once until files change (linting runs per keystroke). */
  private readFiles = new LintFileCache();

  /** The diagnostics last published for a document (what "fix all" works on). */
  diagnostics(uri: string): Diagnostic[] {
    return this.published.get(uri) ?? [];
  }

  /** Lints a document after a short pause; a newer change restarts the pause. */
  schedule(doc: TextDocument, delay = DEBOUNCE_MS): void {
    clearTimeout(this.timers.get(doc.uri));
    this.timers.set(doc.uri, setTimeout(() => void this.validate(doc.uri), delay));
  }

  /** Forgets cached build contexts (files changed on disk). */
  invalidateContexts(): void {
    this.contexts.clear();
    this.readFiles = new LintFileCache();
  }

  /** Re-lints every open document (settings changed, files changed). */
  revalidateAll(): void {
    for (const doc of this.documents.all()) this.schedule(doc, 0);
  }

  /**
   * Shows a build failure on its instruction beside the lint findings, for as long as the
   * Dockerfile's text is the one that was built (an edit may have moved or fixed it); no
   * problem clears the last one.
   */
  setBuildProblem(uri: string, problem: { diagnostic: Diagnostic; text: string } | undefined): void {
    if (problem) this.buildProblems.set(uri, problem);
    else if (!this.buildProblems.delete(uri)) return;
    const doc = this.documents.get(uri);
    if (doc) this.schedule(doc, 0);
    else void this.connection.sendDiagnostics({ uri, diagnostics: problem ? [problem.diagnostic] : [] });
  }

  clear(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.published.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  async validate(uri: string): Promise<void> {
    const doc = this.documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    try {
      const file = URI.parse(uri).scheme === 'file' ? URI.parse(uri).fsPath : undefined;
      const { store, options } = this.settings();
      // An untitled buffer has no build context: not the root folder its placeholder path is in.
      const contextIndex = file ? await this.context(path.dirname(file)) : null;
      const publish = (findings: Finding[]): void => {
        if (this.documents.get(uri)?.version !== version) return;
        const built = this.buildProblems.get(uri);
        const diagnostics = findings.map((f) => toDiagnostic(uri, f));
        if (built && built.text === doc.getText()) diagnostics.push(built.diagnostic);
        this.published.set(uri, diagnostics);
        void this.connection.sendDiagnostics({ uri, version, diagnostics });
      };
      // The rules' findings go out at once; ShellCheck's follow when its process answers.
      let early: Finding[] | undefined;
      const findings = await lintFile(file ?? '/Dockerfile', { dockerfile: parsed(doc.getText()).dockerfile, contextIndex, store, options, onRuleFindings: (f) => publish((early = f)), cache: this.readFiles });
      if (!early || !sameFindings(early, findings)) publish(findings);
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
        const diagnostics = findings.map((f) => toDiagnostic(uri, f));
        const built = this.buildProblems.get(uri);
        if (open && built && built.text === open.getText()) diagnostics.push(built.diagnostic);
        if (open) this.published.set(uri, diagnostics);
        await this.connection.sendDiagnostics({ uri, version: open?.version, diagnostics });
      } catch (e) {
        result.errors++;
        this.connection.console.error(`layerwise: linting ${file} failed: ${(e as Error).message}`);
      }
    }
    return result;
  }

  /** The build context index of a folder, shared with linting until files change. */
  context(dir: string): Promise<ContextIndex> {
    let ctx = this.contexts.get(dir);
    if (!ctx) {
      ctx = ContextIndex.open(dir);
      this.contexts.set(dir, ctx);
    }
    return ctx;
  }
}

// ShellCheck often adds nothing: the same list need not be published twice.
function sameFindings(a: Finding[], b: Finding[]): boolean {
  return a.length === b.length && a.every((f, i) => f.rule === b[i].rule && f.message === b[i].message && f.range.start.line === b[i].range.start.line && f.range.start.character === b[i].range.start.character);
}
