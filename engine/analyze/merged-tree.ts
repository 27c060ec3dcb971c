import * as path from 'node:path';
import type { TarMember } from '../layer/tar-reader';
import { parseWhiteout } from '../layer/whiteout';
import type { FileChange, FileNode, PathEvent } from './model';

interface Live {
  member: TarMember;
  layer: number;
  history: PathEvent[];
}

/**
 * Applies layers in order, the way overlayfs stacks them, recording what each layer
 * changed and, for every path still visible at the end, which layers wrote it.
 */
export class MergedFilesystem {
  private readonly live = new Map<string, Live>();

  /** Applies one layer's members; returns its changes classified against the layers below. */
  apply(layer: number, members: TarMember[]): FileChange[] {
    const changes: FileChange[] = [];
    // Whiteouts act on the lower layers only, so apply them before this layer's own entries.
    for (const m of members) {
      const wh = parseWhiteout(m.path);
      if (!wh) continue;
      const target = wh.kind === 'delete' ? wh.target : wh.dir;
      const existed = this.live.get(target);
      if (wh.kind === 'delete') this.remove(target, true);
      else this.remove(target, false);
      changes.push({
        path: target,
        kind: wh.kind === 'delete' ? 'deleted' : 'opaque',
        type: existed?.member.type ?? (wh.kind === 'opaque' ? 'directory' : 'file'),
        size: 0,
        mode: existed?.member.mode ?? 0,
        uid: existed?.member.uid ?? 0,
        gid: existed?.member.gid ?? 0,
      });
    }
    for (const m of members) {
      if (parseWhiteout(m.path) || m.path === '/') continue;
      this.ensureParents(m.path, layer);
      const before = this.live.get(m.path);
      if (before && before.member.type === 'directory' && m.type !== 'directory') this.remove(m.path, false);
      const kind = before ? 'modified' : 'added';
      const size = m.type === 'file' ? m.size : 0;
      const history = [...(before?.history ?? []), { layer, kind, size } as PathEvent];
      this.live.set(m.path, { member: m, layer, history });
      changes.push({ path: m.path, kind, type: m.type, size, mode: m.mode, uid: m.uid, gid: m.gid, linkTarget: m.linkTarget });
    }
    return changes;
  }

  /** The visible entry at a path, if any ("/" is always a directory). */
  lookup(p: string): TarMember | undefined {
    if (p === '/') return { path: '/', type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 };
    return this.live.get(p)?.member;
  }

  /** Every visible path. */
  paths(): IterableIterator<string> {
    return this.live.keys();
  }

  /** The layer whose copy of a path is visible, if any. */
  layerOf(p: string): number | undefined {
    return this.live.get(p)?.layer;
  }

  /** An independent copy (a stage built FROM another stage continues from here). */
  clone(): MergedFilesystem {
    const copy = new MergedFilesystem();
    for (const [k, v] of this.live) copy.live.set(k, { ...v, history: [...v.history] });
    return copy;
  }

  /** The visible filesystem as a tree, children sorted by name, directory sizes summed. */
  tree(): FileNode {
    const root: FileNode = { name: '/', path: '/', type: 'directory', size: 0, mode: 0o755, uid: 0, gid: 0, layer: -1, history: [], children: [] };
    const nodes = new Map<string, FileNode>([['/', root]]);
    const paths = [...this.live.keys()].sort();
    for (const p of paths) {
      const { member, layer, history } = this.live.get(p)!;
      const node: FileNode = {
        name: path.posix.basename(p),
        path: p,
        type: member.type,
        size: member.type === 'file' ? member.size : 0,
        mode: member.mode,
        uid: member.uid,
        gid: member.gid,
        linkTarget: member.linkTarget,
        layer,
        history,
      };
      if (member.type === 'directory') node.children = [];
      nodes.set(p, node);
      nodes.get(path.posix.dirname(p))?.children?.push(node);
    }
    sumSizes(root);
    return root;
  }

  private ensureParents(p: string, layer: number): void {
    for (let dir = path.posix.dirname(p); dir !== '/' && !this.live.has(dir); dir = path.posix.dirname(dir)) {
      const member: TarMember = { path: dir, type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 };
      this.live.set(dir, { member, layer, history: [{ layer, kind: 'added', size: 0 }] });
    }
  }

  private remove(target: string, includingSelf: boolean): void {
    const prefix = target === '/' ? '/' : `${target}/`;
    for (const key of this.live.keys()) {
      if ((includingSelf && key === target) || key.startsWith(prefix)) this.live.delete(key);
    }
  }
}

function sumSizes(node: FileNode): number {
  if (!node.children) return node.size;
  node.children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  node.size = node.children.reduce((sum, c) => sum + sumSizes(c), 0);
  return node.size;
}
