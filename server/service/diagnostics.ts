import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { RULE_DOCS_DIR, ruleDocs, ruleDocsUrl } from '../../engine/lint/rule-docs';
import type { Finding, Severity } from '../../engine/lint/types';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  style: DiagnosticSeverity.Hint,
};

// The folder holding docs/rules: the extension root beside dist/server.js, or the repository
// when the server runs from out/ in tests. Found once, by walking up from this file.
let docsRoot: string | null | undefined;
function findDocsRoot(): string | undefined {
  if (docsRoot === undefined) {
    docsRoot = null;
    for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, RULE_DOCS_DIR))) {
        docsRoot = dir;
        break;
      }
    }
  }
  return docsRoot ?? undefined;
}

/** The page that explains a rule: a web page for DL/ShellCheck/BuildKit rules, the bundled docs/rules file for LW rules (the web copy when it is missing). */
export function ruleHref(rule: string): string {
  const docs = ruleDocs(rule);
  if ('url' in docs) return docs.url;
  const root = findDocsRoot();
  const file = root && path.join(root, docs.path);
  return file && fs.existsSync(file) ? URI.file(file).toString() : ruleDocsUrl(rule);
}

/** A lint finding as an LSP diagnostic; related places keep the document's URI, the code links to the rule's docs. */
export function toDiagnostic(uri: string, f: Finding): Diagnostic {
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.rule,
    codeDescription: { href: ruleHref(f.rule) },
    source: 'layerwise',
    message: f.message,
    relatedInformation: f.related.map((r) => ({ location: { uri, range: r.range }, message: r.message })),
    data: { fixes: f.fixes },
  };
}

/** A failed build as a diagnostic on the instruction it failed at. */
export function buildFailureDiagnostic(message: string, range: Diagnostic['range']): Diagnostic {
  return { range, severity: DiagnosticSeverity.Error, code: 'build', source: 'layerwise build', message };
}
