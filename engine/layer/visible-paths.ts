import * as path from 'node:path';
import type { TarMember } from './tar-reader';
import { parseWhiteout } from './whiteout';

interface Live {
  member: TarMember;
  layer: number;
}

/**
 * The visible paths of a stack of layers, applied in order the way overlayfs stacks them: what
 * a build asks while it runs (does the COPY destination exist, which layer holds /etc/passwd).
 * Layers are applied when something is first asked: a rebuild whose cached steps nobody
 * questions afterwards never applies them. (The analysis of an image, with histories, waste and
 * sizes, is analyze/layer-stack.ts.)
 */
export class VisiblePaths {
  private readonly live = new Map<string, Live>();
  private pending: { layer: number; members: TarMember[] | (() => TarMember[]) }[] = [];

  /** Stacks one layer's members on top (applied, and a loader called, when the filesystem is next read). */
  apply(layer: number, members: TarMember[] | (() => TarMember[])): void {
    this.pending.push({ layer, members });
  }

  /** The visible entry at a path, if any ("/" is always a directory). */
  lookup(p: string): TarMember | undefined {
    if (p === '/') return { path: '/', type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 };
    this.settle();
    return this.live.get(p)?.member;
  }

  /** Every visible path. */
  paths(): IterableIterator<string> {
    this.settle();
    return this.live.keys();
  }

  /** The layer whose copy of a path is visible, if any. */
  layerOf(p: string): number | undefined {
    this.settle();
    return this.live.get(p)?.layer;
  }

  /** An independent copy (a stage built FROM another stage continues from here). */
  clone(): VisiblePaths {
    const copy = new VisiblePaths();
    for (const [k, v] of this.live) copy.live.set(k, v);
    copy.pending = [...this.pending];
    return copy;
  }

  private settle(): void {
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    for (const { layer, members } of pending) this.stack(layer, typeof members === 'function' ? members() : members);
  }

  private stack(layer: number, members: TarMember[]): void {
    // Whiteouts act on the lower layers only, so apply them before this layer's own entries.
    for (const m of members) {
      const wh = parseWhiteout(m.path);
      if (!wh) continue;
      if (wh.kind === 'delete') this.remove(wh.target, true);
      else this.remove(wh.dir, false);
    }
    for (const m of members) {
      if (m.path === '/' || parseWhiteout(m.path)) continue;
      this.ensureParents(m.path, layer);
      const before = this.live.get(m.path);
      if (before && before.member.type === 'directory' && m.type !== 'directory') this.remove(m.path, false);
      this.live.set(m.path, { member: m, layer });
    }
  }

  private ensureParents(p: string, layer: number): void {
    for (let dir = path.posix.dirname(p); dir !== '/' && !this.live.has(dir); dir = path.posix.dirname(dir)) {
      this.live.set(dir, { member: { path: dir, type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 }, layer });
    }
  }

  private remove(target: string, includingSelf: boolean): void {
    const prefix = target === '/' ? '/' : `${target}/`;
    for (const key of this.live.keys()) {
      if ((includingSelf && key === target) || key.startsWith(prefix)) this.live.delete(key);
    }
  }
}
