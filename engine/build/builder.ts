import { randomBytes } from 'node:crypto';
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
import { acquireLease } from '../image/store-maintenance';
import { knownLayerMembers, layerMembers, rememberLayer } from '../layer/members-cache';
import { StatCache } from '../context/stat-cache';
import { cacheKey, StepCache } from './cache/step-cache';
import type { WarmBuild } from './cache/warm-contexts';
import { contentDigest } from './cache/content-digest';
import { writeLayerTar } from '../layer/tar-writer';
import type { LayerEntry } from '../layer/entry';
import { scratchState, stageCopy, storeImageState } from './base-image';
import { hostArchitecture } from '../image/platform';
import { loadContextFilter } from './context-filter';
import type { StageState } from './stage-state';
import { copyEntries, NO_FILTER, type ContextFilter, type CopySource } from './steps/copy';
import { Rootfs } from './rootfs/rootfs';
import { applyMetadata } from './steps/metadata';
import { failAt, metadataTime, type StepContext } from './steps/step-context';
import { runStep, type RunResources } from './steps/run';
import { parseMount } from './run/mounts';
import { treeDigest } from './cache/content-digest';
import { workdirEntries } from './steps/workdir';
import { selectSandbox } from './run/select-sandbox';
import type { UserDatabase } from './run/users';
import { stageUserDatabase } from './stage-users';
import type { Sandbox } from './run/sandbox';
import type { BuildEvent, BuildOptions } from './types';
import { expandWith, platformArgs } from './variables';

const METADATA = new Set(['ENV', 'LABEL', 'MAINTAINER', 'USER', 'EXPOSE', 'CMD', 'ENTRYPOINT', 'STOPSIGNAL', 'VOLUME', 'SHELL', 'ONBUILD', 'HEALTHCHECK']);

/**
 * Builds a Dockerfile into the store without a daemon: each layer is written as a tar blob,
 * then the config and manifest, then the tag, so an interrupted build leaves only unreferenced
 * blobs behind. Returns the same analysis `inspect` gives.
 */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const built = await buildImage(options);
  const image = await analyzeManifest(options.store, built.manifest, built.ref);
  return { image, durationMs: built.durationMs };
}

/** What buildImage made: the manifest in the store and its tag. */
export interface BuiltImage {
  manifest: Descriptor;
  ref?: string;
  /** Sum of the layer blobs. */
  size: number;
  layers: number;
  durationMs: number;
}

/** Builds and stores the image without analysing it (what `layerwise build` prints needs no more). */
export async function buildImage(options: BuildOptions): Promise<BuiltImage> {
  const started = Date.now();
  const { contextDir, dockerfile, model } = await loadDockerfile(options);
  const epoch = options.sourceDateEpoch ?? sourceDateEpochFromEnv();
  const ctx: StepContext = {
    created: goTime(epoch !== undefined ? epoch * 1000 : started),
    clampMtime: epoch,
    now: epoch ?? Math.floor(started / 1000),
    dockerfile,
    contextDir,
    workDir: path.join(options.store.dir, 'layerwise', 'work', `build-${process.pid}-${randomBytes(6).toString('hex')}`),
    signal: options.signal,
    fail: failAt(dockerfile),
  };
  const run = new BuildRun(options, model, ctx, await loadContextFilter(contextDir, dockerfile));
  // Holding a lease keeps prune away from blobs this build writes before it tags them.
  const release = await acquireLease(options.store);
  try {
    const final = await run.stages();
    // A cancel that came while the last layer was written still leaves nothing tagged.
    checkAborted(options.signal);
    const manifest = await writeImage(options.store, final, final.config.history.at(-1)?.created ?? ctx.created);
    await writeProvenance(options.store, manifest.digest, { dockerfile, context: contextDir, steps: final.steps });
    const ref = options.tag ? await options.store.tag(options.tag, manifest) : undefined;
    const durationMs = Date.now() - started;
    options.onEvent?.({ type: 'done', digest: manifest.digest, ref, durationMs });
    return { manifest, ref, size: final.layers.reduce((n, l) => n + l.size, 0), layers: final.layers.length, durationMs };
  } finally {
    await run.dispose();
    await release();
  }
}

