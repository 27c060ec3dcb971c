import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { analyzeManifest } from '../analyze/analyze-image';
import type { BuildResult } from '../analyze/model';
import { writeProvenance } from '../analyze/provenance';
import { parseDockerfile } from '../dockerfile/parser';
import type { Dockerfile, Instruction, Stage } from '../dockerfile/types';
import { EngineError } from '../errors';
import { MediaType, type Descriptor, type ImageConfig, type Manifest } from '../image/oci';
import type { Store } from '../image/store';
import { rememberLayer } from '../layer/members-cache';
import { writeLayerTar } from '../layer/tar-writer';
import type { LayerEntry } from '../layer/entry';
import { hostArchitecture, scratchState, stageCopy, storeImageState } from './base-image';
import { loadContextFilter } from './context-filter';
import type { StageState } from './stage-state';
import { copyEntries, type ContextFilter } from './steps/copy';
import { applyMetadata } from './steps/metadata';
import { failAt, type StepContext } from './steps/step-context';
import { workdirEntries } from './steps/workdir';
import type { BuildEvent, BuildOptions } from './types';
import { expandWith, platformArgs } from './variables';

const METADATA = new Set(['ENV', 'LABEL', 'MAINTAINER', 'USER', 'EXPOSE', 'CMD', 'ENTRYPOINT', 'STOPSIGNAL', 'VOLUME', 'SHELL', 'ONBUILD', 'HEALTHCHECK']);

/**
 * Builds a Dockerfile into the store without a daemon: each layer is written as a tar blob,
 * then the config and manifest, then the tag, so an interrupted build leaves only unreferenced
 * blobs behind. Returns the same analysis `inspect` gives.
 */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const contextDir = path.resolve(options.context);
  const dockerfile = path.resolve(options.dockerfile ?? path.join(contextDir, 'Dockerfile'));
  const model = parseDockerfile(options.dockerfileText ?? (await readDockerfile(dockerfile)));
  if (model.errors.length > 0) {
    const e = model.errors[0];
    throw new EngineError('PARSE', `${dockerfile}:${e.range.start.line + 1}: ${e.message}`, { location: { file: dockerfile, range: e.range } });
  }
  const epoch = options.sourceDateEpoch ?? sourceDateEpochFromEnv();
  const now = epoch ?? Math.floor(started / 1000);
  const emit = (e: BuildEvent) => options.onEvent?.(e);
  const ctx: StepContext = {
    created: goTime(epoch !== undefined ? epoch * 1000 : started),
    clampMtime: epoch,
    now,
    dockerfile,
    contextDir,
    signal: options.signal,
    fail: failAt(dockerfile),
  };
  const stages = stagesToBuild(model, options.target);
  const steps = stages.reduce((n, s) => n + s.instructions.length + 1, 0);
  emit({ type: 'start', steps, dockerfile });
  const filter = await loadContextFilter(contextDir, dockerfile);
  const globals = globalArgs(model, options.buildArgs ?? {});
  const states = new Map<Stage, StageState>();
  let step = 0;
  for (const stage of stages) {
    checkAborted(options.signal);
    emit({ type: 'step', step: ++step, steps, stage: stage.index, instruction: stage.from.original.trim(), range: stage.from.range });
    const state = await baseState(stage, model, states, options.store, globals, ctx);
    for (const ins of stage.instructions) {
      checkAborted(options.signal);
      emit({ type: 'step', step: ++step, steps, stage: stage.index, instruction: ins.original.trim(), range: ins.range });
      await dispatch(ins, state, ctx, options, filter, globals, emit, step);
    }
    states.set(stage, state);
  }
  const final = states.get(stages[stages.length - 1])!;
  const manifest = await writeImage(options.store, final, ctx.created);
  await writeProvenance(options.store, manifest.digest, { dockerfile, context: contextDir, steps: final.steps });
  const ref = options.tag ? await options.store.tag(options.tag, manifest) : undefined;
  const image = await analyzeManifest(options.store, manifest, ref);
  const durationMs = Date.now() - started;
  emit({ type: 'done', digest: manifest.digest, ref, durationMs });
  return { image, durationMs };
}

async function readDockerfile(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new EngineError('NOT_FOUND', `cannot read the Dockerfile ${file}: ${(e as Error).message}`, { cause: e });
  }
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EngineError('CANCELLED', 'build cancelled');
}

/** $SOURCE_DATE_EPOCH as seconds, when set to a number. */
export function sourceDateEpochFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env.SOURCE_DATE_EPOCH;
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** RFC 3339 as Go marshals a time.Time: no fraction when it is zero. */
function goTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

// The target stage and the stages it is built FROM, in Dockerfile order.
function stagesToBuild(model: Dockerfile, target: string | undefined): Stage[] {
  if (model.stages.length === 0) throw new EngineError('PARSE', 'the Dockerfile has no FROM instruction');
  let last = model.stages[model.stages.length - 1];
  if (target) {
    const found = model.stages.find((s) => s.name === target.toLowerCase());
    if (!found) throw new EngineError('USAGE', `target stage "${target}" could not be found (stages: ${model.stages.map((s) => s.name ?? s.index).join(', ')})`);
    last = found;
  }
  const needed = new Set<Stage>([last]);
  for (let i = last.index; i >= 0; i--) {
    const s = model.stages[i];
    if (!needed.has(s)) continue;
    const parent = model.stages.find((p) => p.index < s.index && p.name !== undefined && p.name === s.base?.value.toLowerCase());
    if (parent) needed.add(parent);
  }
  return model.stages.filter((s) => needed.has(s));
}

