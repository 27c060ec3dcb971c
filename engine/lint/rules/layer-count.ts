import type { Instruction, Stage } from '../../dockerfile/types';
import type { BaseImageFacts, Finding, LintInput, Rule } from '../types';

/** Instructions that add a filesystem layer. */
export const LAYER_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);

/** Docker refuses to run images deeper than this (overlay2 "max depth exceeded"). */
export const DOCKER_MAX_LAYERS = 127;

/**
 * LW1001: a stage with more layers than the configured threshold (its base's layers
 * included), reported on the instruction that crosses it; an error past Docker's own limit.
 */
export const layerCountRule: Rule = {
  id: 'LW1001',
  name: 'layer-count',
  severity: 'warning',
  description: 'A stage has more layers than the threshold: every RUN, COPY and ADD adds one, and deep images pull and start slower.',
  check(input: LintInput): Finding[] {
    const findings: Finding[] = [];
    const totals = new Map<string, number | undefined>();
    for (const stage of input.dockerfile.stages) {
      const base = baseLayers(stage, totals, input.bases);
      const own = stage.instructions.filter((i) => LAYER_INSTRUCTIONS.has(i.keyword));
      const total = base === undefined ? undefined : base + own.length;
      if (stage.name) totals.set(stage.name, total);
      totals.set(String(stage.index), total);
      const known = base ?? 0;
      const crossing = (limit: number): Instruction | undefined => own[limit - known];
      const over = known + own.length;
      if (over > DOCKER_MAX_LAYERS) {
        findings.push(report(stage, crossing(DOCKER_MAX_LAYERS) ?? stage.from, over, base, DOCKER_MAX_LAYERS, 'error'));
      } else if (over > input.options.layerCountThreshold) {
        findings.push(report(stage, crossing(input.options.layerCountThreshold) ?? stage.from, over, base, input.options.layerCountThreshold, 'warning'));
      }
    }
    return findings;
  },
};

// Layers under a stage: 0 for scratch, an earlier stage's total, or what the store knows.
function baseLayers(stage: Stage, totals: Map<string, number | undefined>, bases: Map<string, BaseImageFacts>): number | undefined {
  const word = stage.base?.value;
  if (!word) return undefined;
  if (word.toLowerCase() === 'scratch') return 0;
  if (totals.has(word.toLowerCase())) return totals.get(word.toLowerCase());
  return bases.get(word)?.layers;
}

function report(stage: Stage, at: Instruction, total: number, base: number | undefined, limit: number, severity: 'error' | 'warning'): Finding {
  const name = stage.name ? `Stage "${stage.name}"` : `Stage ${stage.index}`;
  const own = base === undefined ? total : total - base;
  const parts = base === undefined ? `${own} from this Dockerfile; the base image's layers are not known yet` : `${base} from the base image, ${own} from this Dockerfile`;
  const why =
    severity === 'error'
      ? `Docker cannot run images with more than ${DOCKER_MAX_LAYERS} layers ("max depth exceeded")`
      : `more than the threshold of ${limit}`;
  return {
    rule: layerCountRule.id,
    severity,
    range: at.keywordRange,
    message: `${name} has ${total} layers (${parts}): ${why}. This ${at.keyword} adds layer ${limit + 1}; merge consecutive RUNs with && or use a multi-stage build.`,
    fixes: [],
    related: [{ range: stage.from.keywordRange, message: `${name} starts here` }],
  };
}
