import * as fs from 'node:fs/promises';
import { analyzeManifest } from '../engine/analyze/analyze-image';
import { readProvenance, type BuildProvenance } from '../engine/analyze/provenance';
import type { ImageAnalysis } from '../engine/analyze/model';
import { parseDockerfile } from '../engine/dockerfile/parser';
import { MediaType, type Digest } from '../engine/image/oci';
import type { Store } from '../engine/image/store';
import type { BuildRecord, StepRecord } from './build-records';

// Images are immutable by digest: each is analysed once per process.
const analyses = new Map<string, Promise<ImageAnalysis>>();

/**
 * The last build of a Dockerfile found in the store (a `layerwise build` in a terminal, or an
 * earlier editor session): the newest image whose build provenance names this file. It
 * covers the built target's stage only, and reads instruction texts from the file on disk.
 */
export async function recordFromStore(store: Store, file: string): Promise<BuildRecord | undefined> {
  for (const { digest, writtenMs } of await store.sidecars('provenance')) {
    const provenance = await provenanceOf(store, digest, writtenMs);
    if (provenance?.dockerfile !== file) continue;
    let analysis = analyses.get(digest);
    if (!analysis) analyses.set(digest, (analysis = analyzeBuilt(store, digest)));
    const [image, text] = await Promise.all([analysis.catch(() => undefined), fs.readFile(file, 'utf8').catch(() => undefined)]);
    // A pruned image or a deleted Dockerfile: look further back.
    if (!image || text === undefined) {
      analyses.delete(digest);
      continue;
    }
    const df = parseDockerfile(text);
    const steps: StepRecord[] = [];
    const stages = new Set<number>();
    for (const step of provenance.steps) {
      const stage = df.stages.find((s) => [s.from, ...s.instructions].some((i) => i.range.start.line === step.range.start.line));
      const ins = stage && [stage.from, ...stage.instructions].find((i) => i.range.start.line === step.range.start.line);
      if (!stage || !ins) continue;
      stages.add(stage.index);
      const layerIndex = image.history[step.history]?.layer;
      const layer = layerIndex === undefined ? undefined : image.layers[layerIndex];
      steps.push({
        stage: stage.index,
        instruction: ins.original.trim(),
        range: step.range,
        layer: layer && { digest: layer.digest, size: layer.contentSize, files: layer.files.length, cached: step.cached, index: layer.index },
      });
    }
    return { file, image: { digest: image.digest, name: image.name }, buildArgs: {}, steps, stages: [...stages], finishedAt: writtenMs };
  }
  return undefined;
}

// CodeLens asks on every edit: each provenance file is read once per version of it.
const provenances = new Map<string, { writtenMs: number; value: Promise<BuildProvenance | undefined> }>();

function provenanceOf(store: Store, digest: Digest, writtenMs: number): Promise<BuildProvenance | undefined> {
  const key = `${store.dir}\0${digest}`;
  const known = provenances.get(key);
  if (known?.writtenMs === writtenMs) return known.value;
  const value = readProvenance(store, digest).catch(() => undefined);
  provenances.set(key, { writtenMs, value });
  return value;
}

// An untagged build is still in the store until pruned: analyse it by its manifest blob.
async function analyzeBuilt(store: Store, digest: Digest): Promise<ImageAnalysis> {
  const { size } = await fs.stat(store.blobPath(digest));
  return analyzeManifest(store, { mediaType: MediaType.ociManifest, digest, size });
}
