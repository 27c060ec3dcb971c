import * as path from 'node:path';
import type { FileNode, ImageAnalysis, LayerAnalysis } from '../../analyze/model';
import { humanSize } from '../../analyze/format';

/** `layerwise inspect` as text: a header, the layers table, and the merged file tree with provenance. */
export function inspectToText(image: ImageAnalysis): string {
  const lines: string[] = [];
  const name = image.name;
  lines.push(`${name}  ${image.digest}`);
  lines.push(`${image.os}/${image.architecture}, ${humanSize(image.size)} in ${image.layers.length} layer${image.layers.length === 1 ? '' : 's'}${image.created ? `, created ${image.created}` : ''}`);
  lines.push('', 'LAYERS');
  const rows = image.layers.map((l) => [String(l.index), humanSize(l.contentSize), humanSize(l.size), String(l.files.length), l.instruction || '(no history)', sourceText(l, image)]);
  lines.push(...table([['#', 'SIZE', 'STORED', 'FILES', 'INSTRUCTION', 'SOURCE'], ...rows]));
  lines.push('', 'FILES  (size, layer that wrote it, Dockerfile line)');
  const byIndex = new Map(image.layers.map((l) => [l.index, l]));
  lines.push(`/  ${humanSize(image.tree.size)}`);
  renderChildren(image.tree, '', lines, byIndex, image);
  return lines.join('\n');
}

function renderChildren(node: FileNode, prefix: string, lines: string[], layers: Map<number, LayerAnalysis>, image: ImageAnalysis): void {
  const children = node.children ?? [];
  children.forEach((child, i) => {
    const last = i === children.length - 1;
    const layer = layers.get(child.layer);
    const name = child.type === 'directory' ? `${child.name}/` : child.type === 'symlink' ? `${child.name} -> ${child.linkTarget}` : child.name;
    const where = layer ? `layer ${layer.index}: ${layer.instruction}${sourceText(layer, image) ? ` (${sourceText(layer, image)})` : ''}` : '';
    const earlier = child.history.length > 1 ? `  [also written by layer ${child.history.slice(0, -1).map((h) => h.layer).join(', ')}]` : '';
    lines.push(`${prefix}${last ? '└── ' : '├── '}${name}  ${humanSize(child.size)}  ${mode(child)}  ${where}${earlier}`);
    renderChildren(child, prefix + (last ? '    ' : '│   '), lines, layers, image);
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

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => '  ' + r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
}
