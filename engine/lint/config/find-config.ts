import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineError } from '../../errors';
import { parseHadolintConfig, type LintConfig } from './hadolint-config';
import { environmentConfig, withEnvironment } from './hadolint-env';

const PROJECT_NAMES = ['.hadolint.yaml', '.hadolint.yml'];

const exists = (p: string) => fs.stat(p).then((s) => s, () => undefined);

/** The user-wide files hadolint reads when a project has none, in its order. */
export function userConfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME ?? os.homedir();
  const xdg = env.XDG_CONFIG_HOME || path.join(home, '.config');
  return [path.join(xdg, 'hadolint.yaml'), path.join(home, '.config', 'hadolint.yaml'), path.join(home, '.hadolint', 'hadolint.yaml'), path.join(home, 'hadolint', 'config.yaml'), path.join(home, '.hadolint.yaml')];
}

/**
 * The configuration file that applies to a Dockerfile, or undefined. First match wins:
 * `.hadolint.yaml`/`.yml` in its folder and each parent up to the repository root (the
 * folder holding `.git`; the filesystem root outside a repository), then userConfigFiles.
 */
export async function findConfigFile(dockerfile: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  let dir = path.dirname(path.resolve(dockerfile));
  for (;;) {
    for (const name of PROJECT_NAMES) if ((await exists(path.join(dir, name)))?.isFile()) return path.join(dir, name);
    const parent = path.dirname(dir);
    if (parent === dir || (await exists(path.join(dir, '.git')))) break;
    dir = parent;
  }
  for (const file of userConfigFiles(env)) if ((await exists(file))?.isFile()) return file;
  return undefined;
}

/**
 * The lint configuration for a Dockerfile: the file given (`--config`), else the one
 * found as hadolint finds it, else none; hadolint's HADOLINT_* variables on top. Throws EngineError with the
 * file's name when it cannot be read or is not a valid configuration.
 */
export async function loadLintConfig(dockerfile: string, configFile?: string, env: NodeJS.ProcessEnv = process.env): Promise<LintConfig> {
  const file = configFile ? path.resolve(configFile) : await findConfigFile(dockerfile, env);
  const fromEnv = environmentConfig(env);
  if (!file) return fromEnv;
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new EngineError('NOT_FOUND', `cannot read the lint configuration ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  return withEnvironment(parseHadolintConfig(text, file), fromEnv);
}