/** One build in progress: the stages built so far, the step counter, the sandbox once needed. */
class BuildRun {
  private readonly states = new Map<Stage, StageState>();
  /** Images named by COPY --from, loaded once per build. */
  private readonly images = new Map<string, StageState>();
  private readonly globals: Map<string, string>;
  private sandbox: Sandbox | undefined;
  private readonly cache: StepCache;
  private statCache: StatCache | undefined;
  /** The warm context's snapshot, taken before this build's first COPY reads the context. */
  private warm: Promise<WarmBuild> | undefined;
  private step = 0;
  private steps = 0;

  constructor(
    private readonly options: BuildOptions,
    private readonly model: Dockerfile,
    private readonly ctx: StepContext,
    private readonly filter: ContextFilter,
  ) {
    this.globals = globalArgs(model, options.buildArgs ?? {});
    this.cache = new StepCache(options.store);
  }

  /** Content hashes of context files, kept between builds; loaded when a step first hashes a file. */
  get stats(): StatCache {
    if (!this.statCache) {
      const dir = path.join(this.options.store.dir, 'layerwise', 'statcache');
      this.statCache = this.options.warm ? this.options.warm.statCache(this.ctx.contextDir, dir) : StatCache.open(dir, this.ctx.contextDir);
    }
    return this.statCache;
  }

  private emit(e: BuildEvent): void {
    this.options.onEvent?.(e);
  }

  /** Builds the target stage (and those it needs) and returns its final state. */
  async stages(): Promise<StageState> {
    const stages = stagesToBuild(this.model, this.options.target);
    this.steps = stages.reduce((n, s) => n + s.instructions.length + 1, 0);
    this.emit({ type: 'start', steps: this.steps, dockerfile: this.ctx.dockerfile });
    let state: StageState | undefined;
    for (const stage of stages) {
      this.begin(stage.index, stage.from);
      state = await baseState(stage, this.model, this.states, this.options.store, this.globals, this.ctx);
      this.states.set(stage, state);
      await this.runTriggers(stage, state);
      for (const ins of stage.instructions) {
        this.begin(stage.index, ins);
        await this.dispatch(ins, state);
      }
    }
    return state!;
  }

  // The base image's ONBUILD triggers run first, as if written after FROM, then are dropped.
  private async runTriggers(stage: Stage, state: StageState): Promise<void> {
    const triggers = state.config.config.OnBuild ?? [];
    if (triggers.length === 0) return;
    state.config.config.OnBuild = null;
    for (const text of triggers) {
      const parsed = parseDockerfile(`FROM scratch\n${text}\n`);
      const ins = parsed.instructions[1];
      if (parsed.errors.length > 0 || !ins) throw this.ctx.fail(stage.from, `the base image's ONBUILD trigger "${text}" is invalid: ${parsed.errors[0]?.message ?? 'no instruction'}`);
      if (['ONBUILD', 'FROM', 'MAINTAINER'].includes(ins.keyword)) throw this.ctx.fail(stage.from, `${ins.keyword} isn't allowed as an ONBUILD trigger`);
      this.emit({ type: 'log', message: `ONBUILD ${text}` });
      // The trigger is attributed to the FROM line that pulled it in.
      await this.dispatch({ ...ins, range: stage.from.range, keywordRange: stage.from.keywordRange }, state);
    }
  }

  private begin(stage: number, ins: Instruction): void {
    checkAborted(this.ctx.signal);
    this.emit({ type: 'step', step: ++this.step, steps: this.steps, stage, instruction: ins.original.trim(), range: ins.range });
  }

