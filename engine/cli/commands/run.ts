import { EngineError } from '../../errors';
import { runContainer } from '../../container/run-container';
import { StartError } from '../../container/preflight';
import { openStore, parseCommand, STORE_OPTION } from '../args';
import { containerChangesText, endLine } from '../../container/format';
import { writeStdout } from './inspect';

export const RUN_HELP = `layerwise run [options] IMAGE [--] [COMMAND [ARG...]]

Runs an image of the store the way docker run does, without a daemon: its ENTRYPOINT and CMD (or
COMMAND) in the same sandbox as RUN, network off, output streamed. It stops when the process
exits, after --timeout, or on Ctrl-C (killed, as docker kill). Then it lists what the container
changed — its writable layer — like docker diff, with provenance: A added, C modified (copied up
from image layer N: overlayfs copies the whole file, even for a chmod), D deleted (a whiteout; the
bytes stay in the image). The image is unchanged: its digest is compared and its blobs re-hashed.
Failures to start are explained before anything runs (program missing or not executable, a #!
interpreter or ELF loader the image lacks), exiting 127 or 126 as docker run does.

  --timeout S         stop the container after S seconds
  --json              the run as JSON on stdout (the container's output goes to stderr)
  --commit REF        make the writable layer a new image layer, tagged REF (docker commit)
  --entrypoint CMD    replace the image's ENTRYPOINT ('' clears it; the image's CMD is dropped)
  --network none|host default none
  --store DIR         image store

Exit status: the container's, 0 when --timeout stopped it, 130 on Ctrl-C (143 SIGTERM, 129 SIGHUP).`;

const OPTIONS = {
  ...STORE_OPTION,
  timeout: { type: 'string' },
  json: { type: 'boolean', default: false },
  commit: { type: 'string' },
  entrypoint: { type: 'string' },
  network: { type: 'string' },
} as const;

/** \`layerwise run\`. */
export async function runCommand(argv: string[]): Promise<number> {
  const { own, command } = splitAtImage(argv);
  const { values, positionals } = parseCommand(own, OPTIONS);
  if (positionals.length !== 1) throw new EngineError('USAGE', `run takes an IMAGE\n\n${RUN_HELP}`);
  let timeoutS: number | undefined;
  if (values.timeout !== undefined) {
    timeoutS = Number(values.timeout);
    if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new EngineError('USAGE', `--timeout wants a number of seconds, not "${values.timeout}"`);
  }
  const network = values.network ?? 'none';
  if (network !== 'none' && network !== 'host') throw new EngineError('USAGE', `--network is none or host, not "${network}"`);
  const json = values.json;
  // Ctrl-C, a closed terminal or kill: stop the container, still report and clean up.
  const controller = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => {
    signalled ??= signal;
    controller.abort();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, stop);
  try {
    const { run } = await runContainer({
      store: await openStore(values.store),
      image: positionals[0],
      command,
      entrypoint: values.entrypoint,
      timeoutMs: timeoutS !== undefined ? timeoutS * 1000 : undefined,
      network,
      signal: controller.signal,
      commit: values.commit,
      onStart: (args) => {
        if (!json) process.stdout.write(`running ${JSON.stringify(args)} in ${positionals[0]} (network ${network}${timeoutS !== undefined ? `, stopped after ${timeoutS} s` : ''})\n`);
      },
      // With --json, stdout carries only the document.
      onOutput: (text, stream) => (json || stream === 'stderr' ? process.stderr : process.stdout).write(text),
    });
    if (json) await writeStdout(JSON.stringify(run, null, 2) + '\n');
    else await writeStdout(['', endLine(run, timeoutS), '', ...containerChangesText(run)].join('\n') + '\n');
    if (run.stopped === 'interrupted') return signalled === 'SIGTERM' ? 143 : signalled === 'SIGHUP' ? 129 : 130;
    if (run.stopped === 'timeout') return 0;
    return run.exitCode;
  } catch (e) {
    if (e instanceof StartError) {
      process.stderr.write(`layerwise run: ${e.message}\n`);
      return e.exitStatus;
    }
    throw e;
  } finally {
    for (const s of signals) process.off(s, stop);
  }
}

/** Everything after the image name belongs to the container, as with docker run (`--` optional). */
export function splitAtImage(argv: string[]): { own: string[]; command: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return { own: [...argv.slice(0, i), ...argv.slice(i + 1, i + 2)], command: argv.slice(i + 2) };
    if (a.startsWith('-')) {
      const name = a.replace(/^--?/, '');
      const option = (OPTIONS as Record<string, { type: string }>)[name];
      if (option?.type === 'string') i++;
      continue;
    }
    return { own: argv.slice(0, i + 1), command: argv.slice(i + 1)[0] === '--' ? argv.slice(i + 2) : argv.slice(i + 1) };
  }
  return { own: argv, command: [] };
}
