import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { Finding, Severity } from '../../engine/lint/types';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  style: DiagnosticSeverity.Hint,
};

/** A lint finding as an LSP diagnostic; related places keep the document's URI. */
export function toDiagnostic(uri: string, f: Finding): Diagnostic {
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.rule,
    source: 'layerwise',
    message: f.message,
    relatedInformation: f.related.map((r) => ({ location: { uri, range: r.range }, message: r.message })),
    data: { fixes: f.fixes },
  };
}