  private async dispatch(ins: Instruction, state: StageState): Promise<void> {
    const ctx = this.ctx;
    try {
      if (METADATA.has(ins.keyword)) return this.metadataDone(state, () => applyMetadata(ins, state, ctx));
      switch (ins.keyword) {
        case 'ARG':
          return this.metadataDone(state, () => declareArgs(ins, state, this.options.buildArgs ?? {}, this.globals, ctx));
        case 'WORKDIR': {
          const entries = await workdirEntries(ins, state, ctx, this.users(state));
          const text = `WORKDIR ${state.config.config.WorkingDir}`;
          if (entries.length === 0) return this.metadataDone(state, () => state.commitMetadata(text, metadataTime(ctx, state), ins.range));
          const key = cacheKey(state.cacheKey, 'WORKDIR', text, JSON.stringify(entries.map((e) => [e.path, e.uid, e.gid])));
          return await this.layerStep(ins, state, key, async () => ({ entries, history: text }));
        }
        case 'COPY':
        case 'ADD': {
          const source = await this.copySource(ins, state);
          const history = `${copyHistory(ins, state)} # buildkit`;
          const signature = this.copySignature(ins, state, source, history);
          // Only a build that reads the context watches it (a Dockerfile of RUNs never does).
          const warm = signature === undefined ? undefined : await this.warmBuild();
          let entries: LayerEntry[] | undefined;
          let digest = signature === undefined ? undefined : warm?.copyDigest(signature);
          if (digest !== undefined) this.emit({ type: 'log', message: 'the context is unchanged since this COPY last read it (watched): not read again' });
          else {
            entries = await copyEntries(ins, state, ctx, source, this.users(state));
            digest = contentDigest(entries, source.keepOwner ? undefined : this.stats);
            if (signature !== undefined) warm?.rememberCopy(signature, digest);
          }
          const key = cacheKey(state.cacheKey, ins.keyword, history, digest);
          return await this.layerStep(ins, state, key, async () => ({ entries: entries ?? (await copyEntries(ins, state, ctx, source, this.users(state))), history }));
        }
        case 'RUN': {
          const c = state.config.config;
          const key = cacheKey(state.cacheKey, 'RUN', ins.original, JSON.stringify([c.Env, c.User, c.WorkingDir, c.Shell, state.vars.declaredArgs(), ins.heredocs.map((h) => h.content)]), await this.bindMountsDigest(ins, state));
          return await this.layerStep(ins, state, key, async () => {
            this.sandbox ??= selectSandbox(this.options.sandbox);
            const outcome = await runStep(ins, state, ctx, this.options.store, this.sandbox, this.runResources(state), (message) => this.emit({ type: 'log', message }));
            return { entries: outcome.entries, history: `${outcome.history} # buildkit`, inRootfs: true };
          });
        }
        default:
          throw ctx.fail(ins, `unknown instruction: ${ins.keyword}`);
      }
    } catch (e) {
      checkAborted(ctx.signal);
      if (e instanceof EngineError) throw e;
      throw ctx.fail(ins, (e as Error).message, e);
    }
  }

  // The snapshot is taken once per build, before its first COPY reads the context; a context
  // that cannot be watched is said once, so a slow rebuild explains itself in the log.
  private warmBuild(): Promise<WarmBuild> {
    return (this.warm ??= this.options.warm!.begin(this.ctx.contextDir, this.filter).then((w) => {
      if (w.problem) this.emit({ type: 'log', message: `the context is read in full on every build: ${w.problem}` });
      return w;
    }));
  }

  // What a COPY of the context reads depends on the stage so far (its cache key covers the base,
  // every earlier step, ENV and ARG values), the instruction and the .dockerignore; with the
  // context unchanged, the same signature reads the same files. Undefined when the COPY reads
  // something no watch covers: another stage, an image, a URL.
  private copySignature(ins: Instruction, state: StageState, source: CopySource, history: string): string | undefined {
    if (!this.options.warm || source.dir !== this.ctx.contextDir) return undefined;
    const sources = ins.args.slice(0, -1);
    // Heredocs alone read nothing of the context.
    if (sources.every((a) => a.value.startsWith('<<'))) return undefined;
    if (ins.keyword === 'ADD' && sources.some((a) => /:\/\/|^git@|\$/.test(a.value))) return undefined;
    const flags = ins.flags.map((f) => [f.name, f.value]);
    const heredocs = ins.heredocs.map((h) => [h.name, h.content, h.chomp, h.expand]);
    return cacheKey(state.cacheKey, ins.keyword, history, JSON.stringify([ins.args.map((a) => a.value), flags, heredocs]), this.filter.signature, this.model.escapeChar);
  }

  // A config-only step: applied every time (cheap), and its effect chained into the cache key.
  private metadataDone(state: StageState, apply: () => void): void {
    apply();
    state.cacheKey = cacheKey(state.cacheKey, 'config', JSON.stringify(state.config.config), JSON.stringify(state.vars.declaredArgs()));
  }

