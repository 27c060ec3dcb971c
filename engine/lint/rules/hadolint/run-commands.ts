import type { Instruction, Stage } from '../../../dockerfile/types';
import { argValues, cmdHasArgs, flagValue, hasAnyFlag } from '../../shell/commands';
import { runInfos } from '../../shell/run-scripts';
import type { Rule } from '../../types';
import { commandRule, dlRule, insertAfterWord, type Hit } from './define';

const POINTLESS = new Set(['free', 'kill', 'mount', 'ps', 'service', 'shutdown', 'ssh', 'top', 'vim']);

export const DL3001: Rule = commandRule(
  { id: 'DL3001', name: 'pointless-command', severity: 'info', message: 'For some bash commands it makes no sense running them in a Docker container like `ssh`, `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`' },
  [...POINTLESS],
  (c) => POINTLESS.has(c.name),
);

export const DL3003: Rule = commandRule(
  { id: 'DL3003', name: 'workdir-not-cd', severity: 'warning', message: 'Use WORKDIR to switch to a directory' },
  'cd',
  (c) => c.name === 'cd',
);

export const DL3004: Rule = commandRule(
  { id: 'DL3004', name: 'no-sudo', severity: 'error', message: 'Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root' },
  'sudo',
  (c) => c.name === 'sudo',
);

export const DL3046: Rule = commandRule(
  { id: 'DL3046', name: 'useradd-high-uid', severity: 'warning', message: '`useradd` without flag `-l` and high UID will result in excessively large Image.' },
  'useradd',
  (c) => c.name === 'useradd' && !hasAnyFlag(c, ['l', 'no-log-init']) && (flagValue(c, 'u', 'uid') ?? '').length > 5,
);

export const DL3047: Rule = commandRule(
  { id: 'DL3047', name: 'wget-progress', severity: 'info', message: 'Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. Or consider using `-q` or `-nv` (shorthands for `--quiet` or `--no-verbose`).' },
  'wget',
  (c) =>
    c.name === 'wget' &&
    !hasAnyFlag(c, ['progress', 'q', 'quiet', 'o', 'output-file', 'a', 'append-output', 'no-verbose']) &&
    !argValues(c).includes('-nv'),
  (c) => insertAfterWord(c, ['wget'], ' --progress=dot:giga', 'Add --progress=dot:giga'),
);

const flagsKey = (ins: Instruction) => ins.flags.map((f) => f.text).sort().join(' ');

export const DL3059: Rule = dlRule(
  { id: 'DL3059', name: 'consecutive-runs', severity: 'info', message: 'Multiple consecutive `RUN` instructions. Consider consolidation.' },
  ({ dockerfile }) => {
    const hits: Hit[] = [];
    const runs = new Map(runInfos(dockerfile).map((r) => [r.listed, r]));
    let previous: { flags: string; count: number } | undefined;
    for (const ins of dockerfile.instructions) {
      const run = ins.keyword === 'RUN' ? runs.get(ins) : undefined;
      if (!run) {
        previous = undefined;
        continue;
      }
      const here = { flags: flagsKey(ins), count: run.commands.length };
      // Chains of more than two commands were split on purpose (hadolint's heuristic).
      if (previous && previous.flags === here.flags && here.count <= 2 && previous.count <= 2) hits.push(ins.keywordRange);
      previous = here;
    }
    return hits;
  },
);

/** Reports the RUNs of a stage that use curl or wget once both have been used in it. */
export const DL4001: Rule = dlRule(
  { id: 'DL4001', name: 'wget-or-curl', severity: 'warning', message: 'Either use Wget or Curl but not both' },
  ({ dockerfile }) => {
    const hits: Hit[] = [];
    const byStage = new Map<Stage | undefined, { curl: boolean; wget: boolean }>();
    for (const run of runInfos(dockerfile)) {
      const seen = byStage.get(run.stage) ?? { curl: false, wget: false };
      byStage.set(run.stage, seen);
      const tools = run.commands.filter((c) => c.name === 'curl' || c.name === 'wget');
      tools.forEach((c) => (seen[c.name as 'curl' | 'wget'] = true));
      if (seen.curl && seen.wget && tools.length > 0) hits.push(tools[0].range);
    }
    return hits;
  },
);

export const DL4005: Rule = commandRule(
  { id: 'DL4005', name: 'shell-not-ln', severity: 'warning', message: 'Use SHELL to change the default shell' },
  'ln',
  (c) => cmdHasArgs(c, 'ln', ['/bin/sh']),
);

const NON_POSIX = /^\[?\s*"?(pwsh|powershell|cmd)/i;

export const DL4006: Rule = dlRule(
  {
    id: 'DL4006',
    name: 'pipefail',
    severity: 'warning',
    message:
      'Set the SHELL option -o pipefail before RUN with a pipe in it. If you are using /bin/sh in an alpine image or if your shell is symlinked to busybox then consider explicitly setting your SHELL to /bin/ash, or disable this check',
  },
  ({ dockerfile }) => {
    const hits: Hit[] = [];
    const runs = new Map(runInfos(dockerfile).map((r) => [r.instruction, r]));
    for (const stage of dockerfile.stages) {
      let safe = false;
      for (const ins of stage.instructions) {
        if (ins.keyword === 'SHELL') {
          const words = ins.args.map((a) => a.value);
          const shell = (words[0] ?? '').split('/').pop() ?? '';
          safe = NON_POSIX.test(words[0] ?? '') || (['bash', 'zsh', 'ash'].includes(shell) && words.includes('-o') && words.includes('pipefail'));
        }
        const run = ins.keyword === 'RUN' ? runs.get(ins) : undefined;
        if (!run || safe || run.scripts.length === 0 || !run.hasPipes) continue;
        // `set -o pipefail` at the start of the RUN itself does the same for this RUN.
        const first = run.commands[0];
        if (first?.name === 'set' && argValues(first).includes('pipefail')) continue;
        hits.push(ins.range);
      }
    }
    return hits;
  },
);

/** hadolint's rules about what RUN commands do. */
export const RUN_COMMAND_RULES: readonly Rule[] = [DL3001, DL3003, DL3004, DL3046, DL3047, DL3059, DL4001, DL4005, DL4006];
