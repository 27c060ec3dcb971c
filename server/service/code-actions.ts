import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import { parseCheckDirective } from '../../engine/dockerfile/directives';
import type { Dockerfile } from '../../engine/dockerfile/types';
import type { Fix } from '../../engine/lint/types';
import { parsed } from './document';

const fixesOf = (d: Diagnostic): Fix[] => (d.source === 'layerwise' ? ((d.data as { fixes?: Fix[] } | undefined)?.fixes ?? []) : []);

/** The fix "fix all" applies for a diagnostic: the one its rule marks preferred, else its only one. */
function preferredFix(d: Diagnostic): Fix | undefined {
  const fixes = fixesOf(d);
  return fixes.find((f) => f.preferred) ?? (fixes.length === 1 ? fixes[0] : undefined);
}

/**
 * Code actions for a range: the fixes its diagnostics carry, "ignore this rule here", and
 * "fix all" of each rule seen there (over `fileDiagnostics`, every diagnostic of the file).
 * When `only` asks for source.fixAll, one action applying every preferred fix of the file.
 */
export function codeActions(uri: string, text: string, diagnostics: Diagnostic[], fileDiagnostics: Diagnostic[], only?: string[]): CodeAction[] {
  const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
  const actions: CodeAction[] = [];
  // Source actions only when asked for (Source Action menu, fix-all on save), not in the light bulb.
  if (only && wants(CodeActionKind.SourceFixAll)) {
    const edits = mergeEdits(fileDiagnostics.flatMap((d) => preferredFix(d)?.edits ?? []));
    if (edits.length > 0) actions.push({ title: 'Fix all Layerwise problems', kind: CodeActionKind.SourceFixAll, edit: { changes: { [uri]: edits } } });
  }
  if (!wants(CodeActionKind.QuickFix)) return actions;
  const ours = diagnostics.filter((d) => d.source === 'layerwise');
  for (const d of ours) {
    for (const fix of fixesOf(d)) actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: fix.preferred, edit: { changes: { [uri]: fix.edits } } });
  }
  for (const rule of new Set(ours.map((d) => String(d.code ?? '')))) {
    const all = fileDiagnostics.filter((d) => d.source === 'layerwise' && String(d.code) === rule && preferredFix(d));
    if (all.length < 2) continue;
    actions.push({ title: `Fix all ${rule} problems in this file`, kind: CodeActionKind.QuickFix, diagnostics: all, edit: { changes: { [uri]: mergeEdits(all.flatMap((d) => preferredFix(d)!.edits)) } } });
  }
  if (ours.length > 0) actions.push(...ignoreActions(uri, text, ours));
  return actions;
}

/** Edits sorted by position with overlapping ones dropped (two fixes touching one place: the first wins). */
function mergeEdits(edits: TextEdit[]): TextEdit[] {
  const key = (e: TextEdit) => [e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character];
  const sorted = [...edits].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || x[3] - y[3];
  });
  const out: TextEdit[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && JSON.stringify(last) === JSON.stringify(e)) continue;
    const overlaps = last && (e.range.start.line < last.range.end.line || (e.range.start.line === last.range.end.line && e.range.start.character < last.range.end.character));
    if (!overlaps) out.push(e);
  }
  return out;
}

/**
 * "Ignore this rule": a file that already silences checks with BuildKit's `# check=skip=`
 * gets the rule added there (BuildKit has no per-instruction skip; the directive covers the
 * file, and the title says so); every file also gets hadolint's per-instruction pragma.
 */
function ignoreActions(uri: string, text: string, diagnostics: Diagnostic[]): CodeAction[] {
  const df = parsed(text).dockerfile;
  const lines = parsed(text).lines;
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    const rule = String(d.code ?? '');
    if (rule === 'LW0001' || !rule) continue;
    const check = checkSkipEdit(df, lines, rule);
    if (check) actions.push({ title: `Skip ${rule} in this file (# check=skip)`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes: { [uri]: [check] } } });
    const ins = df.instructions.find((i) => i.range.start.line <= d.range.start.line && d.range.start.line <= i.range.end.line);
    if (!ins) continue;
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

/** The edit adding `rule` to the file's `# check=` directive, when it has one BuildKit accepts. */
function checkSkipEdit(df: Dockerfile, lines: string[], rule: string): TextEdit | undefined {
  const directive = df.directives.find((x) => x.name === 'check');
  if (!directive) return undefined;
  const parsedCheck = parseCheckDirective(directive.value);
  if (parsedCheck.problem || parsedCheck.skip === 'all') return undefined;
  const value = directive.value;
  const skip = /(^|;)(\s*skip\s*=)([^;]*)/.exec(value);
  const next = skip
    ? value.slice(0, skip.index) + skip[1] + skip[2] + [skip[3].trim(), rule].filter(Boolean).join(',') + value.slice(skip.index + skip[0].length)
    : value.trim() === ''
      ? `skip=${rule}`
      : `${value.trimEnd()};skip=${rule}`;
  const { valueRange } = directive;
  if (valueRange.start.line !== valueRange.end.line || (lines[valueRange.start.line] ?? '').slice(valueRange.start.character, valueRange.end.character) !== value) return undefined;
  return { range: valueRange, newText: next };
}
