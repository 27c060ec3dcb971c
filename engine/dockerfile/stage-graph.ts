/**
 * Which stages a stage depends on, and which stages a build target needs, resolved the way
 * BuildKit's dockerfile2llb resolves them (toDispatchState, toCommand, detectRunMount):
 * - `FROM x`: the expanded x is looked up, as written, among the names of earlier stages
 *   (stage names are lower-cased, so `FROM Build` is the image "Build", not stage "build");
 * - `COPY --from=x`: an integer is a stage index, anything else a stage name compared
 *   case-insensitively, or otherwise an image; the value is never expanded;
 * - `RUN --mount=...,from=x`: the same, by name only (an index there names an image);
 * - a stage may only copy from a stage defined before it, and no cycle is allowed.
 */
import { readCsvRecord } from './csv';
import { flagValuePartRange } from './ranges';
import { dockerfileScope, type DockerfileScope, type ScopeOptions } from './scope';
import type { Dockerfile, Instruction, ParseProblem, Range, Stage } from './types';

export interface StageReference {
  kind: 'from' | 'copy-from' | 'mount-from';
  /** The reference as BuildKit uses it (for FROM: the expanded image or stage name). */
  text: string;
  /** The stage referred to; undefined when the reference names an image. */
  stage: Stage | undefined;
  /** The image referred to when it is not a stage ("scratch" included). */
  image: string | undefined;
  /** Where the reference is written: the FROM image word, the --from value, the from= field. */
  range: Range;
  instruction: Instruction;
}

export interface StageNode {
  stage: Stage;
  /** FROM, then COPY --from and --mount from= in instruction order. */
  references: StageReference[];
  /** Stages this one needs, in file order, without duplicates. */
  dependsOn: Stage[];
}

export interface StageGraph {
  nodes: StageNode[];
  /**
   * Dependency errors BuildKit fails on: an unknown stage index, a cycle, `ADD --from` (ADD
   * has no such flag); and copying from a later stage, which fails when that stage is built.
   */
  problems: ParseProblem[];
}

const GO_INT = /^[+-]?[0-9]+$/;
const MAX_INT64 = 9223372036854775807n;

/** BuildKit's stage name for messages: its name, or stage-N. */
function stageName(stage: Stage, df: Dockerfile): string {
  if (df.stages.length === 1) return '';
  return stage.name ?? `stage-${stage.index}`;
}

/** Finds the stage `name` refers to (case-insensitive; the last stage of that name wins). */
function stageByName(df: Dockerfile, name: string): Stage | undefined {
  const lower = name.toLowerCase();
  let found: Stage | undefined;
  for (const s of df.stages) if (s.name === lower) found = s;
  return found;
}

/**
 * The stage graph of a file: every stage's references with their source ranges and what
 * they resolve to. FROM names are expanded with the global ARGs under `options`; a caller
 * that already walked the scope with those options passes it in. Pure.
 */
export function stageGraph(df: Dockerfile, options: ScopeOptions = {}, scope: DockerfileScope = dockerfileScope(df, options)): StageGraph {
  const problems: ParseProblem[] = [];
  const nodes: StageNode[] = df.stages.map((stage, i) => {
    const references: StageReference[] = [];
    const baseName = scope.stages[i]?.baseName ?? stage.base?.value ?? '';
    if (stage.base) {
      const base = scope.stages[i]?.base;
      references.push({ kind: 'from', text: baseName, stage: base, image: base ? undefined : baseName, range: stage.base.range, instruction: stage.from });
    }
    for (const ins of stage.instructions) references.push(...instructionReferences(df, stage, ins, problems));
    const dependsOn = [...new Set(references.flatMap((r) => (r.stage ? [r.stage] : [])))].sort((a, b) => a.index - b.index);
    return { stage, references, dependsOn };
  });
  problems.push(...cycleProblems(df, nodes));
  return { nodes, problems };
}

