import type { FileChange, FileNode, PathEvent, WastedPath } from './model';

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

type EndHow = 'replaced' | 'deleted' | 'cleared' | 'parent';

/**
 * One layer's record of a path: a copy (added or modified), or a deletion / opaque marker.
 * A copy of a regular file stores bytes (`data === this`); a hard link shows another copy's
 * bytes (`data` is that copy). Stored bytes die when no visible path shows them any more.
 */
class Copy {
  /** Stored bytes only: visible paths showing them now. */
  refs = 0;
  /** Stored bytes only: the layer that made them invisible for good. */
  killer = -1;
  endLayer = -1;
  endHow: EndHow | undefined = undefined;
  endVia: string | undefined = undefined;

  constructor(
    readonly layer: number,
    readonly change: FileChange,
    readonly node: PathNode,
    public data: Copy | undefined,
  ) {}
}

class PathNode {
  children: PathNode[] | undefined = undefined;
  copies: Copy[] | undefined = undefined;
  live: Copy | undefined = undefined;
  /** Bytes of dead content stored at this path, and at or below it. */
  wasted = 0;
  wastedBelow = 0;
  // dive's view: its stacked tree ignores opaque markers, so it can differ from ours.
  diveLive = false;
  diveDir = false;
  diveSize = 0;
  diveCount = 0;
  diveSum = 0;
  diveMin = 0;
  // Per-layer stamps (the layer index) for dive's leaf test, without sets.
  stampMember = -1;
  stampInner = -1;
  stampImplicit = -1;
  stampLeaf = -1;
  stampWhiteoutLeaf = -1;

  constructor(
    readonly name: string,
    readonly parent: PathNode | undefined,
    readonly path: string,
  ) {}

  addCopy(copy: Copy): void {
    (this.copies ??= []).push(copy);
  }
}

/** A change record made here (deletions, opaque markers, implied folders), in the scanner's shape. */
function record(path: string, kind: FileChange['kind'], type: FileChange['type'], mode: number, uid: number, gid: number, hides: number): FileChange {
  return { path, kind, type, size: 0, mode, uid, gid, mtime: undefined, linkTarget: undefined, digest: undefined, hides: hides > 0 ? hides : undefined, live: undefined, hiddenBy: undefined };
}

/** What a layer's application found. */
export interface AppliedLayer {
  changes: FileChange[];
  /** Sum of the file bytes it stores. */
  contentSize: number;
}

/** The result of stacking every layer. */
export interface StackResult {
  tree: FileNode;
  /** Per layer: bytes it stores that are not visible, and bytes of lower layers it hid. */
  wastedBytes: number[];
  hiddenBytes: number[];
  waste: WastedPath[];
  storedBytes: number;
  visibleBytes: number;
  /** Bytes of base layers hidden by layers after the base. */
  baseHiddenByUser: number;
  dive: { minimum: number; cumulative: number; wastedBytes: number };
}

/**
 * Stacks layers the way overlayfs does, keeping every copy of every path: which layer wrote it,
 * which one is visible, what each layer hid. Deleted paths stay known (dead), so their history
 * and waste are reported. Also keeps dive's view, to compute dive's figures exactly.
 *
 * Each stored file is counted once wherever it is hidden from: by a later copy (copy-up), a
 * deleted folder above it, an opaque folder, or the last of its hard links going: no double
 * counting. Members are the scanner's FileChange objects, used as the layer's changes.
 */
export class LayerStack {
  private readonly root: PathNode;
  private readonly nodes = new Map<string, PathNode>();
  private readonly stored: Copy[] = [];
  private layers = 0;
  private resolved: (PathNode | undefined)[] = [];
  private lastParent: PathNode;

  constructor() {
    this.root = new PathNode('', undefined, '/');
    this.root.live = new Copy(-1, record('/', 'added', 'directory', 0o755, 0, 0, 0), this.root, undefined);
    this.root.diveLive = true;
    this.root.diveDir = true;
    this.nodes.set('/', this.root);
    this.lastParent = this.root;
  }

