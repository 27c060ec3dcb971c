import { ContextIndex } from '../../engine/context/context-index';
import { parseDockerfile } from '../../engine/dockerfile/parser';
import { lint } from '../../engine/lint/index';
import type { Finding, LintOptions, TextEdit } from '../../engine/lint/types';
import type { Range } from '../../engine/dockerfile/types';
import { contextWith } from './fixtures';

/** Lints a Dockerfile text, with a context made of `files` (and its .dockerignore patterns) when given, and returns one rule's findings. */
export function findingsOf(rule: string, src: string, opts: { files?: Record<string, string | [string, number]>; ignore?: string[]; options?: Partial<LintOptions> } = {}): Finding[] {
  const context = opts.files ? ContextIndex.withoutGit(contextWith(opts.files)).withDockerignore(opts.ignore) : undefined;
  return lint({ dockerfile: parseDockerfile(src), context, options: { foldEquivalents: false, ...opts.options } }).filter((f) => f.rule === rule);
}

function offset(text: string, pos: Range['start']): number {
  const lines = text.split('\n');
  return lines.slice(0, pos.line).reduce((n, l) => n + l.length + 1, 0) + pos.character;
}

/** Applies a fix's edits to a text, as an editor would (edits do not overlap). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offset(text, b.range.start) - offset(text, a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(out, e.range.start)) + e.newText + out.slice(offset(out, e.range.end));
  return out;
}
