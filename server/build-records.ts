import type { BuildEvent } from '../engine/build/types';
import type { BuildResult } from './protocol';
import type { Range } from '../engine/dockerfile/types';
import type { Store } from '../engine/image/store';
import { recordFromStore } from './store-records';

/** What one build step made, as the build reported it. */
export interface StepRecord {
  stage: number;
  /** The instruction's text as built (continuations joined), to find it again after edits. */
  instruction: string;
  range: Range;
  layer?: {
    digest: string;
    /** Bytes of the files it stores (the Layers view's figure), else of its tar. */
    size: number;
    files: number;
    cached: boolean;
    /** Its position in the built image; undefined for a stage the target does not contain. */
    index?: number;
  };
}

/** The last build of one Dockerfile. */
export interface BuildRecord {
  file: string;
  image: { digest: string; name: string };
  /** The --build-arg values it was built with: hover shows variables with them. */
  buildArgs: Record<string, string>;
  steps: StepRecord[];
  /** The stages it covers; absent when it covers every stage the build ran. */
  stages?: number[];
  finishedAt: number;
}

/**
 * Remembers the last build of each Dockerfile, from its events and result: what CodeLens
 * and hover show about layers ("layer 3 · 12.4 MB · 231 files · cached").
 */
export class BuildRecords {
  private readonly byFile = new Map<string, BuildRecord>();

  /** A collector for one build: feed it the build's events, then `finish` with its result. */
  collect(file: string, buildArgs: Record<string, string> = {}): { onEvent(e: BuildEvent): void; finish(result: BuildResult): BuildRecord } {
    const steps = new Map<number, StepRecord>();
    return {
      onEvent: (e) => {
        if (e.type === 'step') steps.set(e.step, { stage: e.stage, instruction: e.instruction, range: e.range });
        const step = 'step' in e && e.type !== 'step' ? steps.get(e.step) : undefined;
        if (step && e.type === 'layer') step.layer = { digest: e.digest, size: e.size, files: e.files, cached: false };
        if (step && e.type === 'cached') step.layer = { digest: e.digest, size: 0, files: 0, cached: true };
      },
      finish: (result) => {
        const layers = new Map(result.image.layers.map((l) => [l.digest, l]));
        for (const step of steps.values()) {
          const built = step.layer && layers.get(step.layer.digest as (typeof result.image.layers)[number]['digest']);
          if (step.layer && built) Object.assign(step.layer, { index: built.index, size: built.contentSize, files: built.files.length });
        }
        const record: BuildRecord = { file, image: { digest: result.image.digest, name: result.image.name }, buildArgs, steps: [...steps.values()], finishedAt: Date.now() };
        this.byFile.set(file, record);
        return record;
      },
    };
  }

  /** The last build of a Dockerfile (file system path) made by this server, if any. */
  get(file: string): BuildRecord | undefined {
    return this.byFile.get(file);
  }

  /**
   * The last build of a Dockerfile wherever it ran: this server's, or a newer one the store
   * knows (`layerwise build` in a terminal, an earlier session).
   */
  async latest(file: string, store: Store | undefined): Promise<BuildRecord | undefined> {
    const own = this.byFile.get(file);
    const stored = store ? await recordFromStore(store, file).catch(() => undefined) : undefined;
    if (!stored || !own) return own ?? stored;
    // The same image: this server's record also knows the stages the target does not contain.
    if (stored.image.digest === own.image.digest) return own;
    return stored.finishedAt > own.finishedAt ? stored : own;
  }
}
