import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { alignHistory, mapHistory } from '../../analyze/history';
import { writeProvenance } from '../../analyze/provenance';
import { EngineError } from '../../errors';
import type { ImageConfig, Manifest } from '../../image/oci';
import { importImages } from '../../image/archive-import';
import { acquireLease } from '../../image/store-maintenance';
import { layerMembers } from '../../layer/members-cache';
import { loadDockerfile, sourceDateEpochFromEnv, type BuiltImage } from '../builder';
import type { StepRecord } from '../stage-state';
import { failAt } from '../steps/step-context';
import type { BuildOptions } from '../types';
import { BuildPlan, type PlannedStep } from './plan';
import { DelegateProgress } from './progress';

/** One build handed to a delegate. */
export interface DelegateJob {
  options: BuildOptions;
  /** The Dockerfile to give the delegate (a copy of the editor's text when there is one). */
  dockerfile: string;
  contextDir: string;
  /** Where the delegate's result must be exported (a docker-archive or an oci-archive tar). */
  archive: string;
  /** A scratch folder of this build, removed when it ends. */
  workDir: string;
  /** Seconds since the epoch for timestamps, when a reproducible build is asked for. */
  sourceDateEpoch: number | undefined;
  plan: BuildPlan;
  progress: DelegateProgress;
  /** The error for a delegate failure, at the step's instruction when it is known. */
  fail(step: PlannedStep | undefined, message: string): EngineError;
}

/** A builder Layerwise drives instead of building itself. */
export interface Delegate {
  readonly name: 'docker' | 'buildah';
  /** Runs the build, streaming its progress into job.progress, and exports the image to job.archive. */
  build(job: DelegateJob): Promise<void>;
}

/**
 * Builds with a delegate and brings the result into the store: the same events as the
 * embedded builder, the image imported (every blob verified), tagged, and its history matched
 * to the Dockerfile's instructions so its provenance points at lines as a native build's does.
 */
export async function buildWithDelegate(delegate: Delegate, options: BuildOptions): Promise<BuiltImage> {
  const started = Date.now();
  const { contextDir, dockerfile, model } = await loadDockerfile(options);
  const plan = new BuildPlan(model, options.target, options.buildArgs ?? {});
  const progress = new DelegateProgress(plan, dockerfile, (e) => options.onEvent?.(e));
  const workDir = path.join(options.store.dir, 'layerwise', 'work', `delegate-${process.pid}-${randomBytes(6).toString('hex')}`);
  await fs.mkdir(workDir, { recursive: true });
  const fail = failAt(dockerfile);
  const job: DelegateJob = {
    options,
    dockerfile,
    contextDir,
    archive: path.join(workDir, 'image.tar'),
    workDir,
    sourceDateEpoch: options.sourceDateEpoch ?? sourceDateEpochFromEnv(),
    plan,
    progress,
    fail: (step, message) =>
      step ? fail(step.instruction, message) : new EngineError('BUILD', `${delegate.name} build failed: ${message}`),
  };
  if (options.dockerfileText !== undefined) {
    job.dockerfile = path.join(workDir, 'Dockerfile');
    await fs.writeFile(job.dockerfile, options.dockerfileText);
  }
  // Blobs are imported before the tag points at them: the lease keeps prune away meanwhile.
  const release = await acquireLease(options.store);
  try {
    progress.begin();
    await delegate.build(job);
    progress.finish();
    const [image] = await importImages(options.store, job.archive, options.tag);
    if (!image) throw new EngineError('BUILD', `${delegate.name} exported no image`);
    const manifest = await options.store.readJSON<Manifest>(image.descriptor.digest);
    const config = await options.store.readJSON<ImageConfig>(manifest.config.digest);
    const steps = provenanceSteps(config, manifest.layers.length, plan, progress);
    await writeProvenance(options.store, image.descriptor.digest, { dockerfile, context: contextDir, steps });
    await reportLayers(options, manifest, config, steps, progress);
    const ref = options.tag ? image.ref : undefined;
    const durationMs = Date.now() - started;
    options.onEvent?.({ type: 'done', digest: image.descriptor.digest, ref, durationMs });
    return { manifest: image.descriptor, ref, size: manifest.layers.reduce((n, l) => n + l.size, 0), layers: manifest.layers.length, durationMs };
  } finally {
    await release();
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

// The delegate's history entries matched to the instructions (the base image's entries match none).
function provenanceSteps(config: ImageConfig, layers: number, plan: BuildPlan, progress: DelegateProgress): StepRecord[] {
  const match = alignHistory(mapHistory(config, layers), plan.historySteps());
  return [...match.ranges].sort(([a], [b]) => a - b).map(([history, range]) => ({ history, range, cached: progress.wasCached(range) }));
}

// One `layer` (or `cached`) event per layer the build made, at the step that made it.
async function reportLayers(options: BuildOptions, manifest: Manifest, config: ImageConfig, steps: StepRecord[], progress: DelegateProgress): Promise<void> {
  if (!options.onEvent) return;
  const history = mapHistory(config, manifest.layers.length);
  for (const record of steps) {
    const layer = history[record.history]?.layer;
    const step = progress.stepAt(record.range);
    if (layer === undefined || !step) continue;
    const d = manifest.layers[layer];
    if (record.cached) options.onEvent({ type: 'cached', step: step.step, digest: d.digest });
    else options.onEvent({ type: 'layer', step: step.step, digest: d.digest, size: d.size, files: (await layerMembers(options.store, d)).length });
  }
}
