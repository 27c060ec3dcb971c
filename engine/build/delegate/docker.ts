import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { EngineError } from '../../errors';
import type { Delegate, DelegateJob } from './delegate-build';
import { commonFlags } from './flags';
import type { PlannedStep } from './plan';
import { runDelegate, runQuiet } from './process';

/** A docker client that can build with BuildKit, and how. */
export interface DockerClient {
  command: string;
  /** `docker buildx build` (the user's current builder, perhaps remote) rather than `docker build`. */
  buildx: boolean;
}

/** The docker command: $LAYERWISE_DOCKER, else `docker` on PATH. */
export function dockerCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.LAYERWISE_DOCKER || 'docker';
}

/**
 * Finds out how this docker client builds with BuildKit: through buildx when it is installed;
 * otherwise a client older than 23 drives the daemon's BuildKit itself (DOCKER_BUILDKIT=1),
 * while newer ones refuse without buildx. Throws UNSUPPORTED saying why when neither works.
 */
export async function probeDocker(command = dockerCommand()): Promise<DockerClient> {
  const buildx = await runQuiet({ command, args: ['buildx', 'version'] }).then(() => true, () => false);
  if (buildx) return { command, buildx };
  let version: string;
  try {
    version = (await runQuiet({ command, args: ['version', '--format', '{{.Client.Version}}|{{.Server.Version}}'] })).trim();
  } catch (e) {
    throw new EngineError('UNSUPPORTED', `the docker builder needs a running Docker daemon: ${(e as Error).message}`, { cause: e });
  }
  const major = Number(/^(\d+)\./.exec(version)?.[1] ?? 'NaN');
  if (!(major < 23)) {
    throw new EngineError('UNSUPPORTED', `docker ${version.split('|')[0]} builds with BuildKit only through the buildx plugin, which is not installed (install docker-buildx, or set LAYERWISE_DOCKER to a client that has it)`);
  }
  return { command, buildx: false };
}

/**
 * The docker delegate: `docker buildx build` exporting a docker tarball, or (no buildx) `docker
 * build` with BuildKit then `docker save`. The image stays in Docker (tagged when a tag was
 * given), so Docker's own cache serves the next build.
 */
export function dockerDelegate(client: DockerClient): Delegate {
  return {
    name: 'docker',
    async build(job) {
      const iidfile = path.join(job.workDir, 'iid');
      const args = [...(client.buildx ? ['buildx', 'build'] : ['build']), '--progress=plain', ...commonFlags(job)];
      if (job.options.tag) args.push('-t', job.options.tag);
      // BuildKit 0.11+ takes SOURCE_DATE_EPOCH as a build arg for reproducible images; older ones ignore it.
      if (job.sourceDateEpoch !== undefined && !('SOURCE_DATE_EPOCH' in (job.options.buildArgs ?? {}))) args.push('--build-arg', `SOURCE_DATE_EPOCH=${job.sourceDateEpoch}`);
      if (client.buildx) args.push('--output', `type=docker,dest=${job.archive}`);
      else args.push('--iidfile', iidfile);
      args.push(job.contextDir);
      const parser = new BuildKitProgress(job);
      const exit = await runDelegate({ command: client.command, args, env: { ...process.env, DOCKER_BUILDKIT: '1' } }, job.options.signal, (l) => parser.line(l));
      if (exit.code !== 0) throw parser.error(exit.tail);
      if (client.buildx) return;
      // By ID when untagged, so the archive names no image and the store gets no stray tag.
      const id = (await fs.readFile(iidfile, 'utf8')).trim();
      await runQuiet({ command: client.command, args: ['save', '-o', job.archive, job.options.tag ?? id] }, job.options.signal);
    },
  };
}

const VERTEX = /^#(\d+) (.*)$/;
const STEP_NAME = /^\[(?:(\S+) )?\d+\/\d+\] (.*)$/;
const METADATA = /^\[internal\] load metadata for (\S+)$/;

/**
 * Reads BuildKit's `--progress=plain` output: `#N NAME` opens vertex N (a Dockerfile step is
 * `[stage k/n] INSTRUCTION`), then `#N 0.123 output`, `#N CACHED`, `#N DONE`, `#N ERROR: why`.
 */
export class BuildKitProgress {
  private readonly vertices = new Map<string, { name: string; step?: PlannedStep }>();
  private readonly errors: { step?: PlannedStep; name: string; message: string }[] = [];

  constructor(private readonly job: DelegateJob) {}

  line(text: string): void {
    const m = VERTEX.exec(text);
    if (!m) return;
    const [, id, rest] = m;
    const vertex = this.vertices.get(id);
    if (!vertex) {
      this.vertices.set(id, { name: rest, step: this.locate(rest) });
      this.job.progress.step(this.vertices.get(id)!.step);
      return;
    }
    if (rest === vertex.name || /^(DONE|sha256:)/.test(rest)) return;
    if (rest === 'CACHED') return this.job.progress.cached(vertex.step);
    if (rest.startsWith('ERROR')) {
      this.errors.push({ step: vertex.step, name: vertex.name, message: rest.replace(/^ERROR:?\s*/, '') });
      return;
    }
    const output = /^\d+\.\d+ (.*)$/.exec(rest);
    if (output && vertex.step) this.job.progress.log(output[1]);
  }

  private locate(name: string): PlannedStep | undefined {
    const m = STEP_NAME.exec(name);
    if (m) {
      const stage = this.job.plan.stageNamed(m[1]);
      return stage && this.job.plan.locate(stage, m[2]);
    }
    const meta = METADATA.exec(name);
    return meta ? this.job.plan.stageWithImage(meta[1]) : undefined;
  }

  /** The build's failure, at the instruction of the vertex that failed when there is one. */
  error(tail: string[]): EngineError {
    const summary = tail.filter((l) => l.trim() !== '' && !VERTEX.test(l) && !/^-+$/.test(l.trim()) && !l.startsWith(' > ')).at(-1) ?? 'docker build failed';
    const failed = this.errors.find((e) => e.step) ?? this.errors[0];
    if (failed?.step) return this.job.fail(failed.step, failed.message);
    // Newer BuildKit names the line: "Dockerfile:3".
    const line = /Dockerfile:(\d+)/.exec(tail.join('\n'));
    const step = line ? this.job.plan.atLine(Number(line[1])) : undefined;
    return this.job.fail(step, failed?.message ?? summary.replace(/^(error|ERROR):\s*/, ''));
  }
}
