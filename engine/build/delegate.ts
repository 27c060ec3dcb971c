import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeManifest } from '../analyze/analyze-image';
import type { BuildResult } from '../analyze/model';
import { parseDockerfile } from '../dockerfile/parser';
import { EngineError } from '../errors';
import { importImages } from '../image/archive-import';
import { normalizeReference } from '../image/reference';
import type { BuildOptions } from './types';

/** Who builds: our builder, or Docker (BuildKit) / buildah with the result imported into the store. */
export type BuilderChoice = 'embedded' | 'docker' | 'buildah';

/** Lines of the tool's output kept for the error message of a failed build. */
const TAIL_LINES = 30;

/**
 * Builds with Docker or buildah, then imports the image into the store (tagged as asked) and
 * analyses it with its history matched to the Dockerfile's lines. Every output line is a `log`
 * event; a failure becomes an EngineError naming the Dockerfile line the tool blamed, when it
 * did. Docker keeps the image under the tag too; without a tag a temporary name is removed.
 */
export async function delegateBuild(options: BuildOptions & { builder: 'docker' | 'buildah'; /** The tool's binary (default: its name on PATH). */ tool?: string }): Promise<BuildResult> {
  const started = Date.now();
  const context = path.resolve(options.context);
  const dockerfile = path.resolve(options.dockerfile ?? path.join(context, 'Dockerfile'));
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'layerwise-delegate-'));
  const name = options.tag ? normalizeReference(options.tag) : `localhost/layerwise-delegate-${randomBytes(6).toString('hex')}:latest`;
  const log = (message: string) => options.onEvent?.({ type: 'log', message });
  try {
    let file = dockerfile;
    if (options.dockerfileText !== undefined) {
      file = path.join(work, 'Dockerfile');
      await fs.writeFile(file, options.dockerfileText);
    }
    const flags = [...(options.target ? ['--target', options.target] : []), ...Object.entries(options.buildArgs ?? {}).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]), ...(options.noCache ? ['--no-cache'] : [])];
    const archive = path.join(work, 'image.tar');
    const source = { file: dockerfile, shownAs: file, text: options.dockerfileText ?? (await fs.readFile(dockerfile, 'utf8')) };
    const tool = options.tool ?? options.builder;
    const run = (args: string[], env: Record<string, string> = {}) => runTool(tool, args, env, source, log, options.signal);
    if (options.builder === 'docker') {
      const buildArgs = ['build', '-f', file, '-t', name, ...flags, context];
      await run(['build', '--progress=plain', ...buildArgs.slice(1)], { DOCKER_BUILDKIT: '1' }).catch(async (e: unknown) => {
        // A docker CLI without buildx cannot drive BuildKit: the classic builder still can build.
        if (!(e instanceof EngineError && /buildx component is missing/.test(e.message))) throw e;
        log('BuildKit needs buildx, which this docker lacks: building with the classic builder');
        await run(buildArgs, { DOCKER_BUILDKIT: '0' });
      });
      await run(['save', '-o', archive, name]);
      if (!options.tag) await run(['rmi', name]);
    } else {
      await run(['bud', '--layers', '-f', file, '-t', name, ...flags, context]);
      await run(['push', name, `oci-archive:${archive}:${name}`]);
      if (!options.tag) await run(['rmi', name]);
    }
    const [image] = await importImages(options.store, archive, options.tag ? name : undefined);
    if (!image) throw new EngineError('BUILD', `${options.builder} produced no image`);
    const analysis = await analyzeManifest(options.store, image.descriptor, options.tag ? image.ref : undefined, {
      dockerfile,
      dockerfileText: options.dockerfileText,
      target: options.target,
      signal: options.signal,
    });
    const durationMs = Date.now() - started;
    options.onEvent?.({ type: 'done', digest: image.descriptor.digest, ref: options.tag ? image.ref : undefined, durationMs });
    return { image: analysis, durationMs };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** Runs a tool, streaming its output lines; a non-zero exit is an EngineError with its last lines. */
function runTool(cmd: string, args: string[], env: Record<string, string>, dockerfile: DockerfileSource, log: (line: string) => void, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new EngineError('CANCELLED', 'cancelled'));
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const onAbort = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });
    let pending = '';
    const onData = (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        log(line);
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => {
      signal?.removeEventListener('abort', onAbort);
      reject(new EngineError('UNSUPPORTED', `cannot run ${cmd}: ${e.message} (install it, or choose another builder)`, { cause: e }));
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (pending) onData(Buffer.from('\n'));
      if (signal?.aborted) return reject(new EngineError('CANCELLED', 'cancelled'));
      if (code === 0) return resolve();
      reject(new EngineError('BUILD', `${cmd} ${args[0]} failed (exit ${code}): ${failureText(tail)}`, { location: blamedLine(tail, dockerfile) }));
    });
  });
}

/** The tool's own error lines (BuildKit's `ERROR:`/`error:`, buildah's `Error:`), else its last line. */
function failureText(tail: string[]): string {
  const errors = tail.filter((l) => /^(#\d+ )?(ERROR|error|Error)\b/.test(l.trim()));
  return (errors.length ? errors : tail.filter((l) => l.trim()).slice(-1)).map((l) => l.trim()).join(' ');
}

interface DockerfileSource {
  /** The Dockerfile as the user knows it. */
  file: string;
  /** The path the tool was given (a temp copy for unsaved text). */
  shownAs: string;
  text: string;
}

type Location = NonNullable<EngineError['location']>;

/**
 * The instruction the tool blamed: newer BuildKit prints `Dockerfile:3` above it; else the
 * step of BuildKit's error summary; else the last step the tool announced (BuildKit `#7 [2/3] COPY ...`, buildah `STEP 2/3: COPY ...`, the classic
 * builder `Step 2/3 : COPY ...`) matched to the Dockerfile's instructions.
 */
function blamedLine(tail: string[], dockerfile: DockerfileSource): Location | undefined {
  const shown = path.basename(dockerfile.shownAs).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const line of [...tail].reverse()) {
    const m = new RegExp(`(?:^|\\s|/)${shown}:(\\d+)`).exec(line);
    if (m) {
      const n = Number(m[1]) - 1;
      return { file: dockerfile.file, range: { start: { line: n, character: 0 }, end: { line: n + 1, character: 0 } } };
    }
  }
  const norm = (t: string) => t.replace(/\s+/g, ' ').trim().toLowerCase();
  // BuildKit's summary (`> [2/3] COPY x /:`) names the failed step even when others ran after it.
  const failed = tail.map((l) => /^> \[(?:\S+ )?\d+\/\d+\] (.+):$/.exec(l.trim())?.[1]).filter((x): x is string => !!x);
  const announced = tail.map((l) => /(?:^#\d+ \[(?:\S+ )?\d+\/\d+\]|^STEP \d+\/\d+:|^Step \d+\/\d+ :)\s*(.+)$/.exec(l.trim())?.[1]).filter((x): x is string => !!x);
  for (const step of [...failed, ...announced.reverse()].slice(0, 1)) {
    const ins = parseDockerfile(dockerfile.text).instructions.find((i) => norm(i.original) === norm(step));
    return ins ? { file: dockerfile.file, range: ins.range } : undefined;
  }
  return undefined;
}
