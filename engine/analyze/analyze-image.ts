import { EngineError } from '../errors';
import { shortDigest } from '../image/digest';
import { familiarReference, parseReference } from '../image/reference';
import { MediaType, type Descriptor, type ImageConfig, type Manifest } from '../image/oci';
import type { Store } from '../image/store';
import { layerMembers } from '../layer/members-cache';
import { MergedFilesystem } from './merged-tree';
import type { HistoryStep, ImageAnalysis, LayerAnalysis, SourceLocation } from './model';
import { readProvenance } from './provenance';

/** Reads an image from the store and works out every layer's changes and every file's provenance. */
export async function analyzeImage(store: Store, refOrDigest: string): Promise<ImageAnalysis> {
  const { ref, descriptor } = await store.resolve(refOrDigest);
  return analyzeManifest(store, descriptor, ref);
}

/** The same analysis for a manifest already resolved. */
export async function analyzeManifest(store: Store, descriptor: Descriptor, ref?: string): Promise<ImageAnalysis> {
  if (descriptor.mediaType !== MediaType.ociManifest && descriptor.mediaType !== MediaType.dockerManifest) {
    throw new EngineError('UNSUPPORTED', `${ref ?? descriptor.digest} is a ${descriptor.mediaType}, not an image manifest`);
  }
  const manifest = await store.readJSON<Manifest>(descriptor.digest);
  const config = await store.readJSON<ImageConfig>(manifest.config.digest);
  const provenance = await readProvenance(store, descriptor.digest);
  const history = mapHistory(config, provenance?.dockerfile, provenance?.steps);
  const merged = new MergedFilesystem();
  const layers: LayerAnalysis[] = [];
  for (const [index, layer] of manifest.layers.entries()) {
    const files = merged.apply(index, await layerMembers(store, layer));
    const step = history.find((h) => h.layer === index);
    layers.push({
      index,
      digest: layer.digest,
      diffId: config.rootfs.diff_ids[index] ?? layer.digest,
      mediaType: layer.mediaType,
      size: layer.size,
      historyIndex: step?.index,
      createdBy: step?.createdBy ?? '',
      instruction: step?.instruction ?? '',
      source: step?.source,
      files,
      contentSize: files.reduce((sum, f) => sum + f.size, 0),
    });
  }
  return {
    ref,
    name: ref ? familiarReference(parseReference(ref)) : shortDigest(descriptor.digest),
    digest: descriptor.digest,
    configDigest: manifest.config.digest,
    os: config.os,
    architecture: config.architecture,
    created: config.created,
    size: manifest.layers.reduce((sum, l) => sum + l.size, 0),
    layers,
    history,
    tree: merged.tree(),
    config: config.config ?? {},
    dockerfile: provenance?.dockerfile,
  };
}

// History entries map onto layers in order, skipping `empty_layer` ones.
function mapHistory(config: ImageConfig, dockerfile: string | undefined, steps: { history: number; range: SourceLocation['range'] }[] | undefined): HistoryStep[] {
  let layer = 0;
  return (config.history ?? []).map((h, index) => {
    const emptyLayer = h.empty_layer === true;
    const range = steps?.find((s) => s.history === index)?.range;
    return {
      index,
      createdBy: h.created_by ?? '',
      instruction: readableInstruction(h.created_by ?? ''),
      emptyLayer,
      created: h.created,
      layer: emptyLayer ? undefined : layer++,
      source: dockerfile && range ? { file: dockerfile, range } : undefined,
    };
  });
}

/** `created_by` without the legacy builder's `/bin/sh -c #(nop) ` prefix or BuildKit's ` # buildkit` suffix. */
export function readableInstruction(createdBy: string): string {
  let s = createdBy.trim();
  s = s.replace(/^\/bin\/sh -c #\(nop\)\s*/, '');
  s = s.replace(/^\/bin\/sh -c /, 'RUN ');
  s = s.replace(/\s*# buildkit$/, '');
  return s;
}

