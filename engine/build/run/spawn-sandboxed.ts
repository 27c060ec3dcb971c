import { spawn } from 'node:child_process';
import { EngineError } from '../../errors';
import type { RunSpec } from './sandbox';

/**
 * Spawns a sandbox launcher in its own process group, streams its output, and kills the whole
 * group when the build is cancelled, so nothing the RUN started outlives it.
 */
export function spawnSandboxed(command: string, args: string[], spec: RunSpec): Promise<number> {
  return new Promise((resolve, reject) => {
    if (spec.signal?.aborted) return reject(new EngineError('CANCELLED', 'build cancelled'));
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
    });
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    spec.signal?.addEventListener('abort', kill, { once: true });
    child.stdout!.setEncoding('utf8').on('data', (t: string) => spec.onOutput(t, 'stdout'));
    child.stderr!.setEncoding('utf8').on('data', (t: string) => spec.onOutput(t, 'stderr'));
    child.on('error', (e) => reject(new EngineError('BUILD', `cannot start ${command}: ${e.message}`, { cause: e })));
    child.on('close', (code, signal) => {
      spec.signal?.removeEventListener('abort', kill);
      if (spec.signal?.aborted) return reject(new EngineError('CANCELLED', 'build cancelled'));
      resolve(code ?? 128 + (signal ? 9 : 0));
    });
  });
}