  /** Applies layer `index` (layers must come in order). */
  apply(index: number, members: FileChange[]): AppliedLayer {
    this.layers = Math.max(this.layers, index + 1);
    // Resolve every member to its node once: whiteouts to their target, opaque markers to their folder.
    const resolved = this.resolved;
    resolved.length = members.length;
    const kinds = new Uint8Array(members.length); // 0 entry, 1 whiteout, 2 opaque, 3 root
    for (let i = 0; i < members.length; i++) {
      const p = members[i].path;
      if (p === '/') {
        kinds[i] = 3;
        resolved[i] = undefined;
        continue;
      }
      const slash = p.lastIndexOf('/');
      if (p.charCodeAt(slash + 1) === 0x2e && p.startsWith(WHITEOUT, slash + 1)) {
        const dir = slash === 0 ? '/' : p.slice(0, slash);
        if (p.length - slash - 1 === OPAQUE.length && p.endsWith(OPAQUE)) {
          kinds[i] = 2;
          resolved[i] = this.node(dir);
        } else if (p.length - slash - 1 === WHITEOUT.length) {
          // `.wh.` alone names nothing.
          kinds[i] = 3;
          resolved[i] = undefined;
        } else {
          kinds[i] = 1;
          resolved[i] = this.node(`${slash === 0 ? '' : dir}/${p.slice(slash + 1 + WHITEOUT.length)}`);
        }
      } else resolved[i] = this.node(p);
    }
    this.diveLayer(index, members, kinds);

    const changes: FileChange[] = [];
    // Whiteouts act on the layers below only, wherever they sit in the tar.
    for (let i = 0; i < members.length; i++) {
      const kind = kinds[i];
      if (kind !== 1 && kind !== 2) continue;
      const node = resolved[i]!;
      if (kind === 2) {
        let hides = 0;
        if (node.children) for (const c of node.children) hides += this.kill(c, index, 'cleared', node.path);
        const c = node.live?.change;
        const change = record(node.path, 'opaque', 'directory', c?.mode ?? 0o755, c?.uid ?? 0, c?.gid ?? 0, hides);
        node.addCopy(new Copy(index, change, node, undefined));
        changes.push(change);
        continue;
      }
      const before = node.live?.change;
      const hides = this.kill(node, index, 'deleted', undefined);
      const change = record(node.path, 'deleted', before?.type ?? 'file', before?.mode ?? 0, before?.uid ?? 0, before?.gid ?? 0, hides);
      node.addCopy(new Copy(index, change, node, undefined));
      changes.push(change);
    }
    let contentSize = 0;
    for (let i = 0; i < members.length; i++) {
      if (kinds[i] !== 0) continue;
      const m = members[i];
      const node = resolved[i]!;
      this.ensureParents(node, index);
      const prev = node.live;
      const copy = new Copy(index, m, node, undefined);
      if (m.type === 'file') {
        copy.data = copy;
        this.stored.push(copy);
        contentSize += m.size;
      } else if (m.type === 'hardlink' && m.linkTarget) {
        copy.data = this.nodes.get(m.linkTarget)?.live?.data;
      }
      // Take the new reference before dropping the old one: a link to this very path's old copy keeps it.
      if (copy.data) copy.data.refs++;
      let hides = 0;
      if (prev) {
        if (prev.change.type === 'directory' && m.type !== 'directory' && node.children) {
          for (const c of node.children) hides += this.kill(c, index, 'parent', node.path);
        }
        hides += this.end(prev, index, 'replaced', undefined);
      }
      m.kind = prev ? 'modified' : 'added';
      if (hides > 0) m.hides = hides;
      node.addCopy(copy);
      node.live = copy;
      changes.push(m);
    }
    return { changes, contentSize };
  }

  /** The node of a path, created (dead) with its ancestors when new. */
  private node(p: string): PathNode {
    const found = this.nodes.get(p);
    if (found) return found;
    const slash = p.lastIndexOf('/');
    // Tar members come folder by folder: the last parent is usually this one's too.
    let parent = this.lastParent;
    const pp = parent.path;
    if (!(slash === pp.length && p.startsWith(pp) && (slash > 0 || pp === '/'))) {
      parent = this.node(slash <= 0 ? '/' : p.slice(0, slash));
      this.lastParent = parent;
    }
    const n = new PathNode(p.slice(slash + 1), parent, p);
    (parent.children ??= []).push(n);
    this.nodes.set(p, n);
    return n;
  }

  /**
   * Makes every ancestor of `node` a visible folder: missing ones are implied by this layer, files
   * and links in the way are replaced. (A visible node's ancestors are always visible folders.)
   */
  private ensureParents(node: PathNode, layer: number): void {
    const parent = node.parent;
    if (!parent || parent === this.root || parent.live?.change.type === 'directory') return;
    const missing: PathNode[] = [];
    for (let a: PathNode | undefined = parent; a && a !== this.root && a.live?.change.type !== 'directory'; a = a.parent) missing.push(a);
    for (let i = missing.length - 1; i >= 0; i--) {
      const a = missing[i];
      const live = a.live;
      const hides = live ? this.end(live, layer, 'replaced', undefined) : 0;
      const change = record(a.path, live ? 'modified' : 'added', 'directory', 0o755, 0, 0, hides);
      const copy = new Copy(layer, change, a, undefined);
      a.addCopy(copy);
      a.live = copy;
    }
  }

