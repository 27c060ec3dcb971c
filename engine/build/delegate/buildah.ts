import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { EngineError } from '../../errors';
import { commonFlags } from './flags';
import type { Delegate, DelegateJob } from './delegate-build';
import type { PlannedStep } from './plan';
import { runDelegate, runQuiet } from './process';

/** The buildah command: $LAYERWISE_BUILDAH, else `buildah` on PATH. */
export function buildahCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.LAYERWISE_BUILDAH || 'buildah';
}

/** Throws UNSUPPORTED when buildah cannot be run. */
export async function probeBuildah(command = buildahCommand()): Promise<void> {
  await runQuiet({ command, args: ['version'] });
}

/**
 * The isolation buildah runs RUN with: the one asked for, else buildah's own default when the
 * user set $BUILDAH_ISOLATION, else chroot (works as root and inside containers, where the oci
 * runtime often cannot create namespaces).
 */
export function buildahIsolation(asked: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return asked ?? (env.BUILDAH_ISOLATION ? undefined : 'chroot');
}

/**
 * The buildah delegate: `buildah bud --layers` (docker format, so HEALTHCHECK, SHELL and ONBUILD
 * are kept, as Docker keeps them; --force-rm, so a failed build leaves no working container), then `buildah push` to a docker-archive. An oci-archive would
 * drop those three fields again: OCI image configs have no place for them.
 */
export function buildahDelegate(command = buildahCommand(), isolation?: string): Delegate {
  return {
    name: 'buildah',
    async build(job) {
      const iidfile = path.join(job.workDir, 'iid');
      const args = ['bud', '--layers', '--force-rm', '--format', 'docker', ...commonFlags(job), '--iidfile', iidfile];
      const iso = buildahIsolation(isolation);
      if (iso) args.push('--isolation', iso);
      if (job.sourceDateEpoch !== undefined) args.push('--timestamp', String(job.sourceDateEpoch));
      if (job.options.tag) args.push('-t', job.options.tag);
      args.push(job.contextDir);
      const parser = new BuildahProgress(job);
      const exit = await runDelegate({ command, args }, job.options.signal, (l) => parser.line(l));
      if (exit.code !== 0) throw parser.error(exit.tail);
      const id = (await fs.readFile(iidfile, 'utf8')).trim().replace(/^sha256:/, '');
      await runQuiet({ command, args: ['push', '--quiet', id, `docker-archive:${job.archive}`] }, job.options.signal);
    },
  };
}

const STEP = /^(?:\[(\d+)\/\d+\] )?STEP (\d+)(?:\/\d+)?: (.*)$/;
const QUIET = /^(?:\[\d+\/\d+\] )?COMMIT\b|^--> (?!Using cache)|^[0-9a-f]{64}$|^Successfully tagged |^Getting image source signatures|^(Copying|Writing|Storing) /;

/**
 * Reads `buildah bud` output: `[i/n] STEP k/m: INSTRUCTION` starts instruction k of stage i
 * (both 1-based; FROM is STEP 1), `--> Using cache ID` reuses it, anything else is the step's
 * output, and `Error: ...` ends the build at the step running then.
 */
export class BuildahProgress {
  private current: PlannedStep | undefined;
  private message: string | undefined;

  constructor(private readonly job: DelegateJob) {}

  line(text: string): void {
    const m = STEP.exec(text);
    if (m) {
      const stage = m[1] ? this.job.plan.model.stages[Number(m[1]) - 1] : this.job.plan.stageNamed(undefined);
      this.current = stage && this.job.plan.at(stage, Number(m[2]) - 1, m[3]);
      this.job.progress.step(this.current);
      return;
    }
    if (text.startsWith('--> Using cache')) return this.job.progress.cached(this.current);
    const error = /^(?:Error|error): (.*)$/.exec(text);
    if (error) {
      this.message = error[1];
      return;
    }
    if (QUIET.test(text) || text.trim() === '') return;
    this.job.progress.log(text.replace(/^time="[^"]*" level=(\w+) msg="(.*)"$/, '$1: $2'));
  }

  /** The build's failure, at the step buildah was running. */
  error(tail: string[]): EngineError {
    const message = this.message ?? tail.filter((l) => l.trim() !== '').at(-1) ?? 'buildah bud failed';
    // "building at STEP "RUN exit 3": exit status 3": the step is already known, keep the cause.
    return this.job.fail(this.current, message.replace(/^building at STEP "(?:[^"\\]|\\.)*": /, ''));
  }
}
