import * as path from 'node:path';
import type { Instruction, Stage } from './types';

/**
 * The working directory in effect when each instruction of a stage runs. Relative WORKDIRs
 * resolve against the previous one, as Docker does; a stage starts at `initial` (the base
 * image's WorkingDir, "/" when unknown).
 */
export function workdirs(stage: Stage, initial = '/'): Map<Instruction, string> {
  const result = new Map<Instruction, string>();
  let current = initial || '/';
  result.set(stage.from, current);
  for (const ins of stage.instructions) {
    result.set(ins, current);
    if (ins.keyword === 'WORKDIR' && ins.args[0]) current = resolveWorkdir(current, ins.args[0].value);
  }
  return result;
}

/** WORKDIR `arg` applied on top of `current`. */
export function resolveWorkdir(current: string, arg: string): string {
  return path.posix.resolve(current || '/', arg);
}
