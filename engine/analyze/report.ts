import type { FileChange, FileNode, ImageAnalysis, LayerAnalysis, PathEvent } from './model';

/** Version of the `inspect --json` document (docs/analysis.md). Bumped only on breaking changes. */
export const REPORT_SCHEMA_VERSION = 1;

/**
 * Writes `inspect --json`: the documented, stable projection of the analysis. Streamed one
 * record at a time (each array element on its own line), so a 500,000-file image never becomes
 * one huge string. `extra` adds top-level fields (the CI verdict).
 */
export async function writeReport(image: ImageAnalysis, write: (chunk: string | Buffer) => Promise<void> | void, extra: Record<string, unknown> = {}): Promise<void> {
  const out = new ChunkWriter(write);
  const head = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    image: {
      name: image.name,
      ref: image.ref ?? null,
      digest: image.digest,
      configDigest: image.configDigest,
      os: image.os,
      architecture: image.architecture,
      variant: image.variant ?? null,
      created: image.created ?? null,
      source: image.source ?? null,
      compressedSize: image.size,
      uncompressedSize: image.uncompressedSize ?? null,
      visibleSize: image.tree.size,
      layerCount: image.layers.length,
      dockerfile: image.dockerfile ?? null,
      contentDigests: image.contentDigests === true,
    },
    base: image.base ?? null,
    groups: image.groups ?? [],
    efficiency: image.efficiency ?? null,
    ...extra,
  };
  const headText = JSON.stringify(head, null, 2);
  await out.add(headText.slice(0, headText.lastIndexOf('}')).trimEnd());
  await out.add(',\n  "layers": [');
  for (const [i, layer] of image.layers.entries()) {
    await out.add(`${i === 0 ? '' : ','}\n    ${JSON.stringify(layerHead(layer)).slice(0, -1)},"changes":[`);
    for (let j = 0; j < layer.files.length; j++) {
      out.push(`${j === 0 ? '' : ','}\n      ${changeRecord(layer.files[j])}`);
      if (out.full) await out.flush();
    }
    await out.add(layer.files.length > 0 ? '\n    ]}' : ']}');
  }
  await out.add(image.layers.length > 0 ? '\n  ],\n  "files": [' : '],\n  "files": [');
  let first = true;
  for (const node of walk(image.tree)) {
    if (node === image.tree) continue;
    out.push(`${first ? '' : ','}\n    ${fileRecord(node)}`);
    first = false;
    if (out.full) await out.flush();
  }
  await out.add(first ? '],\n  "waste": [' : '\n  ],\n  "waste": [');
  for (const [i, w] of (image.waste ?? []).entries()) await out.add(`${i === 0 ? '' : ','}\n    ${JSON.stringify(w)}`);
  await out.add((image.waste ?? []).length > 0 ? '\n  ],\n' : '],\n');
  await out.add(`  "history": ${JSON.stringify(image.history.map((h) => ({ ...h, layer: h.layer ?? null, source: h.source ?? null })))},\n`);
  await out.add(`  "config": ${JSON.stringify(image.config)},\n`);
  await out.add('  "tree": ');
  await writeTree(image.tree, out);
  await out.add('\n}\n');
  await out.flush();
}

function layerHead(l: LayerAnalysis) {
  return {
    index: l.index,
    digest: l.digest,
    diffId: l.diffId,
    mediaType: l.mediaType,
    compressedSize: l.size,
    uncompressedSize: l.uncompressedSize ?? null,
    contentSize: l.contentSize,
    base: l.base === true,
    historyIndex: l.historyIndex ?? null,
    createdBy: l.createdBy,
    instruction: l.instruction,
    source: l.source ?? null,
    wastedBytes: l.wastedBytes ?? 0,
    hiddenBytes: l.hiddenBytes ?? 0,
    changeCount: l.files.length,
  };
}

const str = (s: string) => JSON.stringify(s);

