import { stageGraph, targetStage } from '../dockerfile/stage-graph';
import type { Dockerfile, Instruction, Range, Stage } from '../dockerfile/types';
import type { ImageConfig } from '../image/oci';
import type { HistoryStep } from './model';

/**
 * History entries in order, each non-`empty_layer` entry mapped to the next layer (what
 * `docker history` does). Entries past the last layer map to none.
 */
export function mapHistory(config: ImageConfig, layerCount: number): HistoryStep[] {
  let layer = 0;
  return (config.history ?? []).map((h, index) => {
    const emptyLayer = h.empty_layer === true;
    const step: HistoryStep = {
      index,
      createdBy: h.created_by ?? '',
      instruction: readableInstruction(h.created_by ?? ''),
      emptyLayer,
      created: h.created,
      layer: emptyLayer || layer >= layerCount ? undefined : layer,
    };
    if (!emptyLayer) layer++;
    return step;
  });
}

/** `created_by` without the legacy builder's `/bin/sh -c #(nop) ` prefix or BuildKit's ` # buildkit` suffix. */
export function readableInstruction(createdBy: string): string {
  let s = createdBy.trim();
  s = s.replace(/^\/bin\/sh -c #\(nop\)\s*/, '');
  s = s.replace(/^\|\d+ (?:\S+=\S* )*(?=\/bin\/sh -c )/, '');
  s = s.replace(/^\/bin\/sh -c /, 'RUN ');
  s = s.replace(/\s*# buildkit$/, '');
  return s;
}

const KEYWORDS = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR', 'ENV', 'ARG', 'LABEL', 'USER', 'EXPOSE', 'CMD', 'ENTRYPOINT', 'STOPSIGNAL', 'VOLUME', 'HEALTHCHECK', 'SHELL', 'ONBUILD', 'MAINTAINER']);

/** The instruction keyword a history entry came from, and the rest of its text. */
export function historyKeyword(createdBy: string): { keyword: string; text: string } {
  let s = readableInstruction(createdBy);
  // BuildKit writes RUN with build args as `RUN |2 A=1 B=2 /bin/sh -c cmd`.
  s = s.replace(/^RUN \|\d+ (?:\S+=\S* )*/, 'RUN ');
  s = s.replace(/^RUN \/bin\/sh -c /, 'RUN ');
  const m = /^([A-Za-z]+)\b\s*([\s\S]*)$/.exec(s);
  if (m && KEYWORDS.has(m[1].toUpperCase())) return { keyword: m[1].toUpperCase(), text: m[2] };
  return { keyword: '', text: s };
}

/** A Dockerfile instruction that makes one history entry, with its range. */
export interface HistoryStepSpec {
  keyword: string;
  text: string;
  range: Range;
}

/**
 * The instructions the target stage's image is made of: the stages its FROM chain goes through
 * (in order), each stage's instructions after FROM.
 */
function stageChain(df: Dockerfile, target: string | undefined): HistoryStepSpec[] {
  const stage = targetStage(df, target);
  if (!stage) return [];
  const graph = stageGraph(df);
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage; s && !chain.includes(s); ) {
    chain.unshift(s);
    s = graph.nodes[s.index]?.references.find((r) => r.kind === 'from')?.stage;
  }
  return chain.flatMap((s) => s.instructions.map(toStep));
}

/** The keyword and text a history entry of this instruction is compared with. */
export function toStep(ins: Instruction): HistoryStepSpec {
  const text = ins.json ? ins.args.map((a) => a.value).join(' ') : ins.argsText;
  return { keyword: ins.keyword.toUpperCase(), text, range: ins.range };
}

function tokens(s: string): Set<string> {
  return new Set(s.toLowerCase().split(/[\s"'[\],=:;&|()<>{}]+/).filter((t) => t.length > 0));
}

/** How much two instruction texts agree: shared words over all words (1 for two empty texts). */
export function similarity(a: string, b: string): number {
  const x = tokens(a);
  const y = tokens(b);
  if (x.size === 0 && y.size === 0) return 1;
  let common = 0;
  for (const t of x) if (y.has(t)) common++;
  return common / (x.size + y.size - common);
}

export interface DockerfileMatch {
  /** History index -> the instruction's range. */
  ranges: Map<number, Range>;
  /** The first history entry matched to the Dockerfile: everything before it is the base image's. */
  firstHistory: number | undefined;
  /** How many of the stage's instructions found their entry. */
  matched: number;
  instructions: number;
}

const SKIP_HISTORY = 1.5;
const SKIP_INSTRUCTION = 1;

/**
 * Matches history entries to the target stage's instructions (and the stages its FROM goes
 * through): the best ordered alignment where each pair has the same keyword, scored by how much
 * of their text agrees. History before the first pair is the base image's, at no cost.
 */
export function matchDockerfile(history: HistoryStep[], df: Dockerfile, target?: string): DockerfileMatch {
  return alignHistory(history, stageChain(df, target));
}

/** The same alignment against an explicit list of steps (a delegate build adds ONBUILD triggers to it). */
export function alignHistory(history: HistoryStep[], steps: HistoryStepSpec[]): DockerfileMatch {
  const h = history.map((x) => historyKeyword(x.createdBy));
  const n = h.length;
  const m = steps.length;
  const score = (j: number, k: number) => (h[j].keyword !== '' && h[j].keyword === steps[k].keyword ? 1 + similarity(h[j].text, steps[k].text) : -Infinity);
  // f[j][k]: best alignment of history[0..j) with steps[0..k).
  const f: Float64Array[] = Array.from({ length: n + 1 }, () => new Float64Array(m + 1));
  const move: Uint8Array[] = Array.from({ length: n + 1 }, () => new Uint8Array(m + 1));
  for (let k = 1; k <= m; k++) {
    f[0][k] = -k * SKIP_INSTRUCTION;
    move[0][k] = 2;
  }
  for (let j = 1; j <= n; j++) {
    f[j][0] = 0;
    move[j][0] = 3;
    for (let k = 1; k <= m; k++) {
      let best = f[j - 1][k - 1] + score(j - 1, k - 1);
      let how = 1;
      const skipStep = f[j][k - 1] - SKIP_INSTRUCTION;
      if (skipStep > best) {
        best = skipStep;
        how = 2;
      }
      const skipEntry = f[j - 1][k] - SKIP_HISTORY;
      if (skipEntry > best) {
        best = skipEntry;
        how = 3;
      }
      f[j][k] = best;
      move[j][k] = how;
    }
  }
  const ranges = new Map<number, Range>();
  let j = n;
  let k = m;
  let first: number | undefined;
  while (j > 0 && k > 0) {
    const how = move[j][k];
    if (how === 1) {
      ranges.set(j - 1, steps[k - 1].range);
      first = j - 1;
      j--;
      k--;
    } else if (how === 2) k--;
    else j--;
  }
  return { ranges, firstHistory: first, matched: ranges.size, instructions: m };
}