function globalArgs(model: Dockerfile, buildArgs: Record<string, string>): Map<string, string> {
  const vars = platformArgs('linux', hostArchitecture());
  for (const ins of model.globalArgs) {
    for (const kv of ins.keyValues) {
      const name = kv.key.value;
      const value = buildArgs[name] ?? (kv.value ? expandWith(model.escapeChar, vars, kv.value.value) : undefined);
      if (value !== undefined) vars.set(name, value);
    }
  }
  return vars;
}

async function baseState(stage: Stage, model: Dockerfile, states: Map<Stage, StageState>, store: Store, globals: Map<string, string>, ctx: StepContext): Promise<StageState> {
  if (!stage.base) throw ctx.fail(stage.from, 'FROM requires an image');
  const name = expandWith(model.escapeChar, globals, stage.base.value);
  if (name.toLowerCase() === 'scratch') return scratchState(model.escapeChar);
  const parent = [...states.keys()].find((s) => s.name === name.toLowerCase() || String(s.index) === name);
  if (parent) return stageCopy(states.get(parent)!, model.escapeChar);
  if (stage.from.flags.some((f) => f.name === 'platform')) {
    throw ctx.fail(stage.from, '--platform is not supported by the embedded builder yet');
  }
  return storeImageState(store, name, model.escapeChar, { file: ctx.dockerfile, range: stage.from.range });
}

async function dispatch(
  ins: Instruction,
  state: StageState,
  ctx: StepContext,
  options: BuildOptions,
  filter: ContextFilter,
  globals: Map<string, string>,
  emit: (e: BuildEvent) => void,
  step: number,
): Promise<void> {
  try {
    if (METADATA.has(ins.keyword)) return applyMetadata(ins, state, ctx);
    switch (ins.keyword) {
      case 'ARG':
        return declareArgs(ins, state, options.buildArgs ?? {}, globals, ctx);
      case 'WORKDIR': {
        const entries = workdirEntries(ins, state, ctx);
        const text = `WORKDIR ${state.config.config.WorkingDir}`;
        if (entries.length === 0) return state.commitMetadata(text, ctx.created, ins.range);
        return await commitLayer(ins, state, ctx, options.store, entries, text, emit, step);
      }
      case 'COPY':
      case 'ADD': {
        const entries = await copyEntries(ins, state, ctx, filter);
        return await commitLayer(ins, state, ctx, options.store, entries, copyHistory(ins, state), emit, step);
      }
      case 'RUN':
        throw ctx.fail(ins, 'RUN needs a sandbox, which the embedded builder does not have yet; build this Dockerfile with docker or buildah');
      default:
        throw ctx.fail(ins, `unknown instruction: ${ins.keyword}`);
    }
  } catch (e) {
    checkAborted(ctx.signal);
    if (e instanceof EngineError) throw e;
    throw ctx.fail(ins, (e as Error).message, e);
  }
}

function declareArgs(ins: Instruction, state: StageState, buildArgs: Record<string, string>, globals: Map<string, string>, ctx: StepContext): void {
  const parts: string[] = [];
  for (const kv of ins.keyValues) {
    const name = kv.key.value;
    let value: string | undefined;
    if (name in buildArgs) value = buildArgs[name];
    else if (kv.value) value = state.vars.word(kv.value.value);
    else value = globals.get(name);
    if (value !== undefined) state.vars.setArg(name, value);
    parts.push(value === undefined ? name : `${name}=${value}`);
  }
  state.commitMetadata(`ARG ${parts.join(' ')}`, ctx.created, ins.range);
}

// BuildKit's history text: `COPY src... dest` with expanded words, heredocs as `<<NAME`.
function copyHistory(ins: Instruction, state: StageState): string {
  const words = ins.args.map((a) => (a.value.startsWith('<<') ? a.value : state.vars.word(a.value)));
  const flags = ins.flags.filter((f) => f.name === 'chown' || f.name === 'chmod').map((f) => `${f.text} `).join('');
  return `${ins.keyword} ${flags}${words.join(' ')}`;
}

async function commitLayer(
  ins: Instruction,
  state: StageState,
  ctx: StepContext,
  store: Store,
  entries: LayerEntry[],
  history: string,
  emit: (e: BuildEvent) => void,
  step: number,
): Promise<void> {
  const { digest, size } = await store.writeBlob(writeLayerTar(entries));
  const layer: Descriptor = { mediaType: MediaType.ociLayer, digest, size };
  rememberLayer(digest, entries);
  state.fs.apply(state.layers.length, entries);
  state.commitLayer(layer, digest, history, ctx.created, ins.range);
  emit({ type: 'layer', step, digest, size, files: entries.length });
}

async function writeImage(store: Store, state: StageState, created: string): Promise<Descriptor> {
  const c = state.config;
  const config: ImageConfig = {
    architecture: c.architecture,
    os: c.os,
    ...(c.variant ? { variant: c.variant } : {}),
    ...(c.author ? { author: c.author } : {}),
    config: sortedMaps(c.config),
    created,
    history: c.history,
    rootfs: c.rootfs,
  };
  const configDesc = await store.writeJSON(config, MediaType.ociConfig);
  const manifest: Manifest = { schemaVersion: 2, mediaType: MediaType.ociManifest, config: configDesc, layers: state.layers };
  return store.writeJSON(manifest, MediaType.ociManifest);
}

// Go marshals maps with sorted keys; doing the same keeps digests equal to Docker's.
function sortedMaps(cfg: ImageConfig['config']): ImageConfig['config'] {
  const sort = <T>(m: Record<string, T> | undefined) => (m ? Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : m);
  return { ...cfg, ExposedPorts: sort(cfg.ExposedPorts), Volumes: sort(cfg.Volumes), Labels: sort(cfg.Labels) };
}
