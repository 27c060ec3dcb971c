import * as path from 'node:path';
import type { Instruction } from '../../dockerfile/types';
import { resolveWorkdir } from '../../dockerfile/workdir';
import type { LayerEntry } from '../../layer/entry';
import type { StageState } from '../stage-state';
import type { StepContext } from './step-context';

/**
 * WORKDIR sets the config and creates the folder (with its parents) when the image lacks
 * it; the returned entries are that layer, empty when the folder already exists.
 */
export function workdirEntries(ins: Instruction, state: StageState, ctx: StepContext): LayerEntry[] {
  const arg = ins.args[0]?.value;
  if (!arg) throw ctx.fail(ins, 'WORKDIR requires exactly one argument');
  const dir = resolveWorkdir(state.config.config.WorkingDir || '/', state.vars.word(arg));
  state.config.config.WorkingDir = dir;
  const entries: LayerEntry[] = [];
  for (let d = dir; d !== '/' && !state.fs.lookup(d); d = path.posix.dirname(d)) {
    entries.push({ path: d, type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: ctx.now, size: 0 });
  }
  return entries;
}