  /** Makes a path and everything visible below it invisible; returns the bytes that died. */
  private kill(node: PathNode, layer: number, how: EndHow, via: string | undefined): number {
    if (!node.live) return 0;
    let bytes = 0;
    const stack: PathNode[] = [node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      const live = n.live;
      if (!live) continue;
      bytes += this.end(live, layer, how, n === node ? via : (via ?? node.path));
      n.live = undefined;
      if (n.children) for (const c of n.children) if (c.live) stack.push(c);
    }
    return bytes;
  }

  private end(copy: Copy, layer: number, how: EndHow, via: string | undefined): number {
    copy.endLayer = layer;
    copy.endHow = how;
    copy.endVia = via;
    const data = copy.data;
    if (!data) return 0;
    if (--data.refs > 0) return 0;
    data.killer = layer;
    return data.change.size;
  }

  /**
   * dive's bookkeeping for one layer (filetree/efficiency.go): every leaf of the layer's tree adds
   * its size to its path's list; a whiteout's size is that of the whole folder it deletes in the
   * stack below (0 for a file); opaque markers are not part of dive's trees at all. Then the
   * layer is stacked onto dive's view (whiteouts remove, entries and implied folders replace).
   */
  private diveLayer(index: number, members: FileChange[], kinds: Uint8Array): void {
    const resolved = this.resolved;
    for (let i = 0; i < members.length; i++) if (kinds[i] === 0) resolved[i]!.stampMember = index;
    const implicit: PathNode[] = [];
    const markUp = (from: PathNode | undefined) => {
      for (let a = from; a && a !== this.root && a.stampInner !== index; a = a.parent) {
        a.stampInner = index;
        if (a.stampMember !== index && a.stampImplicit !== index) {
          a.stampImplicit = index;
          implicit.push(a);
        }
      }
    };
    for (let i = 0; i < members.length; i++) {
      const kind = kinds[i];
      const n = resolved[i];
      if (!n) continue;
      if (kind === 2) {
        // The marker is no node of dive's tree, but its folder is (a leaf if nothing else is inside).
        if (n !== this.root && n.stampMember !== index && n.stampImplicit !== index) {
          n.stampImplicit = index;
          implicit.push(n);
        }
        markUp(n.parent);
      } else markUp(n.parent);
    }
    const leaves: PathNode[] = [];
    const sizes: number[] = [];
    for (let i = 0; i < members.length; i++) {
      const kind = kinds[i];
      const n = resolved[i];
      if (!n) continue;
      if (kind === 1) {
        if (n.stampWhiteoutLeaf === index) continue;
        n.stampWhiteoutLeaf = index;
        leaves.push(n);
        sizes.push(n.diveLive && n.diveDir ? diveSubtreeSize(n) : 0);
      } else if (kind === 0 && n.stampInner !== index && n.stampLeaf !== index) {
        n.stampLeaf = index;
        leaves.push(n);
        sizes.push(members[i].size);
      }
    }
    for (const n of implicit) {
      if (n.stampInner === index) continue;
      leaves.push(n);
      sizes.push(0);
    }
    for (let k = 0; k < leaves.length; k++) {
      const n = leaves[k];
      const size = sizes[k];
      n.diveSum += size;
      n.diveMin = n.diveCount === 0 ? size : Math.min(n.diveMin, size);
      n.diveCount++;
    }
    for (let i = 0; i < members.length; i++) {
      const kind = kinds[i];
      const n = resolved[i];
      if (!n) continue;
      if (kind === 1) diveRemove(n);
      else if (kind === 0) {
        n.diveLive = true;
        n.diveDir = members[i].type === 'directory';
        n.diveSize = members[i].size;
      }
    }
    for (const n of implicit) {
      n.diveLive = true;
      n.diveDir = false;
      n.diveSize = 0;
    }
  }

