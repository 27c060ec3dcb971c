import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Full file modes as git's index records them (0o100755, 0o100644, 0o120000 for links), keyed
 * by path relative to `dir`. That is what a CI checkout gets, whatever the disk says.
 * Empty when `dir` is not in a git work tree or git is not installed.
 */
export async function gitIndexModes(dir: string): Promise<Map<string, number>> {
  const modes = new Map<string, number>();
  try {
    const { stdout } = await run('git', ['-C', dir, 'ls-files', '--stage', '-z', '--full-name', '--', '.'], { maxBuffer: 256 * 1024 * 1024 });
    const { stdout: prefix } = await run('git', ['-C', dir, 'rev-parse', '--show-prefix']);
    const base = prefix.trim();
    for (const record of stdout.split('\0')) {
      // "<mode> <object> <stage>\t<path>"
      const tab = record.indexOf('\t');
      if (tab < 0) continue;
      const mode = parseInt(record.slice(0, record.indexOf(' ')), 8);
      const full = record.slice(tab + 1);
      if (!full.startsWith(base)) continue;
      modes.set(path.posix.normalize(full.slice(base.length)), mode);
    }
  } catch {
    // Not a repository, or no git: callers fall back to the filesystem mode.
  }
  return modes;
}
