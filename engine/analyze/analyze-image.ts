import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parseDockerfile } from '../dockerfile/parser';
import { EngineError, throwIfAborted } from '../errors';
import { shortDigest } from '../image/digest';
import type { Descriptor, Digest, Platform } from '../image/oci';
import { familiarReference, parseReference } from '../image/reference';
import type { Store } from '../image/store';
import { assumedBase, baseFromSiblings, layersBefore, namedBase } from './base';
import { layerGroups } from './groups';
import { mapHistory, matchDockerfile } from './history';
import { LayerStack } from './layer-stack';
import type { BaseInfo, EfficiencyFigures, HistoryStep, ImageAnalysis, LayerAnalysis } from './model';
import { openStoreImage, openStoreManifest } from './sources/store-source';
import type { ImageSource } from './sources/types';
import { scanLayer, type LayerScan } from './tar-scan';

export { readableInstruction } from './history';

export interface AnalyzeOptions {
  /** Hash every file's content (sha256): FileChange.digest, FileNode.digest. Reads every byte. */
  digests?: boolean;
  /** A Dockerfile to match the history against (images we did not build, or to override). */
  dockerfile?: string;
  /** Its text, when it is not (only) on disk. */
  dockerfileText?: string;
  /** The stage of that Dockerfile the image was built from (default: the last). */
  target?: string;
  /** The base image's layers, when the caller knows them (`--base`). */
  base?: { layers: number; ref?: string; digest?: Digest };
  /** For images that are indexes: which platform (default: the host's). */
  platform?: Platform;
  signal?: AbortSignal;
  /** Layers read at once (gzip layers decompress on the thread pool in parallel). */
  concurrency?: number;
  /** Called after each layer is applied. */
  onLayer?: (done: number, total: number) => void;
}

/** Reads an image from the store and works out every layer's changes and every file's provenance. */
export async function analyzeImage(store: Store, refOrDigest: string, options: AnalyzeOptions = {}): Promise<ImageAnalysis> {
  const source = await openStoreImage(store, refOrDigest, options.platform);
  try {
    return await analyzeSource(source, options);
  } finally {
    await source.close();
  }
}

/** The same analysis for a manifest already resolved. */
export async function analyzeManifest(store: Store, descriptor: Descriptor, ref?: string, options: AnalyzeOptions = {}): Promise<ImageAnalysis> {
  const source = await openStoreManifest(store, descriptor, ref, options.platform);
  try {
    return await analyzeSource(source, options);
  } finally {
    await source.close();
  }
}

/**
 * The analysis of an image from any source: layers streamed one by one (several read at once,
 * applied in order), the merged filesystem with every path's history, waste and efficiency
 * (ours and dive's), the base image's extent, and history matched to Dockerfile lines.
 */
export async function analyzeSource(source: ImageSource, options: AnalyzeOptions = {}): Promise<ImageAnalysis> {
  const { manifest, config } = source;
  const layerCount = source.layers.length;
  const history = mapHistory(config, layerCount);

  // Dockerfile lines: the one given, else what our build recorded.
  let dockerfile: string | undefined;
  let matchedFirst: number | undefined;
  if (options.dockerfile !== undefined || options.dockerfileText !== undefined) {
    dockerfile = options.dockerfile ? path.resolve(options.dockerfile) : undefined;
    const text = options.dockerfileText ?? (await fs.readFile(dockerfile!, 'utf8').catch((e) => {
      throw new EngineError('NOT_FOUND', `cannot read the Dockerfile ${dockerfile}: ${(e as Error).message}`);
    }));
    const match = matchDockerfile(history, parseDockerfile(text), options.target);
    for (const h of history) {
      const range = match.ranges.get(h.index);
      if (range && dockerfile) h.source = { file: dockerfile, range };
    }
    matchedFirst = match.firstHistory;
  } else if (source.provenance) {
    dockerfile = source.provenance.dockerfile;
    for (const step of source.provenance.steps) {
      const h = history[step.history];
      if (h) h.source = { file: dockerfile, range: step.range };
    }
  }

  const base = await findBase(source, history, options, matchedFirst);
  const stack = new LayerStack();
  const scans = await scanAll(source, options, (index, scan) => {
    const applied = stack.apply(index, scan.members);
    return applied;
  });
  const result = stack.finish(base.layers);

  const layers: LayerAnalysis[] = source.layers.map((layer, index) => {
    const step = history.find((h) => h.layer === index);
    const { applied, scan } = scans[index];
    const l: LayerAnalysis = {
      index,
      digest: layer.descriptor.digest,
      diffId: config.rootfs?.diff_ids?.[index] ?? layer.descriptor.digest,
      mediaType: layer.descriptor.mediaType,
      size: layer.descriptor.size,
      historyIndex: step?.index,
      createdBy: step?.createdBy ?? '',
      instruction: step?.instruction ?? '',
      source: step?.source,
      files: applied.changes,
      contentSize: applied.contentSize,
      uncompressedSize: scan.size,
      compression: scan.compression,
      base: index < base.layers,
      wastedBytes: result.wastedBytes[index] ?? 0,
      hiddenBytes: result.hiddenBytes[index] ?? 0,
    };
    return l;
  });

  const userLayers = layers.filter((l) => !l.base);
  const userSizeBytes = userLayers.reduce((n, l) => n + l.contentSize, 0);
  const userWastedBytes = userLayers.reduce((n, l) => n + (l.wastedBytes ?? 0), 0);
  const diveUserSize = layers.slice(1).reduce((n, l) => n + l.contentSize, 0);
  const efficiency: EfficiencyFigures = {
    storedBytes: result.storedBytes,
    visibleBytes: result.visibleBytes,
    wastedBytes: result.storedBytes - result.visibleBytes,
    efficiency: result.storedBytes === 0 ? 1 : result.visibleBytes / result.storedBytes,
    userSizeBytes,
    userWastedBytes,
    userWastedPercent: userSizeBytes === 0 ? 0 : userWastedBytes / userSizeBytes,
    baseBytesHiddenByUser: result.baseHiddenByUser,
    dive: {
      efficiency: result.dive.cumulative === 0 ? 1 : result.dive.minimum / result.dive.cumulative,
      wastedBytes: result.dive.wastedBytes,
      userSizeBytes: diveUserSize,
      userWastedPercent: diveUserSize === 0 ? null : result.dive.wastedBytes / diveUserSize,
    },
  };

  const image: ImageAnalysis = {
    ref: source.ref,
    name: source.ref ? familiarReference(parseReference(source.ref)) : shortDigest(source.digest),
    digest: source.digest,
    configDigest: manifest.config.digest,
    os: config.os,
    architecture: config.architecture,
    created: config.created,
    size: manifest.layers.reduce((sum, l) => sum + l.size, 0),
    layers,
    history,
    // Read through: the tree is materialized only when some output needs it.
    get tree() {
      return result.tree;
    },
    config: config.config ?? {},
    dockerfile,
    source: { kind: source.kind, location: source.location },
    uncompressedSize: layers.reduce((n, l) => n + (l.uncompressedSize ?? 0), 0),
    base,
    groups: layerGroups(layers, base, result.baseHiddenByUser),
    efficiency,
    waste: result.waste,
    contentDigests: options.digests === true,
  };
  if (config.variant) image.variant = config.variant;
  return image;
}