  // A layer step: reused from the cache when its key is known, otherwise produced and stored.
  private async layerStep(
    ins: Instruction,
    state: StageState,
    key: string,
    produce: () => Promise<{ entries: LayerEntry[]; history: string; inRootfs?: boolean }>,
  ): Promise<void> {
    const store = this.options.store;
    const hit = this.options.noCache ? undefined : await this.cache.get(key);
    if (hit) {
      // The member list is read only if a later step asks about the filesystem.
      const members = knownLayerMembers(store, hit.layer) ?? (await layerMembers(store, hit.layer));
      if (state.rootfs) await state.rootfs.apply(store, hit.layer);
      state.fs.apply(state.layers.length, members);
      const created = this.ctx.clampMtime === undefined && hit.created ? hit.created : this.ctx.created;
      state.commitLayer(hit.layer, hit.layer.digest, hit.history, created, ins.range, true);
      state.cacheKey = key;
      this.emit({ type: 'cached', step: this.step, digest: hit.layer.digest });
      return;
    }
    const { entries, history, inRootfs } = await produce();
    const { digest, size } = await store.writeBlob(writeLayerTar(entries));
    const layer: Descriptor = { mediaType: MediaType.ociLayer, digest, size };
    rememberLayer(store, digest, entries);
    // A materialized root filesystem follows the stage (a RUN's changes are already in it).
    if (state.rootfs && !inRootfs) await state.rootfs.apply(store, layer);
    state.fs.apply(state.layers.length, entries);
    state.commitLayer(layer, digest, history, this.ctx.created, ins.range);
    state.cacheKey = key;
    await this.cache.put(key, { layer, history, created: this.ctx.created });
    this.emit({ type: 'layer', step: this.step, digest, size, files: entries.length });
  }

  // COPY reads the context, or with --from an earlier stage or an image, unpacked once.
  private async copySource(ins: Instruction, state: StageState): Promise<CopySource> {
    const from = ins.flags.find((f) => f.name === 'from')?.value;
    if (from === undefined) return { dir: this.ctx.contextDir, filter: this.filter, keepOwner: false, label: `the build context ${this.ctx.contextDir}` };
    const { dir, label } = await this.sourceState(from, state, ins);
    return { dir, filter: NO_FILTER, keepOwner: true, label };
  }

  // An earlier stage (by name or index) or an image of the store, unpacked once per build.
  private async sourceState(from: string, state: StageState, ins: Instruction | undefined): Promise<{ dir: string; label: string }> {
    const name = state.vars.word(from);
    const stage = findStage([...this.states.keys()], name);
    let source: StageState;
    if (stage) source = this.states.get(stage)!;
    else {
      const location = { file: this.ctx.dockerfile, range: (ins ?? [...this.states.keys()].at(-1)!.from).range };
      if (!this.images.has(name)) this.images.set(name, await storeImageState(this.options.store, name, this.model.escapeChar, location));
      source = this.images.get(name)!;
    }
    source.rootfs ??= await Rootfs.create(this.options.store, source.layers);
    return { dir: source.rootfs.dir, label: stage ? `stage ${stage.name ?? stage.index}` : `image ${name}` };
  }

  private runResources(state: StageState): RunResources {
    return {
      mountRoot: async (from) => (from === undefined ? this.ctx.contextDir : (await this.sourceState(from, state, undefined)).dir),
      secrets: this.options.secrets ?? {},
      sshSocket: this.options.sshSocket ?? process.env.SSH_AUTH_SOCK,
    };
  }

  // What a RUN reads through bind mounts is part of its cache key (secrets and caches are not).
  private async bindMountsDigest(ins: Instruction, state: StageState): Promise<string> {
    const binds = ins.flags.filter((f) => f.name === 'mount' && !/(^|,)type=(?!bind)/.test(f.value ?? ''));
    if (binds.length === 0) return '';
    const parts: string[] = [];
    for (const f of binds) {
      let spec;
      try {
        spec = parseMount(f.value ?? '');
      } catch {
        continue;
      }
      const root = spec.from === undefined ? this.ctx.contextDir : (await this.sourceState(spec.from, state, undefined)).dir;
      const source: CopySource = { dir: root, filter: spec.from === undefined ? this.filter : NO_FILTER, keepOwner: true, label: 'a bind mount' };
      parts.push(`${f.value}:${treeDigest(source, spec.source ?? '.', spec.from === undefined ? this.stats : undefined)}`);
    }
    return parts.join('\n');
  }

