import { parseDockerfile } from '../../engine/dockerfile/parser';
import { dockerfileScope, type DockerfileScope } from '../../engine/dockerfile/scope';
import { stageGraph, type StageGraph } from '../../engine/dockerfile/stage-graph';
import type { Dockerfile, Instruction, Position, Range } from '../../engine/dockerfile/types';

/** A parsed document: what every language feature reads, computed once per text. */
export interface ParsedDocument {
  text: string;
  lines: string[];
  dockerfile: Dockerfile;
  /** ARG/ENV scoping, computed on first use. */
  readonly scope: DockerfileScope;
  /** Stage references, computed on first use. */
  readonly graph: StageGraph;
}

// Features are asked one after another about the same version (diagnostics, semantic tokens,
// folding, CodeLens...): a few recent texts cover them all without parsing the file again.
const recent: ParsedDocument[] = [];
const RECENT = 3;

/** The parsed form of `text`, shared by every feature asked about the same text. */
export function parsed(text: string): ParsedDocument {
  const hit = recent.findIndex((d) => d.text === text);
  if (hit >= 0) return recent[hit];
  const dockerfile = parseDockerfile(text);
  let scope: DockerfileScope | undefined;
  let graph: StageGraph | undefined;
  const doc: ParsedDocument = {
    text,
    // As the parser splits (BuildKit's scanner): on \n, trailing \r dropped, so its ranges index these lines.
    lines: text.split('\n').map((l) => (l.endsWith('\r') ? l.replace(/\r+$/, '') : l)),
    dockerfile,
    get scope() {
      return (scope ??= dockerfileScope(dockerfile));
    },
    get graph() {
      return (graph ??= stageGraph(dockerfile, {}, doc.scope));
    },
  };
  recent.unshift(doc);
  recent.length = Math.min(recent.length, RECENT);
  return doc;
}

/** Whether `p` lies in `r`, both ends included (a cursor just after a word still touches it). */
export function inside(r: Range, p: Position): boolean {
  return (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character)) && (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));
}

/** The instruction whose lines hold `p` (heredoc bodies included). */
export function instructionAt(df: Dockerfile, p: Position): Instruction | undefined {
  return df.instructions.find((i) => inside(i.range, p));
}
