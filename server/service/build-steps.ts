import type { Instruction } from '../../engine/dockerfile/types';
import type { BuildRecord, StepRecord } from '../build-records';
import type { ParsedDocument } from './document';

const cache = new WeakMap<ParsedDocument, { record: BuildRecord; steps: Map<Instruction, StepRecord> }>();

/**
 * The recorded step of each instruction, matched by its stage and text (the nearest line wins
 * when the same text appears twice), so edits elsewhere in the file keep the figures in place
 * and an edited instruction loses them.
 */
export function stepsByInstruction(doc: ParsedDocument, record: BuildRecord | undefined): Map<Instruction, StepRecord> {
  if (!record) return new Map();
  const cached = cache.get(doc);
  if (cached?.record === record) return cached.steps;
  const free = new Map<string, StepRecord[]>();
  for (const s of record.steps) free.set(`${s.stage}\0${s.instruction}`, [...(free.get(`${s.stage}\0${s.instruction}`) ?? []), s]);
  const out = new Map<Instruction, StepRecord>();
  for (const stage of doc.dockerfile.stages) {
    for (const ins of [stage.from, ...stage.instructions]) {
      const candidates = free.get(`${stage.index}\0${ins.original.trim()}`);
      if (!candidates?.length) continue;
      const line = ins.range.start.line;
      let best = 0;
      candidates.forEach((c, i) => {
        if (Math.abs(c.range.start.line - line) < Math.abs(candidates[best].range.start.line - line)) best = i;
      });
      out.set(ins, candidates.splice(best, 1)[0]);
    }
  }
  cache.set(doc, { record, steps: out });
  return out;
}