/** One change as JSON, built as text (no intermediate object: 100,000s of them). */
function changeRecord(c: FileChange): string {
  let r = `{"path":${str(c.path)},"kind":"${c.kind}","type":"${c.type}","size":${c.size},"mode":${c.mode},"uid":${c.uid},"gid":${c.gid}`;
  if (c.linkTarget !== undefined) r += `,"linkTarget":${str(c.linkTarget)}`;
  if (c.mtime !== undefined) r += `,"mtime":${c.mtime}`;
  if (c.digest !== undefined) r += `,"digest":"${c.digest}"`;
  if (c.hides) r += `,"hides":${c.hides}`;
  if (c.live !== undefined) r += `,"live":${c.live}`;
  if (c.hiddenBy !== undefined) r += `,"hiddenBy":${c.hiddenBy}`;
  return r + '}';
}

function eventRecord(e: PathEvent): string {
  let r = `{"layer":${e.layer},"kind":"${e.kind}","size":${e.size}`;
  if (e.mode !== undefined) r += `,"mode":${e.mode}`;
  if (e.digest !== undefined) r += `,"digest":"${e.digest}"`;
  if (e.live) r += ',"live":true';
  if (e.via !== undefined) r += `,"via":${str(e.via)}`;
  return r + '}';
}

function fileRecord(n: FileNode): string {
  let r = `{"path":${str(n.path)},"type":"${n.type}","size":${n.size},"mode":${n.mode},"uid":${n.uid},"gid":${n.gid}`;
  if (n.linkTarget !== undefined) r += `,"linkTarget":${str(n.linkTarget)}`;
  if (n.digest !== undefined) r += `,"digest":"${n.digest}"`;
  if (n.mtime !== undefined) r += `,"mtime":${n.mtime}`;
  r += `,"layer":${n.layer}`;
  if (n.wasted) r += `,"wasted":${n.wasted}`;
  r += ',"history":[';
  for (let i = 0; i < n.history.length; i++) r += (i === 0 ? '' : ',') + eventRecord(n.history[i]);
  return r + ']}';
}

/** Every node, parents before children, children in name order. */
export function* walk(root: FileNode): Generator<FileNode> {
  const stack: FileNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    yield n;
    const kids = n.children;
    if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}

/** The tree: names, types and sizes only (files[] has the rest), folders with children. */
async function writeTree(root: FileNode, out: ChunkWriter): Promise<void> {
  // Depth-first without recursion; closing brackets are pushed as markers.
  const stack: (FileNode | string)[] = [root];
  let needComma = false;
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      needComma = true;
      continue;
    }
    const head = `${needComma ? ',' : ''}{"name":${str(item.name)},"type":"${item.type}","size":${item.size}`;
    if (!item.children) {
      out.push(`${head}}`);
      needComma = true;
    } else {
      out.push(`${head},"children":[`);
      needComma = false;
      stack.push(']}');
      for (let i = item.children.length - 1; i >= 0; i--) stack.push(item.children[i]);
    }
    if (out.full) await out.flush();
  }
}

/** Encodes small strings straight into a 1 MB buffer, handed to `write` when full (no giant strings, no join). */
class ChunkWriter {
  private buffer = Buffer.allocUnsafe(1 << 20);
  private length = 0;

  constructor(private readonly write: (chunk: string | Buffer) => Promise<void> | void) {}

  async add(s: string): Promise<void> {
    this.push(s);
    if (this.full) await this.flush();
  }

  /** Adds without flushing (the caller checks `full`). */
  push(s: string): void {
    // A UTF-16 unit is at most 3 UTF-8 bytes.
    if (this.length + s.length * 3 > this.buffer.length) {
      if (s.length * 3 > this.buffer.length - this.length) this.grow(this.length + s.length * 3);
    }
    this.length += this.buffer.write(s, this.length, "utf8");
  }

  get full(): boolean {
    return this.length >= this.buffer.length - (64 << 10);
  }

  private grow(size: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(size, this.buffer.length * 2));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }

  async flush(): Promise<void> {
    if (this.length === 0) return;
    const chunk = Buffer.from(this.buffer.subarray(0, this.length));
    this.length = 0;
    await this.write(chunk);
  }
}
