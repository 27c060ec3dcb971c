import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import type { Fix } from '../../engine/lint/types';

/** The quick fixes carried by diagnostics (their `data.fixes`) as code actions for one document. */
export function fixesToCodeActions(uri: string, diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    const fixes = (d.data as { fixes?: Fix[] } | undefined)?.fixes ?? [];
    for (const fix of fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: fix.preferred,
        edit: { changes: { [uri]: fix.edits } },
      });
    }
  }
  return actions;
}
