import { EngineError } from '../errors';
import type { ContainerConfig } from '../image/oci';
import { DEFAULT_PATH } from '../build/stage-state';

/** What to override from the image's config, as `docker run` takes it. */
export interface CommandOverrides {
  /** Replaces the image's CMD (the words after the image name). */
  command?: string[];
  /** Replaces the image's ENTRYPOINT; '' clears it (docker run --entrypoint ''). */
  entrypoint?: string;
}

/** The argv Docker would run: ENTRYPOINT then CMD, each replaced by what the user gave. */
export function containerArgv(config: ContainerConfig, overrides: CommandOverrides = {}): string[] {
  const entrypoint = overrides.entrypoint !== undefined ? (overrides.entrypoint === '' ? [] : [overrides.entrypoint]) : (config.Entrypoint ?? []);
  // As Docker: a new entrypoint drops the image's CMD unless a command is given too.
  const cmd = overrides.command && overrides.command.length > 0 ? overrides.command : overrides.entrypoint !== undefined ? [] : (config.Cmd ?? []);
  const argv = [...entrypoint, ...cmd];
  if (argv.length === 0) throw new EngineError('START', 'no command specified: the image has no ENTRYPOINT or CMD; give one after the image (layerwise run IMAGE -- CMD...)');
  return argv;
}

/** The environment Docker gives a container: the image's Env, PATH when it has none, HOSTNAME and HOME. */
export function containerEnv(config: ContainerConfig, hostname: string, home: string): string[] {
  const env = [...(config.Env ?? [])];
  const has = (name: string) => env.some((e) => e.startsWith(`${name}=`));
  if (!has('PATH')) env.unshift(DEFAULT_PATH);
  if (!has('HOSTNAME')) env.push(`HOSTNAME=${hostname}`);
  if (!has('HOME')) env.push(`HOME=${home}`);
  return env;
}
