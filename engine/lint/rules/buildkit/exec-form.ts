import type { Instruction } from '../../../dockerfile/types';
import type { Fix } from '../../types';
import { writtenKeyword } from './casing';
import { buildkitRule } from './check';
import { instructionLines } from './deprecated-forms';
import { stageChain } from '../../stage-chain';

// Commands whose words can be moved into a JSON array unchanged: nothing the shell would expand.
const PLAIN_COMMAND = /^[\w@%+=:,./-]+(?:[ \t]+[\w@%+=:,./-]+)*$/;

function execFormFix(ins: Instruction): Fix[] {
  const text = ins.args[0]?.value ?? '';
  if (!ins.argsRange || !PLAIN_COMMAND.test(text) || ins.range.start.line !== ins.range.end.line) return [];
  const json = `[${text.split(/[ \t]+/).map((w) => JSON.stringify(w)).join(', ')}]`;
  return [{ title: `Use the exec form ${json}`, edits: [{ range: ins.argsRange, newText: json }], preferred: true }];
}

/**
 * JSONArgsRecommended: CMD or ENTRYPOINT in shell form runs under /bin/sh -c, which does not
 * pass SIGTERM on; not reported when the stage (or one it is built on) sets SHELL, as in BuildKit.
 */
export const jsonArgsRecommended = buildkitRule({
  name: 'JSONArgsRecommended',
  description: 'JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals',
  run({ dockerfile }, report) {
    for (const stage of dockerfile.stages) {
      const chain = stageChain(dockerfile, stage);
      for (const ins of stage.instructions) {
        if ((ins.keyword !== 'CMD' && ins.keyword !== 'ENTRYPOINT') || ins.json) continue;
        const shellSet = chain.some((s) => s.instructions.some((i) => i.keyword === 'SHELL' && (s !== stage || i.range.start.line < ins.range.start.line)));
        if (shellSet) continue;
        report(ins.argsRange ?? ins.keywordRange, `JSON arguments recommended for ${writtenKeyword(ins)} to prevent unintended behavior related to OS signals`, execFormFix(ins));
      }
    }
  },
});

const ONCE = new Set(['CMD', 'ENTRYPOINT', 'HEALTHCHECK']);

/** MultipleInstructionsDisallowed: a second CMD, ENTRYPOINT or HEALTHCHECK in a stage; the earlier one is reported, since it is the one ignored. */
export const multipleInstructionsDisallowed = buildkitRule({
  name: 'MultipleInstructionsDisallowed',
  description: 'Multiple instructions of the same type should not be used in the same stage',
  run({ dockerfile }, report) {
    for (const stage of dockerfile.stages) {
      const last = new Map<string, Instruction>();
      for (const ins of stage.instructions) {
        if (!ONCE.has(ins.keyword)) continue;
        const previous = last.get(ins.keyword);
        if (previous) {
          report(
            previous.keywordRange,
            `Multiple ${writtenKeyword(ins)} instructions should not be used in the same stage because only the last one will be used`,
            [{ title: `Remove this ${previous.keyword}`, edits: [{ range: instructionLines(previous), newText: '' }] }],
            [{ range: ins.keywordRange, message: `the ${ins.keyword} that replaces it` }],
          );
        }
        last.set(ins.keyword, ins);
      }
    }
  },
});