  /** The final filesystem (built when first read) and the waste figures. */
  finish(baseLayers = 0): StackResult {
    const wastedBytes = new Array<number>(this.layers).fill(0);
    const hiddenBytes = new Array<number>(this.layers).fill(0);
    let storedBytes = 0;
    let visibleBytes = 0;
    let baseHiddenByUser = 0;
    for (const c of this.stored) {
      const size = c.change.size;
      storedBytes += size;
      if (c.refs > 0) {
        visibleBytes += size;
        continue;
      }
      wastedBytes[c.layer] += size;
      if (c.killer >= 0) hiddenBytes[c.killer] += size;
      if (c.layer < baseLayers && c.killer >= baseLayers) baseHiddenByUser += size;
      c.node.wasted += size;
    }
    // Every node, dead or alive: dive's sums, waste, and each copy's final state.
    const waste: WastedPath[] = [];
    let diveMin = 0;
    let diveCum = 0;
    let diveWasted = 0;
    for (const n of this.nodes.values()) {
      if (n.diveCount > 0) {
        diveMin += n.diveMin;
        diveCum += n.diveSum;
        if (n.diveCount >= 2) diveWasted += n.diveSum;
      }
      const copies = n.copies;
      if (copies) {
        for (const copy of copies) {
          const c = copy.change;
          if (c.kind === 'deleted' || c.kind === 'opaque') continue;
          c.live = copy === n.live;
          if (copy.endLayer >= 0) c.hiddenBy = copy.endLayer;
        }
      }
      if (n.wasted > 0) {
        for (let a: PathNode | undefined = n; a; a = a.parent) a.wastedBelow += n.wasted;
        waste.push({
          path: n.path,
          bytes: n.wasted,
          visible: n.live !== undefined,
          copies: (copies ?? []).map((c) => (c.endLayer >= 0 ? { layer: c.layer, kind: c.change.kind, size: c.change.size, hiddenBy: c.endLayer } : { layer: c.layer, kind: c.change.kind, size: c.change.size })),
        });
      }
    }
    waste.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

    // The visible tree: each stored file counted once in folder sizes (the first path showing it).
    const counted = new Set<Copy>();
    let countedSize = 0;
    const build = (n: PathNode): FileNode => {
      const live = n.live!;
      const c = live.change;
      const data = live.data;
      const dir = c.type === 'directory';
      // One object shape for every node (optional fields present, undefined when not set).
      const node: FileNode = {
        name: n === this.root ? '/' : n.name,
        path: n.path,
        type: c.type,
        size: 0,
        mode: c.mode,
        uid: c.uid,
        gid: c.gid,
        linkTarget: c.linkTarget,
        layer: live.layer,
        history: n === this.root ? [] : historyOf(n),
        children: undefined,
        digest: data?.change.digest,
        mtime: c.mtime,
        wasted: n.wastedBelow > 0 ? n.wastedBelow : undefined,
        count: undefined,
      };
      if (!dir) {
        countedSize = 0;
        if (data) {
          node.size = data.change.size;
          if (data.refs <= 1 || !counted.has(data)) {
            if (data.refs > 1) counted.add(data);
            countedSize = node.size;
          }
        }
        return node;
      }
      const kids: FileNode[] = [];
      let size = 0;
      let count = 0;
      const children = n.children;
      if (children) {
        children.sort(byName);
        for (let i = 0; i < children.length; i++) {
          const child = children[i];
          if (!child.live) continue;
          const k = build(child);
          kids.push(k);
          size += countedSize;
          count += 1 + (k.count ?? 0);
        }
      }
      node.size = size;
      node.children = kids;
      node.count = count;
      countedSize = size;
      return node;
    };
    // The visible tree is a view for output (JSON, the tree view, --depth): built on first use, once.
    let tree: FileNode | undefined;
    const root = this.root;
    return {
      get tree(): FileNode {
        if (!tree) {
          tree = build(root);
          tree.layer = -1;
        }
        return tree;
      },
      wastedBytes,
      hiddenBytes,
      waste,
      storedBytes,
      visibleBytes,
      baseHiddenByUser,
      dive: { minimum: diveMin, cumulative: diveCum, wastedBytes: diveWasted },
    };
  }
}

function byName(a: PathNode, b: PathNode): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function historyOf(n: PathNode): PathEvent[] {
  const copies = n.copies ?? [];
  const events: PathEvent[] = [];
  for (let i = 0; i < copies.length; i++) {
    const copy = copies[i];
    const c = copy.change;
    const e: PathEvent = { layer: copy.layer, kind: c.kind, size: c.size };
    if (c.kind !== 'deleted' && c.kind !== 'opaque') {
      e.mode = c.mode;
      if (copy.data?.change.digest) e.digest = copy.data.change.digest;
      if (copy === n.live) e.live = true;
    }
    events.push(e);
    // A copy that died with a folder above it: say so, unless the next record is that deletion.
    if (copy.endHow !== undefined && copy.endHow !== 'replaced') {
      const next = copies[i + 1];
      if (!(next && next.layer === copy.endLayer && next.change.kind === 'deleted')) {
        const d: PathEvent = { layer: copy.endLayer, kind: 'deleted', size: 0 };
        if (copy.endVia) d.via = copy.endVia;
        events.push(d);
      }
    }
  }
  return events;
}

function diveSubtreeSize(n: PathNode): number {
  let sum = 0;
  const stack = [n];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (!x.diveLive) continue;
    sum += x.diveSize;
    if (x.children) for (const c of x.children) stack.push(c);
  }
  return sum;
}

function diveRemove(n: PathNode): void {
  const stack = [n];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (!x.diveLive) continue;
    x.diveLive = false;
    if (x.children) for (const c of x.children) stack.push(c);
  }
}
