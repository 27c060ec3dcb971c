import { similarity, toStep, type HistoryStepSpec } from '../../analyze/history';
import { stageGraph } from '../../dockerfile/stage-graph';
import type { Dockerfile, Instruction, Stage } from '../../dockerfile/types';
import { normalizeReference } from '../../image/reference';
import { stagesToBuild } from '../builder';

/** One step of a build, numbered as the embedded builder numbers them: each stage's FROM, then its instructions. */
export interface PlannedStep {
  step: number;
  stage: Stage;
  instruction: Instruction;
}

/**
 * The steps of a build, so that what a delegate reports (a stage and an instruction's text)
 * lands on the same step numbers and Dockerfile ranges as a build by the embedded builder.
 */
export class BuildPlan {
  readonly steps: PlannedStep[] = [];
  private readonly stages: Stage[];
  private readonly parents = new Map<Stage, Stage | undefined>();
  private readonly images = new Map<Stage, string | undefined>();
  // Instructions a delegate already reported: the next report of the same text is the next one.
  private readonly claimed = new Set<PlannedStep>();

  constructor(
    readonly model: Dockerfile,
    readonly target: string | undefined,
    buildArgs: Record<string, string>,
  ) {
    this.stages = stagesToBuild(model, target);
    for (const stage of this.stages) {
      for (const instruction of [stage.from, ...stage.instructions]) this.steps.push({ step: this.steps.length + 1, stage, instruction });
    }
    for (const node of stageGraph(model, { buildArgs }).nodes) {
      const from = node.references.find((r) => r.kind === 'from');
      this.parents.set(node.stage, from?.stage);
      this.images.set(node.stage, from?.image);
    }
  }

  get total(): number {
    return this.steps.length;
  }

  /** A stage by the name BuildKit prints: its name, `stage-N`, or none for a one-stage file. */
  stageNamed(name: string | undefined): Stage | undefined {
    if (name === undefined) return this.model.stages.length === 1 ? this.model.stages[0] : undefined;
    const lower = name.toLowerCase();
    const named = this.model.stages.find((s) => s.name === lower);
    if (named) return named;
    const m = /^stage-(\d+)$/.exec(lower);
    return m ? this.model.stages[Number(m[1])] : undefined;
  }

  /** The FROM step of a stage. */
  fromStep(stage: Stage): PlannedStep | undefined {
    return this.steps.find((s) => s.stage === stage && s.instruction === stage.from);
  }

  /** The step of the stage whose FROM names this image (as BuildKit prints it when it cannot resolve it). */
  stageWithImage(ref: string): PlannedStep | undefined {
    const wanted = safeNormalize(ref);
    const stage = this.stages.find((s) => {
      const image = this.images.get(s);
      return image !== undefined && image.toLowerCase() !== 'scratch' && safeNormalize(image) === wanted;
    });
    return stage && this.fromStep(stage);
  }

  /** The step containing a 1-based Dockerfile line. */
  atLine(line: number): PlannedStep | undefined {
    return this.steps.find((s) => s.instruction.range.start.line + 1 <= line && line <= s.instruction.range.end.line + 1);
  }

  /**
   * The step a delegate reports as `text` (e.g. `COPY a /b`) in `stage`: FROM and the ONBUILD
   * triggers the stage inherits are its FROM step (as in the embedded builder's provenance);
   * otherwise the unreported instruction of that keyword whose text agrees most.
   */
  locate(stage: Stage, text: string): PlannedStep | undefined {
    const [word, ...rest] = text.trim().split(/\s+/);
    const keyword = (word ?? '').toUpperCase();
    const args = rest.join(' ');
    if (keyword === 'FROM') return this.fromStep(stage);
    let best: PlannedStep | undefined;
    let bestScore = -1;
    for (const s of this.steps) {
      if (s.stage !== stage || s.instruction === stage.from || this.claimed.has(s) || s.instruction.keyword !== keyword) continue;
      const score = similarity(args, instructionText(s.instruction));
      if (score > bestScore) [best, bestScore] = [s, score];
    }
    const trigger = Math.max(-1, ...this.triggers(stage).filter((t) => t.keyword === keyword).map((t) => similarity(args, instructionText(t))));
    if (trigger > bestScore) return this.fromStep(stage);
    if (best) this.claimed.add(best);
    return best;
  }

  /** The step at a 0-based position in a stage (0 is FROM), when its keyword is the one reported. */
  at(stage: Stage, position: number, text: string): PlannedStep | undefined {
    const candidate = this.steps.filter((s) => s.stage === stage)[position];
    const keyword = text.trim().split(/\s+/)[0]?.toUpperCase();
    if (candidate && candidate.instruction.keyword === keyword && !this.claimed.has(candidate)) {
      if (candidate.instruction !== stage.from) this.claimed.add(candidate);
      return candidate;
    }
    return this.locate(stage, text);
  }

  /** The ONBUILD instructions of the earlier stage this one is built FROM: they run first, attributed to its FROM. */
  triggers(stage: Stage): Instruction[] {
    const parent = this.parents.get(stage);
    if (!parent) return [];
    return parent.instructions.flatMap((i) => (i.keyword === 'ONBUILD' && i.subInstruction ? [i.subInstruction] : []));
  }

  /**
   * The history entries the target image gets, in order: for each stage of its FROM chain, the
   * triggers it inherits (at its FROM's range), then its instructions.
   */
  historySteps(): HistoryStepSpec[] {
    const chain: Stage[] = [];
    for (let s: Stage | undefined = this.stages[this.stages.length - 1]; s && !chain.includes(s); s = this.parents.get(s)) chain.unshift(s);
    return chain.flatMap((stage) => [
      ...this.triggers(stage).map((t) => ({ ...toStep(t), range: stage.from.range })),
      ...stage.instructions.map(toStep),
    ]);
  }
}

function instructionText(ins: Instruction): string {
  return [...ins.flags.map((f) => f.text), toStep(ins).text].join(' ');
}

function safeNormalize(ref: string): string {
  try {
    return normalizeReference(ref);
  } catch {
    return ref;
  }
}
