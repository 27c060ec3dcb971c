import * as path from 'node:path';
import type { Instruction, Range, Stage } from '../dockerfile/types';

/** A place where a file is executed directly (so it needs the execute bit and a usable shebang). */
export interface ExecSite {
  instruction: Instruction;
  /** Absolute path in the image. */
  path: string;
  /** The command word as written. */
  word: string;
  range: Range;
  /** What runs it, for messages: 'ENTRYPOINT', 'CMD', 'RUN'. */
  via: string;
}

/** Programs that take a script as an argument: `sh x.sh` needs no execute bit. */
const INTERPRETERS = /^(?:.*\/)?(?:sh|bash|ash|dash|zsh|ksh|busybox|python[0-9.]*|node|perl|ruby|php|source|\.)$/;

/**
 * Files a stage executes directly: the ENTRYPOINT (or CMD when there is no ENTRYPOINT) in
 * effect at the end of the stage, and the commands of each RUN. Only paths with a slash
 * count: a bare name is looked up in PATH, not taken from where a COPY put it.
 */
export function execSites(stage: Stage, workdir: Map<Instruction, string>): ExecSite[] {
  const sites: ExecSite[] = [];
  const last = (kw: string) => [...stage.instructions].reverse().find((i) => i.keyword === kw);
  const entrypoint = last('ENTRYPOINT');
  const cmd = last('CMD');
  const start = entrypoint ?? (cmd && cmd.args.length > 0 ? cmd : undefined);
  if (start) sites.push(...commandSites(start, workdir.get(start) ?? '/'));
  for (const ins of stage.instructions) {
    if (ins.keyword === 'RUN') sites.push(...commandSites(ins, workdir.get(ins) ?? '/'));
  }
  return sites;
}

function commandSites(ins: Instruction, cwd: string): ExecSite[] {
  if (ins.args.length === 0) return [];
  if (ins.json) {
    const first = ins.args[0];
    return site(ins, first.value, first.range, cwd);
  }
  // Shell form: `/bin/sh -c TEXT`; each simple command's first word runs.
  const arg = ins.args[0];
  const out: ExecSite[] = [];
  for (const cmd of simpleCommands(arg.value)) {
    if (arg.range.start.line !== arg.range.end.line && cmd.start > 0) {
      // Continuation lines: positions are only exact on the first line; fall back to the whole argument.
      out.push(...site(ins, cmd.word, arg.range, cwd));
    } else {
      const range = {
        start: { line: arg.range.start.line, character: arg.range.start.character + cmd.start },
        end: { line: arg.range.start.line, character: arg.range.start.character + cmd.start + cmd.word.length },
      };
      out.push(...site(ins, cmd.word, range, cwd));
    }
  }
  return out;
}

function site(ins: Instruction, word: string, range: Range, cwd: string): ExecSite[] {
  const unquoted = word.replace(/^["']|["']$/g, '');
  if (!unquoted.includes('/') || INTERPRETERS.test(unquoted) || unquoted.includes('$')) return [];
  return [{ instruction: ins, path: path.posix.resolve(cwd, unquoted), word: unquoted, range, via: ins.keyword }];
}

/** First words of the simple commands in a shell line, with offsets (`a && ./b; c | d`). */
export function simpleCommands(text: string): { word: string; start: number }[] {
  const out: { word: string; start: number }[] = [];
  const re = /(^|&&|\|\||[;|&\n(]|\bthen\b|\bdo\b|\belse\b)\s*((?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*)([^\s;&|()]+)/g;
  for (const m of text.matchAll(re)) {
    const word = m[3];
    if (/^(if|then|else|fi|do|done|while|until|for|case|esac|exec|!|\{|\})$/.test(word)) continue;
    out.push({ word, start: m.index! + m[0].length - word.length });
  }
  return out;
}
