import * as path from 'node:path';
import type { Instruction } from '../../dockerfile/types';
import { resolveWorkdir } from '../../dockerfile/workdir';
import type { LayerEntry } from '../../layer/entry';
import { resolveUser, type UserDatabase } from '../run/users';
import type { StageState } from '../stage-state';
import type { StepContext } from './step-context';

/**
 * WORKDIR sets the config and creates the folder (with its parents) when the image lacks
 * it; the returned entries are that layer, empty when the folder already exists.
 */
export async function workdirEntries(ins: Instruction, state: StageState, ctx: StepContext, users: () => Promise<UserDatabase>): Promise<LayerEntry[]> {
  const arg = ins.args[0]?.value;
  if (!arg) throw ctx.fail(ins, 'WORKDIR requires exactly one argument');
  const dir = resolveWorkdir(state.config.config.WorkingDir || '/', state.vars.word(arg));
  state.config.config.WorkingDir = dir;
  const missing: string[] = [];
  for (let d = dir; d !== '/' && !state.fs.lookup(d); d = path.posix.dirname(d)) missing.push(d);
  if (missing.length === 0) return [];
  // BuildKit creates the folders as the current USER.
  const user = state.config.config.User;
  const { uid, gid } = user ? resolveUser(await users(), user) : { uid: 0, gid: 0 };
  return missing.map((d) => ({ path: d, type: 'directory' as const, mode: 0o755, uid, gid, mtime: ctx.now, size: 0 }));
}
