import * as path from 'node:path';
import { ContextWatcher } from '../../context/context-watch';
import { StatCache } from '../../context/stat-cache';
import type { ContextFilter } from '../steps/copy';

/** What a long-lived process remembers of one build context between builds. */
interface WarmContext {
  watcher: ContextWatcher;
  /** COPY signature -> the content digest of what it copied, and the snapshot it was read under. */
  copies: Map<string, { digest: string; token: number }>;
  /** Stat caches by store folder, kept loaded. */
  stats: Map<string, StatCache>;
  lastUsed: number;
}

/** One build's view of a warm context: what it may reuse, and where it records what it read. */
export interface WarmBuild {
  /** The content digest a COPY with this signature had, when nothing in the context changed since. */
  copyDigest(signature: string): string | undefined;
  /** Records what a COPY read, valid while the context is unchanged since this build began. */
  rememberCopy(signature: string, digest: string): void;
  /** The context's stat cache for this store, loaded once per process. */
  statCache(cacheDir: string): StatCache;
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
  private readonly maxContexts: number;
  private readonly idleMs: number;
  readonly counters = { copyHits: 0, copyMisses: 0 };

  constructor(options: WarmContextsOptions = {}) {
    this.maxContexts = options.maxContexts ?? 8;
    this.idleMs = options.idleMs ?? 30 * 60_000;
  }

  /**
   * Begins a build of `contextDir` through `filter` (its .dockerignore): watches the context
   * (from now on, if it was not; what the filter leaves out, unless it has `!` exceptions, is
   * not watched) and takes a snapshot.
   */
  async begin(contextDir: string, filter: ContextFilter): Promise<WarmBuild> {
    const root = path.resolve(contextDir);
    const key = `${root}\0${filter.signature ?? ''}`;
    const now = Date.now();
    this.dropIdle(now);
    let ctx = this.contexts.get(key);
    if (!ctx) {
      const ignored = filter.hasExclusions || filter.signature === undefined ? undefined : (rel: string) => filter.ignored(rel);
      ctx = { watcher: ContextWatcher.open(root, { ignored }), copies: new Map(), stats: new Map(), lastUsed: now };
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
      statCache(cacheDir) {
        let cache = context.stats.get(cacheDir);
        if (!cache) {
          cache = StatCache.open(cacheDir, root);
          context.stats.set(cacheDir, cache);
        }
        return cache;
      },
    };
  }

  /** Stops watching every context. */
  close(): void {
    for (const ctx of this.contexts.values()) ctx.watcher.close();
    this.contexts.clear();
  }

  private dropIdle(now: number): void {
    for (const [root, ctx] of this.contexts) {
      if (now - ctx.lastUsed > this.idleMs) {
        ctx.watcher.close();
        this.contexts.delete(root);
      }
    }
  }

  private dropOldest(): void {
    while (this.contexts.size > this.maxContexts) {
      const [root, ctx] = [...this.contexts].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
      ctx.watcher.close();
      this.contexts.delete(root);
    }
  }
}
