import * as path from 'node:path';
import { ContextWatcher } from '../../context/context-watch';
import { StatCache } from '../../context/stat-cache';
import type { ContextFilter } from '../steps/copy';

/** What a long-lived process remembers of one watched build context between builds. */
interface WarmContext {
  watcher: ContextWatcher;
  /** COPY signature -> the content digest of what it copied, and the snapshot it was read under. */
  copies: Map<string, { digest: string; token: number }>;
  lastUsed: number;
}

/** One build's view of a warm context: what it may reuse, and where it records what it read. */
export interface WarmBuild {
  /** The content digest a COPY with this signature had, when nothing in the context changed since. */
  copyDigest(signature: string): string | undefined;
  /** Records what a COPY read, valid while the context is unchanged since this build began. */
  rememberCopy(signature: string, digest: string): void;
  /** Why the context is not watched (then nothing is reused), or undefined. */
  readonly problem: string | undefined;
}

export interface WarmContextsOptions {
  /** Contexts watched at once; the least recently built is dropped first. Default 8. */
  maxContexts?: number;
  /** A context not built for this long stops being watched. Default 30 minutes. */
  idleMs?: number;
}

/**
 * The memory a long-lived process (the language server) keeps of the contexts it builds: a
 * watch on each, so a rebuild of an unchanged context reuses what its COPY steps read instead
 * of walking and hashing it again, and the stat caches kept loaded. A process that builds once
 * (the CLI) has no use for it. Counters say what was reused (for tests and logs).
 */
export class WarmContexts {
  private readonly contexts = new Map<string, WarmContext>();
  /** Stat caches by context and store folder, kept loaded. */
  private readonly stats = new Map<string, { cache: StatCache; lastUsed: number }>();
  private readonly sweep: NodeJS.Timeout;
  private readonly maxContexts: number;
  private readonly idleMs: number;
  readonly counters = { copyHits: 0, copyMisses: 0 };

  constructor(options: WarmContextsOptions = {}) {
    this.maxContexts = options.maxContexts ?? 8;
    this.idleMs = options.idleMs ?? 30 * 60_000;
    this.sweep = setInterval(() => this.dropIdle(Date.now()), Math.min(this.idleMs, 60_000)).unref();
  }

  /** The stat cache of a context for a store's cache folder, loaded once and kept (its keys are stat results, so it is never stale). */
  statCache(contextDir: string, cacheDir: string): StatCache {
    const root = path.resolve(contextDir);
    const key = `${root}\0${cacheDir}`;
    let known = this.stats.get(key);
    if (!known) {
      known = { cache: StatCache.open(cacheDir, root), lastUsed: 0 };
      this.stats.set(key, known);
    }
    known.lastUsed = Date.now();
    return known.cache;
  }

  /**
   * Begins a build's reads of `contextDir` through `filter` (its .dockerignore), before the
   * first of them: watches the context
   * (from now on, if it was not; what the filter leaves out, unless it has `!` exceptions, is
   * not watched) and takes a snapshot.
   */
  async begin(contextDir: string, filter: ContextFilter): Promise<WarmBuild> {
    const root = path.resolve(contextDir);
    const key = `${root}\0${filter.signature}`;
    const now = Date.now();
    this.dropIdle(now);
    let ctx = this.contexts.get(key);
    if (!ctx) {
      const ignored = filter.hasExclusions ? undefined : (rel: string) => filter.ignored(rel);
      ctx = { watcher: ContextWatcher.open(root, { ignored }), copies: new Map(), lastUsed: now };
      this.contexts.set(key, ctx);
      this.dropOldest();
    }
    ctx.lastUsed = now;
    const context = ctx;
    const token = await context.watcher.snapshot();
    const counters = this.counters;
    return {
      problem: context.watcher.problem,
      copyDigest(signature) {
        const known = context.copies.get(signature);
        const reusable = known !== undefined && token !== undefined && known.token === token && !context.watcher.changedSince(token);
        if (reusable) counters.copyHits++;
        else counters.copyMisses++;
        return reusable ? known.digest : undefined;
      },
      rememberCopy(signature, digest) {
        if (token === undefined) return;
        // Only what was read under the current snapshot is kept: older records can never match again.
        for (const [sig, known] of context.copies) if (known.token !== token) context.copies.delete(sig);
        context.copies.set(signature, { digest, token });
      },
    };
  }

  /** How many contexts are watched now. */
  get watchedContexts(): number {
    return this.contexts.size;
  }

  /** Stops watching every context and forgets the stat caches. */
  close(): void {
    clearInterval(this.sweep);
    for (const ctx of this.contexts.values()) ctx.watcher.close();
    this.contexts.clear();
    this.stats.clear();
  }

  private dropIdle(now: number): void {
    for (const [key, ctx] of this.contexts) {
      if (now - ctx.lastUsed > this.idleMs) {
        ctx.watcher.close();
        this.contexts.delete(key);
      }
    }
    for (const [key, known] of this.stats) if (now - known.lastUsed > this.idleMs) this.stats.delete(key);
  }

  private dropOldest(): void {
    while (this.contexts.size > this.maxContexts) {
      const [root, ctx] = [...this.contexts].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
      ctx.watcher.close();
      this.contexts.delete(root);
    }
  }
}