async function findBase(source: ImageSource, history: HistoryStep[], options: AnalyzeOptions, matchedFirst: number | undefined): Promise<BaseInfo> {
  const diffIds = source.config.rootfs?.diff_ids ?? [];
  const base = await baseExtent(source, history, options, matchedFirst);
  // Siblings are read once more only to name a base whose extent came from elsewhere.
  return base.how === 'image' || base.how === 'first-layer' || base.how === 'none' ? base : namedBase(base, diffIds, await source.siblings());
}

async function baseExtent(source: ImageSource, history: HistoryStep[], options: AnalyzeOptions, matchedFirst: number | undefined): Promise<BaseInfo> {
  const layerCount = source.layers.length;
  if (options.base) {
    const b: BaseInfo = { layers: Math.min(options.base.layers, layerCount), how: 'option', ref: options.base.ref };
    if (options.base.digest) b.digest = options.base.digest;
    return b;
  }
  if (source.provenance && options.dockerfile === undefined && options.dockerfileText === undefined) {
    const first = source.provenance.steps.reduce((min, s) => Math.min(min, s.history), history.length);
    return { layers: layersBefore(history, first), how: 'provenance' };
  }
  const fromSibling = baseFromSiblings(source.config.rootfs?.diff_ids ?? [], await source.siblings());
  if (fromSibling) return fromSibling;
  if (matchedFirst !== undefined) return { layers: layersBefore(history, matchedFirst), how: 'dockerfile' };
  return assumedBase(layerCount);
}

interface Scanned {
  scan: LayerScan;
  applied: ReturnType<LayerStack['apply']>;
}

/** Reads layers `concurrency` at a time and hands each to `apply` in layer order; members are dropped once applied. */
async function scanAll(source: ImageSource, options: AnalyzeOptions, apply: (index: number, scan: LayerScan) => Scanned['applied']): Promise<Scanned[]> {
  const n = source.layers.length;
  // Reads and gunzip run on the thread pool: several layers in flight keep it busy while the main thread stacks.
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const pending: (Promise<LayerScan> | undefined)[] = new Array(n);
  let next = 0;
  const start = () => {
    if (next >= n) return;
    const i = next++;
    const p = scanLayer(source.layers[i].location, { digests: options.digests, signal: options.signal }).catch((e: unknown) => {
      if (e instanceof EngineError && e.code !== 'UNSUPPORTED') throw e;
      throw new EngineError('UNSUPPORTED', `layer ${i} (${source.layers[i].descriptor.digest}): ${(e as Error).message}`, { cause: e });
    });
    p.catch(() => undefined);
    pending[i] = p;
  };
  for (let k = 0; k < concurrency; k++) start();
  const out: Scanned[] = [];
  for (let i = 0; i < n; i++) {
    const scan = await pending[i]!;
    pending[i] = undefined;
    start();
    throwIfAborted(options.signal);
    const applied = apply(i, scan);
    out.push({ scan: { members: [], size: scan.size, compression: scan.compression }, applied });
    options.onLayer?.(i + 1, n);
  }
  return out;
}
