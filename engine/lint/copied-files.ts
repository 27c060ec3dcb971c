import * as path from 'node:path';
import { normalizeContextPath, type ContextFile, type ContextIndex } from '../context/context-index';
import type { Instruction, Stage, Word } from '../dockerfile/types';

/** A COPY or ADD that takes files from the build context. */
export interface ContextCopy {
  instruction: Instruction;
  sources: Word[];
  /** Absolute destination in the image (WORKDIR applied). */
  dest: string;
  /** The destination is a directory (trailing slash, several sources, or `.`). */
  destIsDir: boolean;
  chmod: string | undefined;
}

/** The COPY/ADD instructions of a stage that read the build context, in order. */
export function contextCopies(stage: Stage, workdir: Map<Instruction, string>): ContextCopy[] {
  const copies: ContextCopy[] = [];
  for (const ins of stage.instructions) {
    if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
    if (ins.flags.some((f) => f.name === 'from') || ins.args.length < 2) continue;
    const sources = ins.args.slice(0, -1).filter((w) => !w.value.startsWith('<<') && !/^[a-z]+:\/\//i.test(w.value));
    const rawDest = ins.args[ins.args.length - 1].value;
    const dest = path.posix.resolve(workdir.get(ins) ?? '/', rawDest);
    const destIsDir = rawDest.endsWith('/') || rawDest === '.' || ins.args.length > 2 || sources.some((s) => /[*?[]/.test(s.value));
    copies.push({ instruction: ins, sources, dest, destIsDir, chmod: ins.flags.find((f) => f.name === 'chmod')?.value });
  }
  return copies;
}

export interface CopiedFile {
  copy: ContextCopy;
  source: Word;
  file: ContextFile;
}

/**
 * The context file that the last matching COPY placed at `imagePath`, looking only at copies
 * before `before` when given. Works backwards from the image path, so no context walk.
 */
export function findCopiedFile(copies: ContextCopy[], imagePath: string, context: ContextIndex, before?: Instruction): CopiedFile | undefined {
  const target = path.posix.normalize(imagePath);
  const usable = before ? copies.filter((c) => c.instruction.range.start.line < before.range.start.line) : copies;
  for (let i = usable.length - 1; i >= 0; i--) {
    const copy = usable[i];
    for (let s = copy.sources.length - 1; s >= 0; s--) {
      const found = candidate(copy, copy.sources[s], target, context);
      if (found) return { copy, source: copy.sources[s], file: found };
    }
  }
  return undefined;
}

function candidate(copy: ContextCopy, source: Word, target: string, context: ContextIndex): ContextFile | undefined {
  const src = normalizeContextPath(source.value);
  if (src === undefined) return undefined;
  if (/[*?[]/.test(src)) return globCandidate(copy, src, target, context);
  const stat = context.stat(src);
  if (!stat) return undefined;
  if (stat.type === 'directory') {
    const rel = relativeInside(copy.dest, target);
    return rel === undefined ? undefined : fileAt(context, src === '.' ? rel : `${src}/${rel}`);
  }
  const placed = copy.destIsDir ? path.posix.join(copy.dest, path.posix.basename(src)) : copy.dest;
  return placed === target ? stat : undefined;
}

function globCandidate(copy: ContextCopy, pattern: string, target: string, context: ContextIndex): ContextFile | undefined {
  const rel = relativeInside(copy.dest, target);
  if (rel === undefined || rel.includes('/')) return undefined;
  const dir = path.posix.dirname(pattern);
  if (!globMatch(path.posix.basename(pattern), rel)) return undefined;
  return fileAt(context, dir === '.' ? rel : `${dir}/${rel}`);
}

function fileAt(context: ContextIndex, rel: string): ContextFile | undefined {
  const stat = context.stat(rel);
  return stat && stat.type !== 'directory' ? stat : undefined;
}

function relativeInside(dir: string, target: string): string | undefined {
  const rel = path.posix.relative(dir, target);
  return rel === '' || rel.startsWith('..') || path.posix.isAbsolute(rel) ? undefined : rel;
}

/** Go's filepath.Match for one path element (`*`, `?`, `[...]`, backslash escapes). */
export function globMatch(pattern: string, name: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < pattern.length) re += escapeRegex(pattern[++i]);
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) return false;
      let cls = pattern.slice(i + 1, close);
      if (cls.startsWith('^')) cls = '!' + cls.slice(1);
      re += cls.startsWith('!') ? `[^${cls.slice(1).replace(/\\/g, '\\\\')}]` : `[${cls.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else re += escapeRegex(c);
  }
  return new RegExp(`^${re}$`).test(name);
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
