import { lstatSync, readdirSync, readFileSync, statfsSync, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';

/**
 * Filesystems on which inotify sees every change made on this machine (local disks, tmpfs,
 * overlay). Network and FUSE filesystems are left out: a change made by another machine, or
 * behind a FUSE daemon, raises no event, so a watch there would vouch for a stale tree.
 */
const LOCAL_FILESYSTEMS = new Set([
  0xef53, // ext2/3/4
  0x58465342, // xfs
  0x9123683e, // btrfs
  0x01021994, // tmpfs
  0x858458f6, // ramfs
  0x794c7630, // overlayfs
  0x2fc12fc1, // zfs
  0xf2f52010, // f2fs
  0x52654973, // reiserfs
  0x3153464a, // jfs
]);

/** How many folders and files one context may have before watching it costs too much (inotify watches are a per-user limit). */
export const MAX_WATCHES = 60_000;

// The user's inotify watches are shared with every other watcher they run (VS Code's own file
// watcher first): this process takes at most a quarter of them, across all its contexts.
const PROCESS_WATCHES = Math.floor(readProcNumber('/proc/sys/fs/inotify/max_user_watches', 8192) / 4);
let processWatches = 0;

// libuv reads every watch of the process through one inotify instance. The kernel drops events
// only once max_queued_events are waiting unread, and those that were queued are still
// delivered; so fewer deliveries than that since a context's last snapshot prove none of its
// events were dropped. Half the queue leaves room for events already queued at the snapshot.
/** Events delivered (to every watch of the process) after which a snapshot reads its whole tree again. */
export const STORM_EVENTS = Math.floor(readProcNumber('/proc/sys/fs/inotify/max_queued_events', 16384) / 2);
let deliveredEvents = 0;

function readProcNumber(file: string, fallback: number): number {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isFinite(n) && n > 0 ? n : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Watches a build context (inotify through fs.watch) so a long-lived process can tell that
 * nothing in it changed since a snapshot without stat-ing every file. Each folder is watched
 * before it is read, so a change is either seen by the read or reported by the watch; each
 * regular file is watched too, since a write through a hard link in another folder, or a link
 * made to it from elsewhere, tells none of the context's folders (a symlink's own changes reach
 * its folder; COPY copies the link, not what it points to). Paths the build cannot read
 * (`ignored`: .dockerignore without exceptions) are not watched. When the watch cannot be
 * trusted (a network filesystem, too many paths, the watch limit, an error) every question
 * answers "changed".
 */
export class ContextWatcher {
  private generation = 0;
  /** Watched folders, each with the watches of the files it holds (by name) and its watched subfolders. */
  private readonly dirs = new Map<string, WatchedDir>();
  private watchCount = 0;
  /** Folders with an event since the last snapshot: read again (and new subfolders watched) by the next one. */
  private readonly touched = new Set<string>();
  private untrusted: string | undefined;
  private deliveredAtSnapshot = deliveredEvents;
  private closed = false;

  private constructor(
    readonly root: string,
    private readonly maxWatches: number,
    private readonly ignored: (rel: string) => boolean,
  ) {}

  /** Starts watching the tree at `root` (read once, folder by folder), leaving out what `ignored` says the build never reads. */
  static open(root: string, options: { maxWatches?: number; ignored?: (rel: string) => boolean } = {}): ContextWatcher {
    const w = new ContextWatcher(path.resolve(root), options.maxWatches ?? MAX_WATCHES, options.ignored ?? (() => false));
    w.untrusted = localFilesystemProblem(w.root);
    if (!w.untrusted) w.scan(w.root, true);
    return w;
  }

  /** Why this watch cannot vouch for the tree, or undefined when it can. */
  get problem(): string | undefined {
    return this.untrusted;
  }

  /** How many folders and files are watched. */
  get watches(): number {
    return this.watchCount;
  }

  /**
   * A token for the tree as it is now: events already queued by the kernel are taken in first
   * (a file saved before this call is never missed), folders that changed are read again, and
   * the token changes whenever anything under the root changes after it. Undefined when the
   * watch cannot be trusted.
   */
  async snapshot(): Promise<number | undefined> {
    await settle();
    if (deliveredEvents - this.deliveredAtSnapshot >= STORM_EVENTS) {
      // So many events that some may have been dropped: read the whole tree again.
      this.generation++;
      this.touched.clear();
      this.unwatchAll();
      this.scan(this.root, true);
    }
    this.deliveredAtSnapshot = deliveredEvents;
    for (const dir of [...this.touched]) {
      this.touched.delete(dir);
      if (this.dirs.has(dir)) this.scan(dir, false);
    }
    return this.untrusted || this.closed ? undefined : this.generation;
  }

  /** Whether anything under the root may have changed since `token` (true for an undefined token). */
  changedSince(token: number | undefined): boolean {
    return token === undefined || this.untrusted !== undefined || this.closed || token !== this.generation;
  }

  /** Stops every watch. */
  close(): void {
    this.closed = true;
    this.unwatchAll();
  }

  private changed(dir: string): void {
    deliveredEvents++;
    this.generation++;
    this.touched.add(dir);
  }

  private distrust(why: string): void {
    if (this.untrusted) return;
    this.untrusted = why;
    this.generation++;
    this.unwatchAll();
  }

  private unwatchAll(): void {
    for (const d of this.dirs.values()) {
      d.watcher.close();
      for (const f of d.files.values()) f.close();
    }
    this.dirs.clear();
    this.count(-this.watchCount);
  }

  private count(n: number): void {
    this.watchCount += n;
    processWatches += n;
  }

  // Whether one more watch fits this context's and the process's budgets (distrusted if not).
  private room(): boolean {
    if (this.watchCount >= this.maxWatches) this.distrust(`more than ${this.maxWatches} paths to watch`);
    else if (processWatches >= PROCESS_WATCHES) this.distrust(`the process already holds ${processWatches} inotify watches, a quarter of the user's limit`);
    return this.untrusted === undefined;
  }

  // Watches `dir` (if it is not yet), then reads it: its files are watched afresh (a name may
  // now be another inode), new subfolders are scanned the same way (`deep` reads known ones
  // again too), and what is gone loses its watch.
  private scan(dir: string, deep: boolean): void {
    if (this.untrusted || this.closed) return;
    const watched = this.watchDir(dir);
    if (!watched) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return this.forget(dir);
      return this.distrust(`cannot read ${dir}: ${(e as Error).message}`);
    }
    for (const f of watched.files.values()) f.close();
    this.count(-watched.files.size);
    watched.files.clear();
    const before = watched.subdirs;
    watched.subdirs = new Set();
    let dev: number | undefined;
    for (const d of entries) {
      const abs = `${dir}/${d.name}`;
      if (this.ignored(abs.slice(this.root.length + 1))) continue;
      if (d.isDirectory()) {
        watched.subdirs.add(abs);
        if (deep || !this.dirs.has(abs)) {
          dev ??= deviceOf(dir);
          if (this.mountedElsewhere(dev, abs)) return;
          this.scan(abs, deep);
        }
      } else if (d.isFile()) this.watchFile(watched.files, dir, d.name);
      if (this.untrusted) return;
    }
    // Subfolders that disappeared (their own watch usually says so first).
    for (const gone of before) if (!watched.subdirs.has(gone)) this.forget(gone);
  }

  private watchDir(dir: string): WatchedDir | undefined {
    const known = this.dirs.get(dir);
    if (known) return known;
    if (!this.room()) return undefined;
    try {
      // A folder reports its ignored children too: those events are not changes the build can see.
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (typeof name === 'string' && dir.length + name.length > this.root.length && this.ignored(`${dir}/${name}`.slice(this.root.length + 1))) return;
        this.changed(dir);
      });
      watcher.on('error', () => this.changed(dir));
      const entry: WatchedDir = { watcher, files: new Map(), subdirs: new Set() };
      this.dirs.set(dir, entry);
      this.count(1);
      return entry;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      // ENOSPC is the user's inotify watch limit.
      this.distrust(`cannot watch ${dir}: ${(e as Error).message}`);
      return undefined;
    }
  }

  private watchFile(files: Map<string, FSWatcher>, dir: string, name: string): void {
    if (!this.room()) return;
    try {
      const w = watch(`${dir}/${name}`, { persistent: false }, () => this.changed(dir));
      w.on('error', () => this.changed(dir));
      files.set(name, w);
      this.count(1);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A file gone since the folder was read (its folder's watch says so), or one the build cannot read either.
      if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EACCES') this.distrust(`cannot watch ${dir}/${name}: ${(e as Error).message}`);
    }
  }

  // A folder on another device than its parent's (a mount inside the context) must be local too.
  private mountedElsewhere(parentDev: number | undefined, dir: string): boolean {
    const dev = deviceOf(dir);
    if (parentDev === undefined || dev === undefined || dev === parentDev) return false;
    const problem = localFilesystemProblem(dir);
    if (problem) this.distrust(problem);
    return problem !== undefined;
  }

  private forget(dir: string): void {
    const prefix = `${dir}/`;
    for (const [d, entry] of [...this.dirs]) {
      if (d === dir || d.startsWith(prefix)) {
        entry.watcher.close();
        for (const f of entry.files.values()) f.close();
        this.count(-1 - entry.files.size);
        this.dirs.delete(d);
      }
    }
  }
}

interface WatchedDir {
  watcher: FSWatcher;
  files: Map<string, FSWatcher>;
  subdirs: Set<string>;
}

function deviceOf(dir: string): number | undefined {
  try {
    return lstatSync(dir).dev;
  } catch {
    return undefined;
  }
}

/** Why changes under `dir` could go unreported by inotify (a network or FUSE filesystem), or undefined. */
export function localFilesystemProblem(dir: string): string | undefined {
  try {
    const type = statfsSync(dir).type;
    return LOCAL_FILESYSTEMS.has(type) ? undefined : `${dir} is on a filesystem (type 0x${type.toString(16)}) whose changes inotify may not see`;
  } catch (e) {
    return `cannot tell the filesystem of ${dir}: ${(e as Error).message}`;
  }
}

// Two turns of the event loop: the first may land in the check phase of the turn already
// under way; the second comes after a full poll phase, in which libuv reads every inotify
// event the kernel has queued.
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
