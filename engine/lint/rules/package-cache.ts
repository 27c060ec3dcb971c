import type { Instruction } from '../../dockerfile/types';
import { hasCacheMount, runTextRange, shellCommands, type ShellCommand } from '../shell-commands';
import { finalImageStages } from '../stage-chain';
import type { Finding, Fix, LintInput, Rule } from '../types';

interface Manager {
  name: string;
  /** The install command (first words). */
  install: (c: ShellCommand) => boolean;
  /** The same RUN already leaves no cache. */
  cleaned: (text: string, c: ShellCommand) => boolean;
  cache: string;
  fix: (ins: Instruction, c: ShellCommand) => Fix;
}

const word = (c: ShellCommand, i: number) => c.words[i]?.value ?? '';
const appendToRun = (ins: Instruction, tail: string): Fix => ({
  title: `Append ${tail.trim()} to this RUN`,
  edits: [{ range: { start: ins.argsRange!.end, end: ins.argsRange!.end }, newText: tail }],
  preferred: true,
});
const insertAfter = (ins: Instruction, c: ShellCommand, index: number, flag: string): Fix => {
  const after = c.words[index];
  const at = runTextRange(ins, after.start + after.value.length, after.start + after.value.length).end;
  return { title: `Add ${flag}`, edits: [{ range: { start: at, end: at }, newText: ` ${flag}` }], preferred: true };
};

const MANAGERS: Manager[] = [
  {
    name: 'apt-get',
    install: (c) => /^apt(-get)?$/.test(word(c, 0)) && c.words.some((w) => w.value === 'install'),
    cleaned: (t) => /rm\s+(-\w+\s+)*\/var\/lib\/apt\/lists/.test(t),
    cache: '/var/lib/apt/lists',
    fix: (ins) => appendToRun(ins, ' && rm -rf /var/lib/apt/lists/*'),
  },
  {
    name: 'apk',
    install: (c) => word(c, 0) === 'apk' && c.words.some((w) => w.value === 'add'),
    cleaned: (t, c) => c.words.some((w) => w.value === '--no-cache') || /rm\s+(-\w+\s+)*\/var\/cache\/apk/.test(t),
    cache: '/var/cache/apk',
    fix: (ins, c) => insertAfter(ins, c, c.words.findIndex((w) => w.value === 'add'), '--no-cache'),
  },
  {
    name: 'yum/dnf',
    install: (c) => /^(yum|dnf|microdnf)$/.test(word(c, 0)) && c.words.some((w) => w.value === 'install'),
    cleaned: (t) => /\b(yum|dnf|microdnf) clean all\b|rm\s+(-\w+\s+)*\/var\/cache\/(yum|dnf)/.test(t),
    cache: '/var/cache/yum or /var/cache/dnf',
    fix: (ins, c) => appendToRun(ins, ` && ${word(c, 0)} clean all`),
  },
  {
    name: 'zypper',
    install: (c) => word(c, 0) === 'zypper' && c.words.some((w) => w.value === 'install' || w.value === 'in'),
    cleaned: (t) => /\bzypper (clean|cc)\b/.test(t),
    cache: '/var/cache/zypp',
    fix: (ins) => appendToRun(ins, ' && zypper clean --all'),
  },
  {
    name: 'pip',
    install: (c) => /^pip[0-9.]*$/.test(word(c, 0)) && word(c, 1) === 'install',
    cleaned: (t, c) => c.words.some((w) => w.value === '--no-cache-dir') || /rm\s+(-\w+\s+)*\S*\.cache\/pip/.test(t),
    cache: '~/.cache/pip',
    fix: (ins, c) => insertAfter(ins, c, 1, '--no-cache-dir'),
  },
  {
    name: 'npm',
    install: (c) => word(c, 0) === 'npm' && /^(install|i|ci)$/.test(word(c, 1)),
    cleaned: (t) => /\bnpm cache clean\b/.test(t),
    cache: '~/.npm',
    fix: (ins) => appendToRun(ins, ' && npm cache clean --force'),
  },
];

// An ENV in the image's stages that turns the cache off (PIP_NO_CACHE_DIR=1, ...).
function cacheOffByEnv(stages: { instructions: Instruction[] }[], manager: string): boolean {
  if (manager !== 'pip') return false;
  return stages.some((s) => s.instructions.some((i) => i.keyword === 'ENV' && i.keyValues.some((kv) => kv.key.value === 'PIP_NO_CACHE_DIR' && !/^(0|false|off|no)$/i.test(kv.value?.value ?? ''))));
}

/**
 * LW5002: a package install whose cache stays in the layer (apt lists, apk, yum/dnf, zypper,
 * pip, npm), in the stages the final image is made of. A later RUN cannot remove it: the
 * clean-up has to be in the same RUN, or the cache on a `--mount=type=cache`.
 */
export const packageCacheRule: Rule = {
  id: 'LW5002',
  name: 'package-cache',
  severity: 'warning',
  description: 'A package install leaves its cache in the layer; clean it in the same RUN.',
  check(input: LintInput): Finding[] {
    const findings: Finding[] = [];
    const stages = finalImageStages(input.dockerfile);
    for (const stage of stages) {
      for (const ins of stage.instructions) {
        if (ins.keyword !== 'RUN' || hasCacheMount(ins) || !ins.argsRange) continue;
        const text = ins.args[0]?.value ?? '';
        const reported = new Set<string>();
        for (const c of shellCommands(ins)) {
          const manager = MANAGERS.find((m) => m.install(c));
          if (!manager || reported.has(manager.name) || manager.cleaned(text, c) || cacheOffByEnv(stages, manager.name)) continue;
          reported.add(manager.name);
          const last = c.words[c.words.length - 1];
          findings.push({
            rule: packageCacheRule.id,
            severity: packageCacheRule.severity,
            range: runTextRange(ins, c.start, last.start + last.value.length),
            message: `${manager.name} leaves its cache (${manager.cache}) in this layer of the final image. Clean it in the same RUN (a later RUN only hides it), or use RUN --mount=type=cache.`,
            fixes: [manager.fix(ins, c)],
            related: [],
          });
        }
      }
    }
    return findings;
  },
};
