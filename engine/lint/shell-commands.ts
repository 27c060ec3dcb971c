import { wordPartRange } from '../dockerfile/ranges';
import type { Instruction, Range } from '../dockerfile/types';
import { simpleCommands } from './exec-sites';

/** One simple command of a shell-form RUN: its words, with offsets in the RUN's text. */
export interface ShellCommand {
  /** The command text up to the next `&&`, `||`, `;`, `|` or newline. */
  text: string;
  start: number;
  words: { value: string; start: number }[];
}

/** The simple commands of a shell-form RUN (empty for the exec form). */
export function shellCommands(ins: Instruction): ShellCommand[] {
  if (ins.keyword !== 'RUN' || ins.json || !ins.args[0]) return [];
  const text = ins.args[0].value;
  return simpleCommands(text).map(({ start }) => {
    const end = text.slice(start).search(/&&|\|\||[;|\n]/);
    const body = end < 0 ? text.slice(start) : text.slice(start, start + end);
    const words = [...body.matchAll(/\S+/g)].map((m) => ({ value: m[0], start: start + m.index! }));
    return { text: body, start, words };
  });
}

/** The source range of text[start, end) of a shell-form RUN's command string. */
export function runTextRange(ins: Instruction, start: number, end: number): Range {
  return wordPartRange(ins, ins.args[0], start, end);
}

/** Whether the RUN mounts a cache (`--mount=type=cache`), where package caches belong. */
export function hasCacheMount(ins: Instruction): boolean {
  return ins.flags.some((f) => f.name === 'mount' && /(^|,)type=cache(,|$)/.test(f.value ?? ''));
}
