import type { Instruction, ParseProblem, Stage } from './types';

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/**
 * Groups instructions into build stages as BuildKit's instructions.Parse does; ARGs before
 * the first FROM are global. FROM lines `docker build` would refuse are reported.
 */
export function buildStages(instructions: Instruction[]): { stages: Stage[]; globalArgs: Instruction[]; errors: ParseProblem[] } {
  const stages: Stage[] = [];
  const globalArgs: Instruction[] = [];
  const errors: ParseProblem[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      stages.push(stageOf(ins, stages.length, errors));
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(ins);
    } else if (ins.keyword === 'ARG') {
      globalArgs.push(ins);
    } else {
      errors.push({ message: `no build stage in current context: ${ins.keyword} must come after FROM`, range: ins.keywordRange });
    }
  }
  return { stages, globalArgs, errors };
}

function stageOf(from: Instruction, index: number, errors: ParseProblem[]): Stage {
  const [base, as, name] = from.args;
  const stage: Stage = { index, name: undefined, nameRange: undefined, base, from, instructions: [] };
  // BuildKit's parseBuildStageName: three words with an `AS` (Go's EqualFold, so the long s
  // `ſ` counts as an s) in the middle, or exactly one word.
  if (from.args.length !== 1 && !(from.args.length === 3 && /^[aA][sSſ]$/.test(as.value))) {
    errors.push({ message: 'FROM requires either one or three arguments', range: from.range });
    return stage;
  }
  if (from.args.length === 3) {
    const lower = name.value.toLowerCase();
    if (!STAGE_NAME.test(lower)) {
      errors.push({ message: `invalid name for build stage: "${name.value}", name can't start with a number or contain symbols`, range: name.range });
    }
    stage.name = lower;
    stage.nameRange = name.range;
  }
  return stage;
}
