import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from './fixtures';

/** Whether a command is on PATH. */
export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Runs a command and returns stdout; throws with stderr on failure. */
export function run(cmd: string, args: string[], options: { input?: string } = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input: options.input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

const dockerUp = () => spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 }).status === 0;

/**
 * A reachable Docker daemon: the running one, else a dockerd this process starts (as root).
 * Returns undefined when it can be had, else the reason for skipping.
 */
export async function ensureDocker(): Promise<string | undefined> {
  if (!hasCommand('docker')) return 'docker is not installed (apt-get install docker.io)';
  if (dockerUp()) return undefined;
  if (!hasCommand('dockerd')) return 'no Docker daemon is running and dockerd is not installed';
  if (process.getuid?.() !== 0) return 'no Docker daemon is running and starting dockerd needs root';
  const log = path.join(tempDir('layerwise-dockerd-'), 'dockerd.log');
  const child = spawn('dockerd', [], { detached: true, stdio: ['ignore', fs.openSync(log, 'a'), fs.openSync(log, 'a')] });
  child.unref();
  for (let i = 0; i < 60; i++) {
    if (dockerUp()) return undefined;
    await sleep(500);
  }
  return `dockerd did not come up in 30 s (log: ${log})`;
}
