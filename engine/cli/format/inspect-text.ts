import * as path from 'node:path';
import type { CiVerdict } from '../../analyze/ci';
import type { FileNode, ImageAnalysis, LayerAnalysis, LayerGroup } from '../../analyze/model';
import { shortDigest } from '../../image/digest';
import { humanSize, table } from '../../analyze/format';

export { table };

export interface InspectTextOptions {
  /** Folder levels of the file tree to print (Infinity: all; 0: none). */
  depth?: number;
  /** Paths listed in the waste section. */
  wasteLines?: number;
}

/** `layerwise inspect` as text: a header, the figures, the layers table, the waste, and the merged file tree with provenance. */
export function inspectToText(image: ImageAnalysis, options: InspectTextOptions = {}): string {
  const lines: string[] = [];
  lines.push(`${image.name}  ${image.digest}`);
  const where = image.source && image.source.kind !== 'store' ? ` (${image.source.kind} ${image.source.location})` : '';
  lines.push(`${image.os}/${image.architecture}${image.variant ? `/${image.variant}` : ''}, ${humanSize(image.size)} in ${image.layers.length} layer${image.layers.length === 1 ? '' : 's'}${image.uncompressedSize !== undefined && image.uncompressedSize !== image.size ? ` (${humanSize(image.uncompressedSize)} uncompressed)` : ''}${image.created ? `, created ${image.created}` : ''}${where}`);
  lines.push(...summaryLines(image));
  lines.push('', 'LAYERS');
  const rows = image.layers.map((l) => [
    String(l.index),
    humanSize(l.contentSize),
    humanSize(l.size),
    String(l.files.length),
    l.wastedBytes ? humanSize(l.wastedBytes) : '-',
    l.instruction || '(no history)',
    sourceText(l, image),
  ]);
  const rendered = table([['#', 'SIZE', 'STORED', 'FILES', 'WASTED', 'INSTRUCTION', 'SOURCE'], ...rows]);
  lines.push(rendered[0]);
  // Without a base (FROM scratch) every layer is the Dockerfile's own: no headings needed.
  const groups = image.groups?.some((g) => g.kind === 'base') ? image.groups : [];
  for (const [i, row] of rendered.slice(1).entries()) {
    const group = groups.find((g) => g.first === i);
    if (group) lines.push(groupLine(group));
    lines.push(row);
  }
  const waste = image.waste ?? [];
  if (waste.length > 0) {
    const max = options.wasteLines ?? 20;
    lines.push('', `WASTED SPACE  (${waste.length} path${waste.length === 1 ? '' : 's'}: bytes stored in a layer but not visible; largest first)`);
    lines.push(...table([['WASTED', 'PATH', 'COPIES'], ...waste.slice(0, max).map((w) => [humanSize(w.bytes), w.visible ? w.path : `${w.path} (deleted)`, w.copies.map(copyText).join(', ')])]));
    if (waste.length > max) lines.push(`  ... ${waste.length - max} more (--json lists all)`);
  }
  const depth = options.depth ?? Infinity;
  if (depth > 0) {
    lines.push('', 'FILES  (size, layer that wrote it, Dockerfile line)');
    const byIndex = new Map(image.layers.map((l) => [l.index, l]));
    lines.push(`/  ${humanSize(image.tree.size)}${image.tree.wasted ? `  [${humanSize(image.tree.wasted)} wasted below]` : ''}`);
    renderChildren(image.tree, '', lines, byIndex, image, depth, 1);
  }
  return lines.join('\n');
}

/** The efficiency and waste figures, ours beside dive's, and where the base ends. */
export function summaryLines(image: ImageAnalysis): string[] {
  const e = image.efficiency;
  if (!e) return [];
  const out: string[] = [];
  const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(2)} %`);
  out.push(`efficiency ${pct(e.efficiency)}, wasted ${humanSize(e.wastedBytes)} of ${humanSize(e.storedBytes)} stored; user layers: ${humanSize(e.userWastedBytes)} wasted of ${humanSize(e.userSizeBytes)} (${pct(e.userWastedPercent)})`);
  out.push(`  dive's figures: efficiency ${pct(e.dive.efficiency)}, wasted ${humanSize(e.dive.wastedBytes)}, user wasted ${pct(e.dive.userWastedPercent)} (docs/analysis.md says why they differ)`);
  if (e.baseBytesHiddenByUser > 0) out.push(`  user layers hide ${humanSize(e.baseBytesHiddenByUser)} of the base image's files (deleted or copied up: still stored in the base)`);
  const b = image.base;
  if (b) {
    const how: Record<string, string> = {
      option: 'given with --base',
      provenance: 'recorded by the build',
      image: 'an image with exactly these layers',
      dockerfile: 'history matched to the Dockerfile',
      'first-layer': 'assumed, as dive does: nothing says more',
      none: 'no layers',
    };
    const span = b.layers === 0 ? 'none' : b.layers === 1 ? 'layer 0' : `layers 0-${b.layers - 1}`;
    out.push(`base image: ${span}${b.ref ? ` (${b.ref})` : ''} — ${how[b.how]}`);
  }
  return out;
}

