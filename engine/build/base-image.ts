import { VisiblePaths } from '../layer/visible-paths';
import type { EscapeChar } from '../dockerfile/types';
import { EngineError, type ErrorLocation } from '../errors';
import { hostArchitecture } from '../image/platform';
import { MediaType, type Descriptor, type ImageConfig, type Index, type Manifest } from '../image/oci';
import { formatPlatform, hostPlatform, platformsOf, selectManifest } from '../image/registry/platform';
import type { Store } from '../image/store';
import { layerMembers } from '../layer/members-cache';
import { DEFAULT_PATH, StageState } from './stage-state';


/** The empty image: no layers, Docker's default PATH. */
export function scratchState(escape: EscapeChar): StageState {
  const config: ImageConfig = {
    architecture: hostArchitecture(),
    os: 'linux',
    // BuildKit's empty image: PATH set and WorkingDir "/".
    config: { Env: [DEFAULT_PATH], WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: [] },
    history: [],
  };
  const state = new StageState(config, [], new VisiblePaths(), escape);
  state.cacheKey = `scratch:${config.os}/${config.architecture}`;
  return state;
}

/** A stage that continues an earlier one: an independent copy of its state. */
export function stageCopy(from: StageState, escape: EscapeChar): StageState {
  const state = new StageState(structuredClone(from.config), [...from.layers], from.fs.clone(), escape);
  state.steps.push(...from.steps);
  state.cacheKey = from.cacheKey;
  return state;
}

/** A stage on an image from the local store; its layers are shared by digest, not copied. */
export async function storeImageState(store: Store, ref: string, escape: EscapeChar, location: ErrorLocation): Promise<StageState> {
  let image;
  try {
    image = await store.resolve(ref);
  } catch (e) {
    throw new EngineError('NOT_FOUND', `base image "${ref}" is not in the local store; pull or load it first (layerwise pull ${ref})`, { cause: e, location });
  }
  let descriptor: Descriptor = image.descriptor;
  // A multi-platform image (loaded from an OCI layout, say): the host's entry, as docker build takes it.
  if (descriptor.mediaType === MediaType.ociIndex || descriptor.mediaType === MediaType.dockerManifestList) {
    const index = await store.readJSON<Index>(descriptor.digest);
    const host = hostPlatform();
    const entry = selectManifest(index, host);
    if (!entry || !(await store.hasBlob(entry.digest))) {
      const have = platformsOf(index);
      throw new EngineError('NOT_FOUND', `base image "${ref}" has no ${formatPlatform(host)} image in the store (its index lists ${have.join(', ') || 'no platforms'})`, { location });
    }
    descriptor = entry;
  }
  if (descriptor.mediaType !== MediaType.ociManifest && descriptor.mediaType !== MediaType.dockerManifest) {
    throw new EngineError('UNSUPPORTED', `base image "${ref}" is a ${descriptor.mediaType}, not an image manifest`, { location });
  }
  const manifest = await store.readJSON<Manifest>(descriptor.digest);
  const config = await store.readJSON<ImageConfig>(manifest.config.digest);
  config.config ??= {};
  config.history ??= [];
  if (!(config.config.Env ?? []).some((e) => e.startsWith('PATH='))) (config.config.Env ??= []).push(DEFAULT_PATH);
  const fs = new VisiblePaths();
  for (const [i, layer] of manifest.layers.entries()) {
    fs.apply(i, await layerMembers(store, layer));
  }
  const state = new StageState(config, [...manifest.layers], fs, escape);
  state.cacheKey = descriptor.digest;
  return state;
}
