import { goQuote } from '../../../dockerfile/dump';
import type { Stage } from '../../../dockerfile/types';
import { buildkitRule } from './check';
import { stageChain } from '../../stage-chain';

const isAbsolute = (p: string): boolean => p.startsWith('/') || p.startsWith('$');

/**
 * WorkdirRelativePath: a relative WORKDIR before any absolute one in the stage (or the stages it
 * is built on): it resolves against whatever WORKDIR the base image has. A path that starts
 * with a variable is taken as absolute, since it cannot be known.
 */
export const workdirRelativePath = buildkitRule({
  name: 'WorkdirRelativePath',
  description: 'Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes',
  run({ dockerfile }, report) {
    const absoluteIn = (s: Stage, beforeLine = Infinity) =>
      s.instructions.some((i) => i.keyword === 'WORKDIR' && i.range.start.line < beforeLine && isAbsolute(i.args[0]?.value ?? '/'));
    for (const stage of dockerfile.stages) {
      const inherited = stageChain(dockerfile, stage).slice(1).some((s) => absoluteIn(s));
      if (inherited) continue;
      for (const ins of stage.instructions) {
        if (ins.keyword !== 'WORKDIR' || !ins.args[0]) continue;
        const dir = ins.args[0].value;
        if (isAbsolute(dir)) break;
        report(ins.args[0].range, `Relative workdir ${goQuote(dir)} can have unexpected results if the base image changes`);
        break;
      }
    }
  },
});
