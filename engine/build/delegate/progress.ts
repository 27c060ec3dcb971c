import type { Range } from '../../dockerfile/types';
import type { BuildEvent } from '../types';
import type { BuildPlan, PlannedStep } from './plan';

/**
 * What a delegate reports, as the embedded builder's events: `start` with the same step count,
 * each step once when the delegate starts it, its output as `log`, and which steps it took
 * from its own cache (reported as `cached` once the image is imported).
 */
export class DelegateProgress {
  private readonly started = new Set<PlannedStep>();
  private readonly fromCache = new Set<PlannedStep>();

  constructor(
    readonly plan: BuildPlan,
    private readonly dockerfile: string,
    private readonly emit: (e: BuildEvent) => void,
  ) {}

  begin(): void {
    this.emit({ type: 'start', steps: this.plan.total, dockerfile: this.dockerfile });
  }

  /**
   * The delegate started a step (reported once, however often the delegate repeats it). The
   * stage's earlier steps it never mentions (BuildKit shows no ENV, LABEL...) are reported first.
   */
  step(s: PlannedStep | undefined): void {
    if (!s || this.started.has(s)) return;
    for (const earlier of this.plan.steps) if (earlier.stage === s.stage && earlier.step < s.step) this.report(earlier);
    this.report(s);
  }

  /** The build succeeded: the steps never mentioned are reported, in order. */
  finish(): void {
    for (const s of this.plan.steps) this.report(s);
  }

  private report(s: PlannedStep): void {
    if (this.started.has(s)) return;
    this.started.add(s);
    this.emit({ type: 'step', step: s.step, steps: this.plan.total, stage: s.stage.index, instruction: s.instruction.original.trim(), range: s.instruction.range });
  }

  /** The delegate reused its cached result for a step. */
  cached(s: PlannedStep | undefined): void {
    if (s) this.fromCache.add(s);
  }

  /** Whether the step at this range came from the delegate's cache. */
  wasCached(range: Range): boolean {
    return [...this.fromCache].some((s) => sameRange(s.instruction.range, range));
  }

  log(message: string): void {
    this.emit({ type: 'log', message });
  }

  /** The step whose instruction has this range (a FROM range stands for the triggers it ran too). */
  stepAt(range: Range): PlannedStep | undefined {
    return this.plan.steps.find((s) => sameRange(s.instruction.range, range));
  }
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
