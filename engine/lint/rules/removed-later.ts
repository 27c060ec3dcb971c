import * as path from 'node:path';
import { workdirs } from '../../dockerfile/workdir';
import type { Instruction, Range } from '../../dockerfile/types';
import { globMatch } from '../copied-files';
import { runTextRange, shellCommands } from '../shell-commands';
import { finalImageStages } from '../stage-chain';
import type { Finding, LintInput, Rule } from '../types';

/** Something an earlier layer put at a path. */
interface Addition {
  path: string;
  by: Instruction;
}

// Commands that fill well-known cache folders as a side effect.
const WRITERS: { command: RegExp; paths: string[] }[] = [
  { command: /\bapt(-get)? update\b/, paths: ['/var/lib/apt/lists'] },
  { command: /\bapk (add|update)\b/, paths: ['/var/cache/apk'] },
  { command: /\b(yum|dnf) (install|makecache)\b/, paths: ['/var/cache/yum', '/var/cache/dnf'] },
  { command: /\bpip[0-9.]* install\b/, paths: ['/root/.cache/pip', '/root/.cache'] },
  { command: /\bnpm (install|i|ci)\b/, paths: ['/root/.npm'] },
];

// What an instruction adds: COPY/ADD destinations, paths a RUN names as output (-o, -O, >), known caches.
function additions(ins: Instruction, cwd: string): Addition[] {
  if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
    if (ins.args.length < 2) return [];
    const rawDest = ins.args[ins.args.length - 1].value;
    const dest = path.posix.resolve(cwd, rawDest);
    const toDir = rawDest.endsWith('/') || ins.args.length > 2;
    return ins.args.slice(0, -1).map((s) => ({ path: toDir ? path.posix.join(dest, path.posix.basename(s.value)) : dest, by: ins }));
  }
  if (ins.keyword !== 'RUN') return [];
  const text = ins.args[0]?.value ?? '';
  const out: Addition[] = [];
  for (const m of text.matchAll(/(?:\s-[oO]\s*|\s--output[= ]|>\s*)([^\s;&|]+)/g)) out.push({ path: path.posix.resolve(cwd, m[1]), by: ins });
  for (const w of WRITERS) if (w.command.test(text)) out.push(...w.paths.map((p) => ({ path: p, by: ins })));
  return out;
}

function removes(target: string, added: string): boolean {
  if (added === target || added.startsWith(`${target}/`)) return true;
  if (!/[*?[]/.test(target)) return false;
  // `rm -rf /var/lib/apt/lists/*` removes what is inside the folder.
  const dir = path.posix.dirname(target);
  const base = path.posix.basename(target);
  if (added === dir) return base === '*';
  return path.posix.dirname(added) === dir && globMatch(base, path.posix.basename(added));
}

/** The paths each `rm` of a RUN deletes, with their source ranges. */
function removals(ins: Instruction, cwd: string): { path: string; range: Range }[] {
  const out: { path: string; range: Range }[] = [];
  for (const c of shellCommands(ins)) {
    if (c.words[0]?.value !== 'rm') continue;
    for (const w of c.words.slice(1)) {
      if (w.value.startsWith('-') || w.value.includes('$')) continue;
      out.push({ path: path.posix.resolve(cwd, w.value.replace(/^["']|["']$/g, '')), range: runTextRange(ins, w.start, w.start + w.value.length) });
    }
  }
  return out;
}

/**
 * LW5001: a file added in one layer and deleted in a later one, in the stages the final
 * image is made of. The deletion only hides it (a whiteout): the image still ships its bytes.
 */
export const removedLaterRule: Rule = {
  id: 'LW5001',
  name: 'removed-in-later-layer',
  severity: 'warning',
  description: 'A file added in one layer and removed in a later one still costs its size in the image.',
  check(input: LintInput): Finding[] {
    const findings: Finding[] = [];
    const added: Addition[] = [];
    for (const stage of [...finalImageStages(input.dockerfile)].reverse()) {
      const cwd = workdirs(stage);
      for (const ins of stage.instructions) {
        const here = cwd.get(ins) ?? '/';
        for (const removal of ins.keyword === 'RUN' ? removals(ins, here) : []) {
          const hit = added.find((a) => removes(removal.path, a.path));
          if (!hit) continue;
          findings.push({
            rule: removedLaterRule.id,
            severity: removedLaterRule.severity,
            range: removal.range,
            message: `${hit.path} was added by ${hit.by.keyword} on line ${hit.by.range.start.line + 1} and is deleted here, in a later layer: the image still carries its bytes, the delete only hides them. Remove it in the same RUN that creates it, or create it in a build stage and copy only what is needed.`,
            fixes: [],
            related: [{ range: hit.by.keywordRange, message: `${hit.path} is added here` }],
          });
        }
        added.push(...additions(ins, here));
      }
    }
    return findings;
  },
};
