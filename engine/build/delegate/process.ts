import { spawn } from 'node:child_process';
import { EngineError } from '../../errors';

export interface DelegateCommand {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** How a delegate's command ended: its exit code and the last lines it wrote. */
export interface DelegateExit {
  code: number;
  tail: string[];
}

const TAIL = 40;
// A delegate that ignores SIGINT (a stuck RUN) is killed after this long.
const KILL_AFTER_MS = 10_000;

/**
 * Runs a delegate's command, handing each line of its output (stdout and stderr) to `onLine`.
 * When the signal fires, the whole process group gets SIGINT (docker and buildah then cancel
 * the build and clean up; on Windows the client is terminated), SIGKILL if it lingers, and the
 * promise rejects with CANCELLED once the command has exited. A missing command is an
 * UNSUPPORTED error naming it.
 */
export function runDelegate(cmd: DelegateCommand, signal: AbortSignal | undefined, onLine: (line: string) => void): Promise<DelegateExit> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new EngineError('CANCELLED', 'build cancelled'));
    // Its own process group (POSIX), so cancelling reaches what the delegate started too.
    const group = process.platform !== 'win32';
    const child = spawn(cmd.command, cmd.args, { cwd: cmd.cwd, env: cmd.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: group, windowsHide: true });
    const tail: string[] = [];
    const take = (line: string) => {
      tail.push(line);
      if (tail.length > TAIL) tail.shift();
      onLine(line);
    };
    const readLines = (stream: NodeJS.ReadableStream) => {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (rest + chunk).split(/\r?\n/);
        rest = lines.pop() ?? '';
        for (const l of lines) take(l);
      });
      stream.on('end', () => rest && take(rest));
    };
    readLines(child.stdout);
    readLines(child.stderr);
    let killTimer: NodeJS.Timeout | undefined;
    const signalGroup = (sig: NodeJS.Signals) => {
      try {
        // Windows has no process groups or SIGINT: the client is terminated and the daemon cancels its build.
        if (group) process.kill(-child.pid!, sig);
        else child.kill();
      } catch {
        // Already gone.
      }
    };
    const onAbort = () => {
      signalGroup('SIGINT');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_AFTER_MS);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    // A detached delegate would outlive us (the language server closing mid-build): stop it too.
    const onExit = () => signalGroup('SIGINT');
    process.once('exit', onExit);
    child.on('error', (e: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort);
      process.off('exit', onExit);
      reject(e.code === 'ENOENT' ? new EngineError('UNSUPPORTED', `${cmd.command} is not installed (or not on PATH)`, { cause: e }) : e);
    });
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', onAbort);
      process.off('exit', onExit);
      if (killTimer) clearTimeout(killTimer);
      if (signal?.aborted) return reject(new EngineError('CANCELLED', 'build cancelled'));
      resolve({ code: code ?? (sig ? 128 : 1), tail });
    });
  });
}

/** Runs a short command (a probe, an export) to completion: its stdout, or an error with its output. */
export async function runQuiet(cmd: DelegateCommand, signal?: AbortSignal): Promise<string> {
  const out: string[] = [];
  const exit = await runDelegate(cmd, signal, (l) => out.push(l));
  if (exit.code !== 0) throw new EngineError('BUILD', `${cmd.command} ${cmd.args.join(' ')} failed (exit code ${exit.code}): ${exit.tail.filter(Boolean).slice(-5).join('\n')}`);
  return out.join('\n');
}
