import { analyzeManifest } from '../../analyze/analyze-image';
import type { AnalysisMemo } from '../../analyze/analysis-memo';
import type { BuildResult } from '../../analyze/model';
import type { Dockerfile } from '../../dockerfile/types';
import { EngineError } from '../../errors';
import { buildImage, loadDockerfile, type BuiltImage } from '../builder';
import { hostBinary } from '../run/host-binaries';
import { selectSandbox } from '../run/select-sandbox';
import type { BuildOptions, BuilderChoice, BuilderKind } from '../types';

export type { BuilderChoice, BuilderKind };
import { buildahDelegate, probeBuildah } from './buildah';
import { buildWithDelegate } from './delegate-build';
import { dockerDelegate, probeDocker } from './docker';
import { runQuiet } from './process';

export const BUILDER_CHOICES: readonly BuilderChoice[] = ['auto', 'embedded', 'docker', 'buildah'];

export interface BuilderOptions extends BuildOptions {
  /** Default `auto`. */
  builder?: BuilderChoice;
  /** buildah's RUN isolation (chroot, oci, rootless); default $BUILDAH_ISOLATION, else chroot. */
  isolation?: string;
  /** A long-lived process's recent analyses: a rebuild that gives the same image is not analysed again. */
  analyses?: AnalysisMemo;
}

/** Parses a builder name as the CLI and settings give it. */
export function parseBuilder(value: string | undefined): BuilderChoice {
  const v = (value ?? 'auto').trim().toLowerCase() || 'auto';
  if (!(BUILDER_CHOICES as readonly string[]).includes(v)) throw new EngineError('USAGE', `the builder must be one of ${BUILDER_CHOICES.join(', ')}, not "${value}"`);
  return v as BuilderChoice;
}

/**
 * The builder `auto` means here: embedded when its RUN steps can be sandboxed (a sandbox is
 * installed and allowed to make namespaces) or there are none, else docker when a
 * BuildKit-capable Docker is reachable, else buildah when installed, else embedded (whose
 * error then says what to install).
 */
export async function resolveBuilder(choice: BuilderChoice, model: Dockerfile): Promise<BuilderKind> {
  if (choice !== 'auto') return choice;
  if (!needsRun(model) || (await sandboxRuns())) return 'embedded';
  if (await probeDocker().then(() => true, () => false)) return 'docker';
  if (await probeBuildah().then(() => true, () => false)) return 'buildah';
  return 'embedded';
}

let sandboxProbe: Promise<boolean> | undefined;

// An installed sandbox may still be refused namespaces (locked-down hosts, containers): try it once.
function sandboxRuns(): Promise<boolean> {
  return (sandboxProbe ??= (async () => {
    let sandbox;
    try {
      sandbox = selectSandbox();
    } catch {
      return false;
    }
    const probe =
      sandbox.name === 'chroot'
        ? { command: hostBinary('unshare'), args: ['--mount', '--uts', '--ipc', '--pid', '--net', '--fork', 'true'] }
        : { command: hostBinary('bwrap'), args: ['--unshare-all', '--unshare-user', '--die-with-parent', '--ro-bind', '/', '/', 'true'] };
    return runQuiet(probe).then(() => true, () => false);
  })());
}

// RUN anywhere (ONBUILD RUN included) may need a sandbox; a base image's own triggers are not known here.
function needsRun(model: Dockerfile): boolean {
  return model.instructions.some((i) => i.keyword === 'RUN' || i.subInstruction?.keyword === 'RUN');
}

/** Builds with the chosen builder; every builder leaves an image, its tag and its provenance in the store. */
export async function buildWith(options: BuilderOptions): Promise<BuiltImage & { builder: BuilderKind }> {
  const choice = options.builder ?? 'auto';
  const builder = choice === 'auto' ? await resolveBuilder(choice, (await loadDockerfile(options)).model) : choice;
  switch (builder) {
    case 'embedded':
      return { ...(await buildImage(options)), builder };
    case 'docker':
      return { ...(await buildWithDelegate(dockerDelegate(await probeDocker()), options)), builder };
    case 'buildah':
      await probeBuildah().catch((e: Error) => {
        throw new EngineError('UNSUPPORTED', `the buildah builder cannot run buildah: ${e.message}`, { cause: e });
      });
      return { ...(await buildWithDelegate(buildahDelegate(undefined, options.isolation), options)), builder };
  }
}

/** buildWith, then the same analysis `inspect` gives. */
export async function buildAndAnalyze(options: BuilderOptions): Promise<BuildResult & { builder: BuilderKind }> {
  const built = await buildWith(options);
  const image = options.analyses ? await options.analyses.analyze(options.store, built.manifest, built.ref) : await analyzeManifest(options.store, built.manifest, built.ref);
  return { image, durationMs: built.durationMs, builder: built.builder };
}
