import type { Hover, Location, Position } from 'vscode-languageserver';
import { parseDockerfile } from '../../engine/dockerfile/parser';
import { dockerfileScope, expandAt, type ResolvedReference, type Variable } from '../../engine/dockerfile/scope';
import { stageGraph } from '../../engine/dockerfile/stage-graph';
import type { Dockerfile, Instruction, Range } from '../../engine/dockerfile/types';
import { INSTRUCTION_DOCS } from './instruction-docs';

const inside = (r: Range, p: Position) =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character)) && (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

function instructionAt(df: Dockerfile, p: Position): Instruction | undefined {
  return df.instructions.find((i) => inside(i.range, p));
}

function referenceAt(df: Dockerfile, ins: Instruction, p: Position): ResolvedReference | undefined {
  const scope = dockerfileScope(df);
  const expanded = expandAt(scope, ins);
  for (const part of expanded?.parts ?? []) for (const ref of part.references) if (inside(ref.range, p)) return ref;
  return undefined;
}

function describe(v: Variable): string {
  const where = v.instruction ? ` by ${v.instruction.keyword} on line ${v.instruction.range.start.line + 1}` : v.source === 'platform' ? ' by BuildKit (platform)' : '';
  return `\`${v.value}\` — set${where}${v.fromBuildArg ? ' (from --build-arg)' : ''}`;
}

/**
 * Hover: an instruction's documentation on its keyword; on a variable, the value it has at
 * that point (ARG/ENV scoping as BuildKit resolves it) and where it was set.
 */
export function hoverAt(text: string, p: Position): Hover | null {
  const df = parseDockerfile(text);
  const ins = instructionAt(df, p);
  if (!ins) return null;
  const target = ins.subInstruction && inside(ins.subInstruction.range, p) ? ins.subInstruction : ins;
  if (inside(target.keywordRange, p)) {
    const doc = INSTRUCTION_DOCS[target.keyword];
    return doc ? { contents: { kind: 'markdown', value: `**${target.keyword}** — ${doc}` }, range: target.keywordRange } : null;
  }
  const ref = referenceAt(df, ins, p);
  if (!ref) return null;
  const value = ref.variable ? describe(ref.variable) : 'not set here: it expands to an empty string';
  return { contents: { kind: 'markdown', value: `**$${ref.name}** = ${value}` }, range: ref.range };
}

/** Go to definition: a variable to the ARG/ENV that set it, a stage name to its FROM ... AS. */
export function definitionAt(uri: string, text: string, p: Position): Location | null {
  const df = parseDockerfile(text);
  const ins = instructionAt(df, p);
  if (!ins) return null;
  const ref = referenceAt(df, ins, p);
  if (ref?.variable?.range) return { uri, range: ref.variable.range };
  for (const node of stageGraph(df).nodes) {
    for (const r of node.references) {
      if (r.stage && inside(r.range, p)) return { uri, range: r.stage.nameRange ?? r.stage.from.range };
    }
  }
  return null;
}