  private users(state: StageState): () => Promise<UserDatabase> {
    return () => stageUserDatabase(state, this.options.store);
  }

  /** Removes the unpacked root filesystems and keeps what the stat cache learned. */
  async dispose(): Promise<void> {
    this.statCache?.save();
    await fs.rm(this.ctx.workDir, { recursive: true, force: true });
    for (const s of [...this.states.values(), ...this.images.values()]) await s.rootfs?.dispose();
  }
}

/** The build's context and Dockerfile, parsed; a parse error is thrown at its location, before anything runs. */
export async function loadDockerfile(options: BuildOptions): Promise<{ contextDir: string; dockerfile: string; model: Dockerfile }> {
  const contextDir = path.resolve(options.context);
  const dockerfile = path.resolve(options.dockerfile ?? path.join(contextDir, 'Dockerfile'));
  const model = parseDockerfile(options.dockerfileText ?? (await readDockerfile(dockerfile)));
  if (model.errors.length > 0) {
    const e = model.errors[0];
    throw new EngineError('PARSE', `${dockerfile}:${e.range.start.line + 1}: ${e.message}`, { location: { file: dockerfile, range: e.range } });
  }
  return { contextDir, dockerfile, model };
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

/** The target stage and the stages it needs (FROM, COPY --from), in Dockerfile order: the order steps are numbered in. */
export function stagesToBuild(model: Dockerfile, target: string | undefined): Stage[] {
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
    const earlier = model.stages.slice(0, s.index);
    const base = earlier.find((p) => p.name !== undefined && p.name === s.base?.value.toLowerCase());
    if (base) needed.add(base);
    for (const ref of s.instructions.flatMap((ins) => ins.flags.filter((f) => f.name === 'from').map((f) => f.value ?? ''))) {
      const dep = findStage(earlier, ref);
      if (dep) needed.add(dep);
    }
  }
  return model.stages.filter((s) => needed.has(s));
}

/** The stage a FROM or --from word names (its name, case-insensitively, or its index). */
function findStage(stages: Stage[], ref: string): Stage | undefined {
  const lower = ref.toLowerCase();
  return stages.find((s) => s.name === lower) ?? (/^\d+$/.test(ref) ? stages.find((s) => s.index === Number(ref)) : undefined);
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
  // FROM names stages only by name; an index there is an image name (BuildKit's rule).
  const parent = [...states.keys()].find((s) => s.name !== undefined && s.name === name.toLowerCase());
  if (parent) return stageCopy(states.get(parent)!, model.escapeChar);
  const platform = stage.from.flags.find((f) => f.name === 'platform')?.value;
  if (platform) {
    const wanted = expandWith(model.escapeChar, globals, platform);
    const host = `linux/${hostArchitecture()}`;
    if (wanted !== host && !wanted.startsWith(`${host}/`)) {
      throw ctx.fail(stage.from, `--platform=${wanted}: the embedded builder runs ${host} only (no emulation); build it with docker buildx or buildah`);
    }
  }
  return storeImageState(store, name, model.escapeChar, { file: ctx.dockerfile, range: stage.from.range });
}

function declareArgs(ins: Instruction, state: StageState, buildArgs: Record<string, string>, globals: Map<string, string>, ctx: StepContext): void {
  const parts: string[] = [];
  for (const kv of ins.keyValues) {
    const name = kv.key.value;
    let value: string | undefined;
    if (name in buildArgs) value = buildArgs[name];
    else if (kv.value) value = state.vars.word(kv.value.value);
    else value = globals.get(name);
    state.vars.setArg(name, value);
    // History shows the declared default, not the value in effect.
    parts.push(kv.value ? `${name}=${kv.value.value}` : name);
  }
  state.commitMetadata(`ARG ${parts.join(' ')}`, metadataTime(ctx, state), ins.range);
}

// BuildKit's history text: `COPY src... dest` with expanded words (flags left out), heredocs as `<<NAME`.
function copyHistory(ins: Instruction, state: StageState): string {
  const words = ins.args.map((a) => (a.value.startsWith('<<') ? a.value : state.vars.word(a.value)));
  return `${ins.keyword} ${words.join(' ')}`;
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
