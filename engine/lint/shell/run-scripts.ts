import type { Dockerfile, Heredoc, Instruction, Range, Stage } from '../../dockerfile/types';
import { parseShell, type ShellCommand } from './commands';

/** A shell script a RUN runs, with the way back from its offsets to the Dockerfile. */
export interface RunScript {
  text: string;
  /** The source range of text[start, end). */
  range(start: number, end: number): Range;
}

/** A command of a RUN with its exact source range. */
export interface LocatedCommand extends ShellCommand {
  range: Range;
  /** The source range of its script's text[start, end), for the ranges of single words. */
  locate(start: number, end: number): Range;
}

/** What a RUN (or ONBUILD RUN) runs, read once per Dockerfile for every rule. */
export interface RunInfo {
  /** The RUN itself (for ONBUILD RUN, the wrapped RUN). */
  instruction: Instruction;
  /** The instruction as listed in the Dockerfile (the ONBUILD for ONBUILD RUN). */
  listed: Instruction;
  stage: Stage | undefined;
  /** Shell scripts: the shell form, and heredoc bodies that a shell runs. Empty for the exec form. */
  scripts: RunScript[];
  commands: LocatedCommand[];
  hasPipes: boolean;
  /** The command text as written after the flags (exec form joined with spaces). */
  text: string;
}

/** A command with the RUN it is part of. */
export interface RunCommand {
  cmd: LocatedCommand;
  run: RunInfo;
}

const byName = new WeakMap<Dockerfile, Map<string, RunCommand[]>>();

/**
 * The commands of all RUNs whose name passes `named` (a name or a test), in source order;
 * indexed once per Dockerfile so that each rule visits only the commands it is about.
 */
export function commandsNamed(dockerfile: Dockerfile, named: string | ((name: string) => boolean)): RunCommand[] {
  let index = byName.get(dockerfile);
  if (!index) {
    index = new Map();
    for (const run of runInfos(dockerfile)) {
      for (const cmd of run.commands) {
        const list = index.get(cmd.name);
        if (list) list.push({ cmd, run });
        else index.set(cmd.name, [{ cmd, run }]);
      }
    }
    byName.set(dockerfile, index);
  }
  if (typeof named === 'string') return index.get(named) ?? [];
  const out: RunCommand[] = [];
  for (const [name, list] of index) if (named(name)) out.push(...list);
  return out.sort((a, b) => a.cmd.range.start.line - b.cmd.range.start.line || a.cmd.range.start.character - b.cmd.range.start.character);
}

const SHELLS = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|ash|dash|zsh|ksh)$/;
const cache = new WeakMap<Dockerfile, RunInfo[]>();

/** Every RUN and ONBUILD RUN of a Dockerfile in source order, parsed once and cached. */
export function runInfos(dockerfile: Dockerfile): RunInfo[] {
  let infos = cache.get(dockerfile);
  if (!infos) {
    infos = [];
    const stageOf = new Map<Instruction, Stage>();
    for (const stage of dockerfile.stages) for (const ins of stage.instructions) stageOf.set(ins, stage);
    for (const listed of dockerfile.instructions) {
      const ins = listed.keyword === 'ONBUILD' ? listed.subInstruction : listed;
      if (ins?.keyword === 'RUN') infos.push(runInfo(ins, listed, stageOf.get(listed)));
    }
    cache.set(dockerfile, infos);
  }
  return infos;
}

function runInfo(ins: Instruction, listed: Instruction, stage: Stage | undefined): RunInfo {
  const info: RunInfo = { instruction: ins, listed, stage, scripts: [], commands: [], hasPipes: false, text: ins.args.map((a) => a.value).join(' ') };
  if (ins.json) {
    const whole = () => ins.range;
    addScript(info, { text: info.text, range: whole }, false);
    return info;
  }
  const arg = ins.args[0];
  if (!arg) return info;
  const marker = /^(?:(\S+)(?:\s+-\S+)*\s+)?<<-?\S+$/.exec(arg.value.trim());
  const shellBodies = marker && (!marker[1] || SHELLS.test(marker[1]));
  if (!shellBodies) addScript(info, shellFormScript(ins, arg.value, arg.range), true);
  if (shellBodies) for (const h of ins.heredocs) addScript(info, heredocScript(h), true);
  return info;
}

function addScript(info: RunInfo, script: RunScript, isShell: boolean): void {
  const parsed = parseShell(script.text);
  if (isShell) info.scripts.push(script);
  info.hasPipes ||= parsed.hasPipes;
  for (const c of parsed.commands) info.commands.push({ ...c, range: script.range(c.start, c.end), locate: script.range });
}

function shellFormScript(ins: Instruction, text: string, argRange: Range): RunScript {
  const base = ins.lineMap?.offsetAt(argRange.start) ?? -1;
  const map = ins.lineMap;
  if (base < 0 || !map) return { text, range: () => argRange };
  return { text, range: (start, end) => map.range(base + start, base + end) };
}

function heredocScript(h: Heredoc): RunScript {
  const text = h.content;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const at = (offset: number) => {
    let line = lineStarts.length - 1;
    while (line > 0 && lineStarts[line] > offset) line--;
    return { line: h.bodyRange.start.line + line, character: offset - lineStarts[line] };
  };
  return { text, range: (start, end) => ({ start: at(start), end: at(end) }) };
}
