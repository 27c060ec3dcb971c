import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import { parseDockerfile } from '../../engine/dockerfile/parser';
import type { Fix } from '../../engine/lint/types';

/**
 * The quick fixes carried by diagnostics (their `data.fixes`), plus "ignore this rule here"
 * (a `# hadolint ignore=` line above the instruction), as code actions for one document.
 */
export function fixesToCodeActions(uri: string, text: string, diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  const lines = text.split('\n');
  const dockerfile = diagnostics.some((d) => d.source === 'layerwise') ? parseDockerfile(text) : undefined;
  for (const d of diagnostics) {
    if (d.source !== 'layerwise') continue;
    const fixes = (d.data as { fixes?: Fix[] } | undefined)?.fixes ?? [];
    for (const fix of fixes) {
      actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: fix.preferred, edit: { changes: { [uri]: fix.edits } } });
    }
    const rule = String(d.code ?? '');
    const ins = dockerfile?.instructions.find((i) => i.range.start.line <= d.range.start.line && d.range.start.line <= i.range.end.line);
    if (!ins || rule === 'LW0001' || !rule) continue;
    const line = ins.range.start.line;
    const indent = /^\s*/.exec(lines[line] ?? '')![0];
    const previous = line > 0 ? (lines[line - 1] ?? '') : '';
    const existing = /^(\s*#\s*hadolint\s+ignore\s*=\s*)(.*)$/i.exec(previous);
    const edit = existing
      ? { range: { start: { line: line - 1, character: 0 }, end: { line: line - 1, character: previous.length } }, newText: `${existing[1]}${existing[2].trim()},${rule}` }
      : { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}# hadolint ignore=${rule}\n` };
    actions.push({ title: `Ignore ${rule} for this instruction`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes: { [uri]: [edit] } } });
  }
  return actions;
}
