import { createReadStream, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { normalizeContextPath } from '../../context/context-index';
import type { Heredoc, Instruction } from '../../dockerfile/types';
import { globMatch } from '../../lint/copied-files';
import type { LayerEntry } from '../../layer/entry';
import { resolveUser, type UserDatabase } from '../run/users';
import type { StageState } from '../stage-state';
import type { StepContext } from './step-context';

/** Decides whether a context-relative path is left out by .dockerignore. */
export interface ContextFilter {
  ignored(rel: string): boolean;
  /** Some patterns re-include paths (`!x`), so an ignored folder must still be walked. */
  readonly hasExclusions: boolean;
}

export const NO_FILTER: ContextFilter = { ignored: () => false, hasExclusions: false };

interface Ownership {
  uid: number;
  gid: number;
}

/**
 * The entries a COPY (or a plain ADD) of context files writes, with Docker's rules: a
 * folder's contents (not the folder) are copied, a destination ending in "/" is a folder,
 * relative destinations follow WORKDIR, and missing parent folders are created.
 */
export async function copyEntries(ins: Instruction, state: StageState, ctx: StepContext, filter: ContextFilter, users: () => Promise<UserDatabase>): Promise<LayerEntry[]> {
  checkFlags(ins, ctx);
  const words = ins.args.map((a) => state.vars.word(a.value));
  if (words.length < 2) throw ctx.fail(ins, `${ins.keyword} requires at least two arguments`);
  const rawDest = words[words.length - 1];
  const sources = words.slice(0, -1);
  const owner = await ownership(ins, state, ctx, users);
  const chmod = chmodOf(ins, ctx);
  const workdir = state.config.config.WorkingDir || '/';
  const dest = path.posix.resolve(workdir, rawDest);
  const destIsDir = rawDest.endsWith('/') || rawDest === '.' || rawDest === '..' || state.fs.lookup(dest)?.type === 'directory';
  if (sources.length > 1 && !destIsDir) {
    throw ctx.fail(ins, `when using ${ins.keyword} with more than one source file, the destination must be a directory and end with a /`);
  }
  const out = new Map<string, LayerEntry>();
  const add = (e: LayerEntry) => out.set(e.path, e);
  for (const src of sources) {
    const heredoc = heredocFor(ins, src);
    if (heredoc) {
      add(heredocEntry(heredoc, destIsDir ? path.posix.join(dest, heredoc.name) : dest, state, owner, chmod, ctx));
      continue;
    }
    for (const rel of await expandSource(src, ins, ctx, filter)) {
      const abs = path.join(ctx.contextDir, rel);
      const st = await fs.stat(abs);
      const many = sources.length > 1 || /[*?[]/.test(src);
      if (st.isDirectory()) {
        const target = many && /[*?[]/.test(src) ? path.posix.join(dest, path.posix.basename(rel)) : dest;
        add(dirEntry(target, st, owner, chmod, ctx));
        walk(abs, rel, target, owner, chmod, ctx, filter, add);
      } else {
        const target = destIsDir || many ? path.posix.join(dest, path.posix.basename(rel)) : dest;
        add(fileEntry(abs, target, st, owner, chmod, ctx));
      }
      ctx.signal?.throwIfAborted();
    }
  }
  addParents([...out.values()], state, ctx, add);
  return [...out.values()];
}

function checkFlags(ins: Instruction, ctx: StepContext): void {
  for (const f of ins.flags) {
    if (f.name === 'from') throw ctx.fail(ins, `--from is not supported by the embedded builder yet; build with docker or buildah`);
    if (!['chown', 'chmod', 'link'].includes(f.name)) throw ctx.fail(ins, `--${f.name} is not supported by the embedded builder yet`);
  }
  if (ins.keyword === 'ADD') {
    for (const a of ins.args.slice(0, -1)) {
      if (/^[a-z]+:\/\//i.test(a.value)) throw ctx.fail(ins, `ADD of a URL (${a.value}) is not supported by the embedded builder yet`);
      if (/\.(tar|tgz|tar\.gz|tar\.bz2|tbz2|tar\.xz|txz)$/i.test(a.value)) {
        throw ctx.fail(ins, `ADD of an archive (${a.value}) extracts it; that is not supported by the embedded builder yet (use COPY to copy it as a file)`);
      }
    }
  }
}

// --chown takes names from the image's /etc/passwd and /etc/group; without a group, the
// group id is the user id (Docker's documented rule, unlike USER).
async function ownership(ins: Instruction, state: StageState, ctx: StepContext, users: () => Promise<UserDatabase>): Promise<Ownership> {
  const flag = ins.flags.find((f) => f.name === 'chown')?.value;
  if (!flag) return { uid: 0, gid: 0 };
  const chown = state.vars.word(flag);
  const [user, group] = chown.split(':', 2);
  const numeric = /^\d+$/;
  const db = numeric.test(user) && (group === undefined || numeric.test(group)) ? {} : await users();
  try {
    const resolved = resolveUser(db, chown);
    return { uid: resolved.uid, gid: group === undefined || group === '' ? resolved.uid : resolved.gid };
  } catch (e) {
    throw ctx.fail(ins, `--chown=${chown}: ${(e as Error).message}`);
  }
}

function chmodOf(ins: Instruction, ctx: StepContext): number | undefined {
  const chmod = ins.flags.find((f) => f.name === 'chmod')?.value;
  if (chmod === undefined) return undefined;
  if (!/^[0-7]{3,4}$/.test(chmod)) throw ctx.fail(ins, `invalid --chmod=${chmod}: use an octal mode such as 755`);
  return parseInt(chmod, 8);
}

function heredocFor(ins: Instruction, src: string): Heredoc | undefined {
  const m = /^\d*<<-?(.*)$/.exec(src);
  if (!m) return undefined;
  const name = m[1].replace(/^["']|["']$/g, '');
  return ins.heredocs.find((h) => h.name === name);
}

function heredocEntry(h: Heredoc, target: string, state: StageState, owner: Ownership, chmod: number | undefined, ctx: StepContext): LayerEntry {
  let text = h.chomp ? h.content.replace(/^\t+/gm, '') : h.content;
  if (h.expand) text = state.vars.word(text);
  const data = Buffer.from(text);
  return { path: target, type: 'file', mode: chmod ?? 0o644, ...owner, mtime: ctx.now, size: data.length, open: () => Readable.from([data]) };
}

/** Context paths a source names: itself, or a glob's matches (sorted). */
async function expandSource(src: string, ins: Instruction, ctx: StepContext, filter: ContextFilter): Promise<string[]> {
  const rel = normalizeContextPath(src);
  if (rel === undefined) throw ctx.fail(ins, `invalid source path ${src}`);
  if (!/[*?[]/.test(rel)) {
    const exists = await fs.stat(path.join(ctx.contextDir, rel)).then(() => true, () => false);
    if (!exists || (rel !== '.' && filter.ignored(rel))) {
      throw ctx.fail(ins, `"${src}" not found: it is not in the build context ${ctx.contextDir}${exists ? ' (it is excluded by .dockerignore)' : ''}`);
    }
    return [rel];
  }
  const matches = await globContext(rel, ctx.contextDir, filter);
  if (matches.length === 0) throw ctx.fail(ins, `no source files were specified: "${src}" matches nothing in the build context`);
  return matches;
}

async function globContext(pattern: string, root: string, filter: ContextFilter): Promise<string[]> {
  let candidates = ['.'];
  for (const part of pattern.split('/')) {
    const next: string[] = [];
    for (const dir of candidates) {
      if (!/[*?[]/.test(part)) {
        next.push(dir === '.' ? part : `${dir}/${part}`);
        continue;
      }
      const names = await fs.readdir(path.join(root, dir)).catch(() => [] as string[]);
      for (const n of names.sort()) if (globMatch(part, n)) next.push(dir === '.' ? n : `${dir}/${n}`);
    }
    candidates = next;
  }
  const existing = await Promise.all(candidates.map((c) => fs.lstat(path.join(root, c)).then(() => c, () => undefined)));
  return existing.filter((c): c is string => c !== undefined && !filter.ignored(c));
}

// Synchronous stat calls: a context walk is thousands of tiny calls, each far cheaper without
// the thread pool round trip; the caller yields between sources.
function walk(
  abs: string,
  rel: string,
  target: string,
  owner: Ownership,
  chmod: number | undefined,
  ctx: StepContext,
  filter: ContextFilter,
  add: (e: LayerEntry) => void,
): void {
  for (const d of readdirSync(abs, { withFileTypes: true })) {
    const childRel = rel === '.' ? d.name : `${rel}/${d.name}`;
    const childAbs = path.join(abs, d.name);
    const childTarget = path.posix.join(target, d.name);
    const ignored = filter.ignored(childRel);
    if (ignored && !(d.isDirectory() && filter.hasExclusions)) continue;
    const st = lstatSync(childAbs);
    if (st.isDirectory()) {
      if (!ignored) add(dirEntry(childTarget, st, owner, chmod, ctx));
      walk(childAbs, childRel, childTarget, owner, chmod, ctx, filter, add);
    } else if (st.isSymbolicLink()) {
      add({ path: childTarget, type: 'symlink', mode: 0o777, ...owner, mtime: clamp(st.mtimeMs, ctx), size: 0, linkTarget: readlinkSync(childAbs) });
    } else if (st.isFile()) {
      add(fileEntry(childAbs, childTarget, st, owner, chmod, ctx));
    }
  }
}

function fileEntry(abs: string, target: string, st: import('node:fs').Stats, owner: Ownership, chmod: number | undefined, ctx: StepContext): LayerEntry {
  return {
    path: target,
    type: 'file',
    mode: chmod ?? st.mode & 0o7777,
    ...owner,
    mtime: clamp(st.mtimeMs, ctx),
    size: st.size,
    open: () => createReadStream(abs),
    readSync: () => readFileSync(abs),
  };
}

function dirEntry(target: string, st: import('node:fs').Stats, owner: Ownership, chmod: number | undefined, ctx: StepContext): LayerEntry {
  return { path: target, type: 'directory', mode: chmod ?? st.mode & 0o7777, ...owner, mtime: clamp(st.mtimeMs, ctx), size: 0 };
}

// Folders above the copied entries that the image does not have yet are created 0755.
function addParents(entries: LayerEntry[], state: StageState, ctx: StepContext, add: (e: LayerEntry) => void): void {
  const have = new Set(entries.map((e) => e.path));
  for (const e of entries) {
    for (let dir = path.posix.dirname(e.path); dir !== '/'; dir = path.posix.dirname(dir)) {
      if (have.has(dir) || state.fs.lookup(dir)) break;
      have.add(dir);
      add({ path: dir, type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: ctx.now, size: 0 });
    }
  }
}

function clamp(mtimeMs: number, ctx: StepContext): number {
  const seconds = Math.floor(mtimeMs / 1000);
  return ctx.clampMtime !== undefined ? Math.min(seconds, ctx.clampMtime) : seconds;
}