/** The heading of a layer group: whose layers they are, their sizes and waste. */
export function groupLine(g: LayerGroup): string {
  const span = g.layers === 1 ? `layer ${g.first}` : `layers ${g.first}-${g.first + g.layers - 1}`;
  const who = g.kind === 'base' ? `BASE ${g.ref ?? '(unnamed)'}${g.digest ? ` ${shortDigest(g.digest)}` : ''}` : 'OWN (added by the Dockerfile)';
  const hidden = g.hiddenByOwn ? `; ${humanSize(g.hiddenByOwn)} of it hidden by own layers` : '';
  return `  ${who}: ${span}, ${humanSize(g.contentSize)} of files, ${humanSize(g.size)} stored, ${humanSize(g.wastedBytes)} wasted${hidden}`;
}

function copyText(c: { layer: number; kind: string; size: number; hiddenBy?: number }): string {
  if (c.kind === 'deleted' || c.kind === 'opaque') return `${c.kind === 'opaque' ? 'cleared' : 'deleted'} by ${c.layer}`;
  return `${humanSize(c.size)} in ${c.layer}${c.hiddenBy !== undefined ? ` (hidden by ${c.hiddenBy})` : ' (visible)'}`;
}

function renderChildren(node: FileNode, prefix: string, lines: string[], layers: Map<number, LayerAnalysis>, image: ImageAnalysis, depth: number, level: number): void {
  const children = node.children ?? [];
  children.forEach((child, i) => {
    const last = i === children.length - 1;
    const layer = layers.get(child.layer);
    const name = child.type === 'directory' ? `${child.name}/` : child.type === 'symlink' ? `${child.name} -> ${child.linkTarget}` : child.type === 'hardlink' ? `${child.name} => ${child.linkTarget}` : child.name;
    const where = layer ? `layer ${layer.index}: ${layer.instruction}${sourceText(layer, image) ? ` (${sourceText(layer, image)})` : ''}` : '';
    const writers = child.history.filter((h) => h.kind !== 'deleted' && h.kind !== 'opaque' && h.layer !== child.layer).map((h) => h.layer);
    const earlier = writers.length > 0 ? `  [also written by layer ${[...new Set(writers)].join(', ')}]` : '';
    const wasted = child.wasted ? `  [${humanSize(child.wasted)} wasted${child.type === 'directory' ? ' below' : ''}]` : '';
    lines.push(`${prefix}${last ? '└── ' : '├── '}${name}  ${humanSize(child.size)}  ${mode(child)}  ${where}${earlier}${wasted}`);
    if (child.children && level < depth) renderChildren(child, prefix + (last ? '    ' : '│   '), lines, layers, image, depth, level + 1);
    else if (child.children && child.children.length > 0) lines.push(`${prefix}${last ? '    ' : '│   '}└── ... ${child.count ?? child.children.length} path(s)`);
  });
}

function sourceText(layer: LayerAnalysis, image: ImageAnalysis): string {
  if (!layer.source) return '';
  const file = image.dockerfile ? path.relative(process.cwd(), layer.source.file) || layer.source.file : layer.source.file;
  return `${file}:${layer.source.range.start.line + 1}`;
}

function mode(node: FileNode): string {
  return node.mode.toString(8).padStart(4, '0');
}



/** `--ci` as dive prints it: the inefficient files, each rule's verdict, the tally. */
export function ciToText(image: ImageAnalysis, verdict: CiVerdict, maxFiles = 20): string {
  const lines: string[] = [];
  lines.push(`${image.name}  ${image.digest}`);
  lines.push(...summaryLines(image));
  const waste = image.waste ?? [];
  lines.push('', `Inefficient files (${verdict.figures === 'dive' ? "ours; dive's list counts each path's every copy" : 'bytes not visible'}):`);
  if (waste.length === 0) lines.push('  none');
  else {
    lines.push(...table([['COPIES', 'WASTED', 'PATH'], ...waste.slice(0, maxFiles).map((w) => [String(w.copies.length), humanSize(w.bytes), w.path])]));
    if (waste.length > maxFiles) lines.push(`  ... ${waste.length - maxFiles} more`);
  }
  lines.push('', `Results (${verdict.figures === 'dive' ? "dive's figures" : 'our figures'}${verdict.configFile ? `, rules from ${verdict.configFile}` : ''}):`);
  const label = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP', misconfigured: 'MISCONFIGURED' } as const;
  for (const r of verdict.results) lines.push(`  ${label[r.status]}: ${r.rule}${r.message && r.status !== 'skip' ? `: ${r.message}` : r.status === 'skip' ? ' (disabled)' : ''}`);
  const count = (s: string) => verdict.results.filter((r) => r.status === s).length;
  lines.push(`Result: ${verdict.pass ? 'PASS' : 'FAIL'} [Total:${verdict.results.length}] [Passed:${count('pass')}] [Failed:${count('fail') + count('misconfigured')}] [Skipped:${count('skip')}]`);
  return lines.join('\n');
}
