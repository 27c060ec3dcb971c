import { lstatSync, readdirSync, readlinkSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import type { Heredoc, Instruction } from '../../dockerfile/types';
import { globMatch } from '../../lint/copied-files';
import type { LayerEntry } from '../../layer/entry';
import { secureJoin } from '../../layer/secure-path';
import { resolveUser, type UserDatabase } from '../run/users';
import { archiveKind, downloadUrl, extractArchive } from './add-sources';
import { PatternMatcher } from '../../context/dockerignore';
import type { StageState } from '../stage-state';
import type { StepContext } from './step-context';

/** Decides whether a context-relative path is left out by .dockerignore. */
export interface ContextFilter {
  ignored(rel: string): boolean;
  /** Some patterns re-include paths (`!x`), so an ignored folder must still be walked. */
  readonly hasExclusions: boolean;
  /** What the filter is made of (its patterns), for keys of what a COPY read through it. */
  readonly signature: string;
}

export const NO_FILTER: ContextFilter = { ignored: () => false, hasExclusions: false, signature: '' };

/** Where COPY reads from: the build context, or another stage's (or image's) filesystem. */
export interface CopySource {
  dir: string;
  filter: ContextFilter;
  /** Files from a stage keep their owner; the context's belong to root (Docker's rule). */
  keepOwner: boolean;
  /** For messages: "the build context /x" or "stage build". */
  label: string;
}

interface Ownership {
  uid: number;
  gid: number;
}

interface Options {
  owner: Ownership | undefined;
  chmod: number | undefined;
  ctx: StepContext;
  filter: ContextFilter;
  add: (e: LayerEntry) => void;
  /** --exclude: paths (relative to the source being copied) left out. */
  excluded: (relToSource: string) => boolean;
}

/**
 * The entries a COPY (or a plain ADD) writes, with Docker's rules: a folder's contents (not
 * the folder) are copied, a destination ending in "/" is a folder, relative destinations
 * follow WORKDIR, and missing parent folders are created. Paths resolve inside the source
 * root, symlinks included, so a source can never reach outside it.
 */
export async function copyEntries(ins: Instruction, state: StageState, ctx: StepContext, source: CopySource, users: () => Promise<UserDatabase>): Promise<LayerEntry[]> {
  checkFlags(ins, ctx);
  const words = ins.args.map((a) => (a.value.startsWith('<<') ? a.value : state.vars.word(a.value)));
  if (words.length < 2) throw ctx.fail(ins, `${ins.keyword} requires at least two arguments`);
  const rawDest = words[words.length - 1];
  const sources = words.slice(0, -1);
  const chown = await ownership(ins, state, ctx, users);
  const workdir = state.config.config.WorkingDir || '/';
  const dest = path.posix.resolve(workdir, rawDest);
  const destIsDir = rawDest.endsWith('/') || rawDest === '.' || rawDest === '..' || state.fs.lookup(dest)?.type === 'directory';
  if (sources.length > 1 && !destIsDir) {
    throw ctx.fail(ins, `when using ${ins.keyword} with more than one source file, the destination must be a directory and end with a /`);
  }
  const out = new Map<string, LayerEntry>();
  const opts: Options = {
    owner: chown ?? (source.keepOwner ? undefined : { uid: 0, gid: 0 }),
    chmod: chmodOf(ins, ctx),
    ctx,
    filter: source.filter,
    add: (e) => out.set(e.path, e),
    excluded: () => false,
  };
  const excludes = ins.flags.filter((f) => f.name === 'exclude').map((f) => f.value ?? '');
  const parents = ins.flags.some((f) => f.name === 'parents' && f.value !== 'false');
  const matcher = excludes.length > 0 ? new PatternMatcher(excludes) : undefined;
  for (const src of sources) {
    const heredoc = heredocFor(ins, src);
    if (heredoc) {
      opts.add(heredocEntry(heredoc, destIsDir ? path.posix.join(dest, heredoc.name) : dest, state, chown ?? { uid: 0, gid: 0 }, opts.chmod, ctx));
      continue;
    }
    if (ins.keyword === 'ADD' && isUrl(src)) {
      const got = await downloadUrl(src, path.join(ctx.workDir, `add-${out.size}-${Date.now()}`), ins.flags.find((f) => f.name === 'checksum')?.value, ctx.signal);
      const st = statSync(got.file);
      const target = destIsDir ? path.posix.join(dest, path.basename(got.file)) : dest;
      // Docker gives downloaded files mode 0600 and the server's Last-Modified time.
      opts.add({ ...fileEntry(got.file, target, st, opts), mode: opts.chmod ?? 0o600, uid: chown?.uid ?? 0, gid: chown?.gid ?? 0, mtime: got.mtime ?? ctx.now });
      continue;
    }
    const glob = /[*?[]/.test(src);
    // --parents keeps the source's folders under the destination, from a `/./` pivot if any.
    const pivot = parents ? pivotOf(src) : undefined;
    for (const rel of expandSource(src, ins, source, ctx)) {
      const abs = secureJoin(source.dir, rel);
      const st = statSync(abs);
      if (matcher && matcher.matches(glob || !st.isDirectory() ? path.posix.basename(rel) : '.')) continue;
      opts.excluded = matcher ? (childRel) => matcher.matches(path.posix.relative(st.isDirectory() && !glob ? rel : path.posix.dirname(rel), childRel)) : () => false;
      if (pivot !== undefined) {
        const kept = path.posix.join(dest, pivot === '.' ? rel : path.posix.relative(pivot, rel));
        if (st.isDirectory()) {
          opts.add(dirEntry(kept, st, opts));
          walk(abs, rel, kept, opts);
        } else opts.add(fileEntry(abs, kept, st, opts));
        continue;
      }
      const archive = ins.keyword === 'ADD' && st.isFile() ? archiveKind(abs) : undefined;
      if (archive) {
        // A local tar archive is unpacked into the destination, keeping the owners it records
        // (--chown only owns the folders created for it, as BuildKit does).
        const unpacked = path.join(ctx.workDir, `unpack-${out.size}-${Date.now()}`);
        await extractArchive(abs, archive, unpacked);
        walk(unpacked, '.', dest, { ...opts, filter: NO_FILTER, owner: undefined });
        continue;
      }
      if (st.isDirectory()) {
        // A directory's contents are copied, never the directory itself, for a wildcard match
        // too (Docker flattens `COPY src/* /dest/` one level); the destination folder is made
        // like any missing parent (0755, --chown's owner) or keeps what it was.
        if (dest !== '/') opts.add(folderEntry(dest, state, ctx, chown ?? { uid: 0, gid: 0 }));
        walk(abs, rel, dest, opts);
      } else {
        const target = destIsDir || sources.length > 1 || glob ? path.posix.join(dest, path.posix.basename(rel)) : dest;
        opts.add(fileEntry(abs, target, st, opts));
      }
      ctx.signal?.throwIfAborted();
    }
  }
  addParents([...out.values()], state, ctx, chown ?? { uid: 0, gid: 0 }, opts.add);
  return [...out.values()];
}

// The part of a --parents source before a `/./` pivot is not reproduced under the destination.
function pivotOf(src: string): string {
  const i = src.indexOf('/./');
  return i < 0 ? '.' : cleanRelative(src.slice(0, i));
}

function checkFlags(ins: Instruction, ctx: StepContext): void {
  const allowed = ins.keyword === 'ADD' ? ['chown', 'chmod', 'link', 'checksum', 'exclude'] : ['chown', 'chmod', 'link', 'from', 'exclude', 'parents'];
  for (const f of ins.flags) {
    if (!allowed.includes(f.name)) throw ctx.fail(ins, `--${f.name} is not supported by the embedded builder for ${ins.keyword} yet`);
  }
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

// --chown takes names from the image's /etc/passwd and /etc/group; without a group, the
// group id is the user id (Docker's documented rule, unlike USER).
async function ownership(ins: Instruction, state: StageState, ctx: StepContext, users: () => Promise<UserDatabase>): Promise<Ownership | undefined> {
  const flag = ins.flags.find((f) => f.name === 'chown')?.value;
  if (!flag) return undefined;
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
  return { path: target, type: 'file', mode: chmod ?? 0o644, ...owner, mtime: ctx.now, size: data.length, data };
}

/** Root-relative paths a source names: itself, or a glob's matches (sorted). */
function expandSource(src: string, ins: Instruction, source: CopySource, ctx: StepContext): string[] {
  const rel = cleanRelative(src);
  if (!/[*?[]/.test(rel)) {
    let exists = false;
    try {
      statSync(secureJoin(source.dir, rel));
      exists = true;
    } catch {
      exists = false;
    }
    if (!exists || (rel !== '.' && source.filter.ignored(rel))) {
      throw ctx.fail(ins, `"${src}" not found: it is not in ${source.label}${exists ? ' (it is excluded by .dockerignore)' : ''}`);
    }
    return [rel];
  }
  const matches = globRoot(rel, source);
  if (matches.length === 0) throw ctx.fail(ins, `no source files were specified: "${src}" matches nothing in ${source.label}`);
  return matches;
}

// Source paths are relative to the source root whatever they look like: `/a`, `./a`, `../a` are `a`.
function cleanRelative(p: string): string {
  const cleaned = path.posix.normalize('/' + p).replace(/^\/+/, '').replace(/\/+$/, '');
  return cleaned === '' ? '.' : cleaned;
}

function globRoot(pattern: string, source: CopySource): string[] {
  let candidates = ['.'];
  for (const part of pattern.split('/')) {
    const next: string[] = [];
    for (const dir of candidates) {
      if (!/[*?[]/.test(part)) {
        next.push(dir === '.' ? part : `${dir}/${part}`);
        continue;
      }
      let names: string[] = [];
      try {
        names = readdirSync(secureJoin(source.dir, dir)).sort();
      } catch {
        names = [];
      }
      for (const n of names) if (globMatch(part, n)) next.push(dir === '.' ? n : `${dir}/${n}`);
    }
    candidates = next;
  }
  return candidates.filter((c) => {
    try {
      lstatSync(secureJoin(source.dir, c, false));
      return !source.filter.ignored(c);
    } catch {
      return false;
    }
  });
}

// Synchronous stat calls: a tree walk is thousands of tiny calls, each far cheaper without the
// thread pool round trip.
function walk(abs: string, rel: string, target: string, opts: Options): void {
  for (const d of readdirSync(abs, { withFileTypes: true })) {
    const childRel = rel === '.' ? d.name : `${rel}/${d.name}`;
    const childAbs = joinName(abs, d.name);
    const childTarget = joinName(target, d.name);
    const ignored = opts.filter.ignored(childRel) || opts.excluded(childRel);
    if (ignored && !(d.isDirectory() && opts.filter.hasExclusions)) continue;
    const st = lstatSync(childAbs);
    if (st.isDirectory()) {
      if (!ignored) opts.add(dirEntry(childTarget, st, opts));
      walk(childAbs, childRel, childTarget, opts);
    } else if (st.isSymbolicLink()) {
      opts.add({ path: childTarget, type: 'symlink', mode: 0o777, ...owner(st, opts), mtime: clamp(st.mtimeMs, opts.ctx), size: 0, linkTarget: readlinkSync(childAbs) });
    } else if (st.isFile()) {
      opts.add(fileEntry(childAbs, childTarget, st, opts));
    }
  }
}

// A folder (already clean) and one name from readdir: what path.join gives, without normalizing
// 20,000 paths again.
function joinName(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

function owner(st: Stats, opts: Options): Ownership {
  return opts.owner ?? { uid: st.uid, gid: st.gid };
}

function fileEntry(abs: string, target: string, st: Stats, opts: Options): LayerEntry {
  return {
    path: target,
    type: 'file',
    mode: opts.chmod ?? st.mode & 0o7777,
    ...owner(st, opts),
    mtime: clamp(st.mtimeMs, opts.ctx),
    size: st.size,
    sourcePath: abs,
    sourceStat: { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino },
  };
}

function dirEntry(target: string, st: Stats, opts: Options): LayerEntry {
  return { path: target, type: 'directory', mode: opts.chmod ?? st.mode & 0o7777, ...owner(st, opts), mtime: clamp(st.mtimeMs, opts.ctx), size: 0 };
}

// Every folder above the copied entries goes in the layer: missing ones are created 0755 and
// owned by the --chown user (root without one), existing ones keep their metadata (a runtime
// would otherwise create them root-owned and hide the real ones below).
function addParents(entries: LayerEntry[], state: StageState, ctx: StepContext, owner: Ownership, add: (e: LayerEntry) => void): void {
  const have = new Set(entries.map((e) => e.path));
  // Entries come folder by folder: one in the folder just checked needs nothing more.
  let checked = '';
  for (const e of entries) {
    const cut = e.path.lastIndexOf('/');
    if (cut > 0 && cut === checked.length && e.path.startsWith(checked)) continue;
    checked = cut > 0 ? e.path.slice(0, cut) : '';
    for (let dir = path.posix.dirname(e.path); dir !== '/' && !have.has(dir); dir = path.posix.dirname(dir)) {
      have.add(dir);
      add(folderEntry(dir, state, ctx, owner));
    }
  }
}

// A folder the copy writes into: an existing one keeps its metadata, a missing one is created.
function folderEntry(dir: string, state: StageState, ctx: StepContext, owner: Ownership): LayerEntry {
  const existing = state.fs.lookup(dir);
  if (existing && existing.type === 'directory') return { path: dir, type: 'directory', mode: existing.mode, uid: existing.uid, gid: existing.gid, mtime: ctx.now, size: 0 };
  return { path: dir, type: 'directory', mode: 0o755, ...owner, mtime: ctx.now, size: 0 };
}

function clamp(mtimeMs: number, ctx: StepContext): number {
  const seconds = Math.floor(mtimeMs / 1000);
  return ctx.clampMtime !== undefined ? Math.min(seconds, ctx.clampMtime) : seconds;
}