function instructionReferences(df: Dockerfile, stage: Stage, ins: Instruction, problems: ParseProblem[]): StageReference[] {
  const refs: StageReference[] = [];
  if (ins.keyword === 'ADD') {
    for (const flag of ins.flags) if (flag.name === 'from') problems.push({ message: 'unknown flag: from', range: flag.nameRange });
  }
  if (ins.keyword === 'COPY') {
    for (const flag of ins.flags) {
      if (flag.name !== 'from' || flag.value === undefined || flag.value === '') continue;
      const range = flag.valueRange ?? flag.range;
      const ref: StageReference = { kind: 'copy-from', text: flag.value, stage: undefined, image: undefined, range, instruction: ins };
      if (GO_INT.test(flag.value) && BigInt(flag.value) <= MAX_INT64 && BigInt(flag.value) >= -MAX_INT64 - 1n) {
        const index = Number(flag.value);
        ref.stage = df.stages[index];
        if (!ref.stage) problems.push({ message: `invalid stage index ${index}`, range });
      } else {
        ref.stage = stageByName(df, flag.value);
        if (!ref.stage) ref.image = flag.value;
      }
      if (ref.stage && ref.stage.index > stage.index) {
        problems.push({ message: `cannot copy from stage ${JSON.stringify(flag.value)}, it needs to be defined before current stage ${JSON.stringify(stageName(stage, df))}`, range });
      }
      refs.push(ref);
    }
  }
  if (ins.keyword === 'RUN') {
    for (const flag of ins.flags) {
      if (flag.name !== 'mount' || flag.value === undefined) continue;
      let fields;
      try {
        fields = readCsvRecord(flag.value);
      } catch {
        continue; // The expansion check reports a broken --mount.
      }
      for (const field of fields) {
        const eq = field.value.indexOf('=');
        if (eq < 0 || field.value.slice(0, eq).toLowerCase() !== 'from') continue;
        const from = field.value.slice(eq + 1);
        if (from === '') continue;
        const start = field.start + (field.value.length === field.end - field.start ? eq + 1 : 0);
        const range = flagValuePartRange(ins, flag, start, start + from.length);
        const target = stageByName(df, from);
        refs.push({ kind: 'mount-from', text: from, stage: target, image: target ? undefined : from, range, instruction: ins });
      }
    }
  }
  return refs;
}

// BuildKit checks every stage's COPY/mount dependencies (not FROM) for a cycle before building anything.
function cycleProblems(df: Dockerfile, nodes: StageNode[]): ParseProblem[] {
  const deps = (n: StageNode): StageReference[] => n.references.filter((r) => r.kind !== 'from' && r.stage);
  const visited = new Set<Stage>();
  const path = new Set<Stage>();
  const visit = (node: StageNode, via: StageReference[]): StageReference[] | undefined => {
    if (visited.has(node.stage)) return undefined;
    visited.add(node.stage);
    path.add(node.stage);
    for (const r of deps(node)) {
      const next = [...via, r];
      if (r.stage && path.has(r.stage)) return next;
      const found = r.stage && visit(nodes[r.stage.index], next);
      if (found) return found;
    }
    path.delete(node.stage);
    return undefined;
  };
  for (const node of nodes) {
    const cycle = visit(node, []);
    if (cycle) return [{ message: `circular dependency detected on stage: ${stageName(node.stage, df)}`, range: cycle[cycle.length - 1].range }];
  }
  return [];
}

/** The stage a target names (case-insensitive, last of that name), or the last stage when no target is given. */
export function targetStage(df: Dockerfile, target?: string): Stage | undefined {
  if (target === undefined || target === '') return df.stages[df.stages.length - 1];
  return stageByName(df, target);
}

/**
 * The stages building `target` needs (default: the last stage), in an order in which each
 * comes after everything it depends on; empty when there is no such target. Pure.
 */
export function stagesNeeded(df: Dockerfile, target?: string, options: ScopeOptions = {}): Stage[] {
  const root = targetStage(df, target);
  if (!root) return [];
  const graph = stageGraph(df, options);
  const needed = new Set<Stage>();
  const add = (s: Stage): void => {
    if (needed.has(s)) return;
    needed.add(s);
    for (const d of graph.nodes[s.index].dependsOn) add(d);
  };
  add(root);
  // BuildKit dispatches in file order, which is a dependency order for a valid file.
  return [...needed].sort((a, b) => a.index - b.index);
}
