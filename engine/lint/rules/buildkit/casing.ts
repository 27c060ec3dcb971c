import type { Instruction, Range } from '../../../dockerfile/types';
import type { Fix } from '../../types';
import { buildkitRule } from './check';

/** The instruction keyword with the casing it was written in. */
export function writtenKeyword(ins: Instruction): string {
  return ins.original.slice(0, ins.keyword.length);
}

const consistent = (s: string): boolean => s === s.toLowerCase() || s === s.toUpperCase();

function replace(title: string, range: Range, newText: string): Fix {
  return { title, edits: [{ range, newText }], preferred: true };
}

/** StageNameCasing: `FROM x AS Name` (BuildKit only looks at a three-word FROM). */
export const stageNameCasing = buildkitRule({
  name: 'StageNameCasing',
  description: 'Stage names should be lowercase',
  run({ dockerfile }, report) {
    for (const stage of dockerfile.stages) {
      const args = stage.from.args;
      if (args.length !== 3 || args[2].value === args[2].value.toLowerCase()) continue;
      const name = args[2];
      report(name.range, `Stage name '${name.value}' should be lowercase`, [replace(`Rename the stage to ${name.value.toLowerCase()}`, name.range, name.value.toLowerCase())]);
    }
  },
});

/** FromAsCasing: `FROM x as y` or `from x AS y`; a FROM of mixed casing is left to ConsistentInstructionCasing. */
export const fromAsCasing = buildkitRule({
  name: 'FromAsCasing',
  description: "The 'as' keyword should match the case of the 'from' keyword",
  run({ dockerfile }, report) {
    for (const stage of dockerfile.stages) {
      const args = stage.from.args;
      if (args.length < 3) continue;
      const from = writtenKeyword(stage.from);
      if (!consistent(from)) continue;
      const lower = from === from.toLowerCase();
      const as = args[1].value;
      if (as === (lower ? as.toLowerCase() : as.toUpperCase())) continue;
      const want = lower ? as.toLowerCase() : as.toUpperCase();
      report(args[1].range, `'${as}' and '${from}' keywords' casing do not match`, [replace(`Write ${want}`, args[1].range, want)]);
    }
  },
});

/**
 * ConsistentInstructionCasing: every instruction of the stages (FROM included, global ARGs
 * not, as BuildKit counts them) in the casing most of them use; mixed-case keywords always.
 */
export const consistentInstructionCasing = buildkitRule({
  name: 'ConsistentInstructionCasing',
  description: 'All commands within the Dockerfile should use the same casing (either upper or lower)',
  run({ dockerfile }, report) {
    const counted = dockerfile.stages.flatMap((s) => [s.from, ...s.instructions]);
    let lower = 0;
    let upper = 0;
    for (const ins of counted) {
      const word = writtenKeyword(ins);
      if (!consistent(word)) continue;
      if (word === word.toLowerCase()) lower++;
      else upper++;
    }
    const majorityLower = lower > upper;
    for (const ins of counted) {
      const word = writtenKeyword(ins);
      const want = majorityLower ? word.toLowerCase() : word.toUpperCase();
      if (word === want) continue;
      report(ins.keywordRange, `Command '${word}' should match the case of the command majority (${majorityLower ? 'lowercase' : 'uppercase'})`, [
        replace(`Write ${want}`, ins.keywordRange, want),
      ]);
    }
  },
});
