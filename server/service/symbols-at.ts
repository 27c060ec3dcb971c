import { variableReferences } from '../../engine/dockerfile/expand';
import { heredocPartRange, wordPartRange } from '../../engine/dockerfile/ranges';
import { expandInstruction } from '../../engine/dockerfile/scope';
import type { Instruction, Position, Range, Stage } from '../../engine/dockerfile/types';
import { inside, instructionAt, type ParsedDocument } from './document';

/** What a cursor can sit on that has other occurrences: a stage, or an ARG/ENV name. */
export type FileSymbol = { kind: 'stage'; stage: Stage; name: string } | { kind: 'variable'; name: string };

/** One place a symbol is written: `write` for its definition (FROM ... AS, ARG, ENV), `read` for uses. */
export interface Occurrence {
  /** The name itself, without `$`, braces or modifiers: what a rename replaces. */
  range: Range;
  write: boolean;
}

// Instructions a shell runs: `$NAME` there is read at run time from the ARG/ENV of the stage.
const SHELL_FORM = new Set(['RUN', 'CMD', 'ENTRYPOINT']);

/** The stage or variable under the cursor, if any. */
export function symbolAt(doc: ParsedDocument, p: Position): FileSymbol | undefined {
  const df = doc.dockerfile;
  const ins = instructionAt(df, p);
  if (!ins) return undefined;
  for (const stage of df.stages) {
    if (stage.name && stage.nameRange && inside(stage.nameRange, p)) return { kind: 'stage', stage, name: stage.name };
  }
  for (const node of doc.graph.nodes) {
    for (const r of node.references) if (r.stage?.name && r.instruction === ins && inside(r.range, p)) return { kind: 'stage', stage: r.stage, name: r.stage.name };
  }
  if (ins.keyword === 'ARG' || ins.keyword === 'ENV') {
    for (const kv of ins.keyValues) if (inside(kv.key.range, p)) return { kind: 'variable', name: kv.key.value };
  }
  const ref = variableUsesOf(doc, ins).find((u) => inside(u.whole, p));
  return ref ? { kind: 'variable', name: ref.name } : undefined;
}

/** Whether some use of the variable is split over lines (`$\` + `NAME`): a rename could not replace it in place. */
export function hasSplitUse(doc: ParsedDocument, name: string): boolean {
  return doc.dockerfile.instructions.some((ins) => variableUsesOf(doc, ins).some((u) => u.name === name && !u.nameRange));
}

/** Every place the symbol occurs in the file, in document order. */
export function occurrences(doc: ParsedDocument, symbol: FileSymbol): Occurrence[] {
  const out: Occurrence[] = [];
  if (symbol.kind === 'stage') {
    if (symbol.stage.nameRange) out.push({ range: symbol.stage.nameRange, write: true });
    for (const node of doc.graph.nodes) {
      for (const r of node.references) {
        // `FROM $BASE` resolving to the stage is not renamed: the text there is not the name.
        if (r.stage === symbol.stage && textAt(doc, r.range).toLowerCase() === symbol.name) out.push({ range: r.range, write: false });
      }
    }
  } else {
    for (const ins of doc.dockerfile.instructions) {
      if (ins.keyword === 'ARG' || ins.keyword === 'ENV') {
        for (const kv of ins.keyValues) if (kv.key.value === symbol.name) out.push({ range: kv.key.range, write: true });
      }
      for (const use of variableUsesOf(doc, ins)) if (use.name === symbol.name && use.nameRange) out.push({ range: use.nameRange, write: false });
    }
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** A `$NAME` in an instruction: what it covers, and the name alone (what rename replaces). */
export interface VariableUse {
  name: string;
  /** `$NAME`, `${NAME:-x}` as written. */
  whole: Range;
  /** NAME alone; undefined when the reference spans lines (a rename leaves it alone). */
  nameRange?: Range;
}

const usesCache = new WeakMap<Instruction, VariableUse[]>();

/** Variable references in an instruction: those BuildKit expands, and those its shell will. */
export function variableUsesOf(doc: ParsedDocument, ins: Instruction): VariableUse[] {
  const cached = usesCache.get(ins);
  if (cached) return cached;
  const wholes: { name: string; range: Range }[] = [];
  if (SHELL_FORM.has(ins.keyword) && !ins.json && ins.args[0]?.value.includes('$')) {
    const word = ins.args[0];
    for (const r of variableReferences(word.value, doc.dockerfile.escapeChar)) wholes.push({ name: r.name, range: wordPartRange(ins, word, r.start, r.end) });
  }
  if (ins.keyword === 'RUN') {
    for (const h of ins.heredocs) for (const r of variableReferences(h.content, '\\', { skipProcessQuotes: true })) wholes.push({ name: r.name, range: heredocPartRange(h, r.start, r.end) });
  }
  wholes.push(...expandedReferences(doc, ins));
  const uses = wholes.map(({ name, range }) => ({ name, whole: range, nameRange: nameRangeOf(doc, range, name) }));
  usesCache.set(ins, uses);
  return uses;
}

// Where references sit does not depend on what they resolve to: no scope walk needed.
const NO_VARIABLES = new Map<string, string>();

function expandedReferences(doc: ParsedDocument, ins: Instruction): { name: string; range: Range }[] {
  if (!ins.original.includes('$') && !ins.heredocs.some((h) => h.content.includes('$'))) return [];
  return expandInstruction(ins, NO_VARIABLES, { escapeChar: doc.dockerfile.escapeChar }).parts.flatMap((p) => p.references.map((r) => ({ name: r.name, range: r.range })));
}

function nameRangeOf(doc: ParsedDocument, whole: Range, name: string): Range | undefined {
  if (whole.start.line !== whole.end.line) return undefined;
  const text = textAt(doc, whole);
  const at = text.indexOf(name);
  if (at < 0) return undefined;
  const line = whole.start.line;
  return { start: { line, character: whole.start.character + at }, end: { line, character: whole.start.character + at + name.length } };
}

/** The source text of a single-line range ('' for multi-line ones). */
export function textAt(doc: ParsedDocument, r: Range): string {
  if (r.start.line !== r.end.line) return '';
  return (doc.lines[r.start.line] ?? '').slice(r.start.character, r.end.character);
}
