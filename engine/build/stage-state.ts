import { VisiblePaths } from '../layer/visible-paths';
import type { EscapeChar, Range } from '../dockerfile/types';
import type { Descriptor, Digest, History, ImageConfig } from '../image/oci';
import type { Rootfs } from './rootfs/rootfs';
import { StageVariables } from './variables';

/** Docker's PATH for images that do not set one (scratch included). */
export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A history entry of this build, with the instruction range it came from. */
export interface StepRecord {
  history: number;
  range: Range;
  cached: boolean;
}

/**
 * Everything a stage accumulates while its instructions run: the image config and history,
 * the layers, the filesystem those layers add up to, and the variables in scope.
 */
export class StageState {
  readonly vars: StageVariables;
  /** CMD was set by this stage (ENTRYPOINT then keeps it instead of clearing the base's). */
  cmdSet = false;
  readonly steps: StepRecord[] = [];
  /** The unpacked filesystem, made when a RUN first needs it. */
  rootfs: Rootfs | undefined;
  /** Cache key of everything so far (base, then each step): the parent part of the next key. */
  cacheKey = '';
  /** Time of the newest layer (the base's included): what later metadata steps are dated, as BuildKit does. */
  layerCreated: string | undefined;

  constructor(
    readonly config: ImageConfig,
    readonly layers: Descriptor[],
    readonly fs: VisiblePaths,
    escape: EscapeChar,
  ) {
    this.vars = new StageVariables(escape, () => this.config.config.Env ?? []);
    const lastLayer = [...config.history].reverse().find((h) => !h.empty_layer);
    this.layerCreated = lastLayer?.created ?? config.created;
  }

  /** Adds an empty-layer history entry for a metadata instruction. */
  commitMetadata(createdBy: string, created: string, range: Range): void {
    this.pushHistory({ created, created_by: createdBy, comment: HISTORY_COMMENT, empty_layer: true }, range);
  }

  /** Adds a layer and its history entry. */
  commitLayer(layer: Descriptor, diffId: Digest, createdBy: string, created: string, range: Range, cached = false): void {
    this.layers.push(layer);
    this.config.rootfs.diff_ids.push(diffId);
    this.layerCreated = created;
    this.pushHistory({ created, created_by: createdBy, comment: HISTORY_COMMENT }, range, cached);
  }

  /** Sets (or replaces, in place) an environment variable, as ENV does. */
  setEnv(name: string, value: string): void {
    const env = (this.config.config.Env ??= []);
    const i = env.findIndex((e) => e.split('=')[0] === name);
    if (i >= 0) env[i] = `${name}=${value}`;
    else env.push(`${name}=${value}`);
  }

  private pushHistory(entry: History, range: Range, cached = false): void {
    this.config.history.push(entry);
    this.steps.push({ history: this.config.history.length - 1, range, cached });
  }
}

/** BuildKit's history comment: marks entries written by a Dockerfile frontend. */
export const HISTORY_COMMENT = 'buildkit.dockerfile.v0';
