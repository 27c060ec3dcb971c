import type { FileDiff, FileState, ImageDiff } from '../../analyze/diff';
import { humanSize } from '../../analyze/format';
import { table } from './inspect-text';

/**
 * `layerwise diff` as text: the layers that differ, then the files. A folder added or removed
 * as a whole is one line (with what it held), not one line per file.
 */
export function diffToText(d: ImageDiff, options: { maxLines?: number } = {}): string {
  const lines: string[] = [];
  const max = options.maxLines ?? 200;
  lines.push(`A: ${d.a.name}  ${d.a.digest}  (${d.a.layers} layers, ${humanSize(d.a.size)})`);
  lines.push(`B: ${d.b.name}  ${d.b.digest}  (${d.b.layers} layers, ${humanSize(d.b.size)})`);
  const s = d.summary;
  const delta = s.sizeDelta === 0 ? 'same size' : `${s.sizeDelta > 0 ? '+' : '-'}${humanSize(Math.abs(s.sizeDelta))}`;
  lines.push(`${s.added.count} added (${humanSize(s.added.bytes)}), ${s.removed.count} removed (${humanSize(s.removed.bytes)}), ${s.changed.count} changed (${humanSize(s.changed.bytesA)} -> ${humanSize(s.changed.bytesB)}); B is ${delta}${d.byContent ? '' : ' (content compared by size and mtime: run with --digests for exact content)'}`);
  lines.push('', 'LAYERS');
  const l = d.layers;
  lines.push(`  ${l.sharedPrefix === 0 ? 'no layer in common at the start' : `first ${l.sharedPrefix} layer${l.sharedPrefix === 1 ? '' : 's'} shared`}${l.movedShared ? `; ${l.movedShared} more shared at other positions` : ''}`);
  if (l.onlyInA.length + l.onlyInB.length > 0) {
    const rows = [
      ...l.onlyInA.map((x) => ['A', String(x.index), humanSize(x.contentSize), x.instruction || '(no history)']),
      ...l.onlyInB.map((x) => ['B', String(x.index), humanSize(x.contentSize), x.instruction || '(no history)']),
    ];
    lines.push('  only in:');
    lines.push(...table([['', '#', 'SIZE', 'INSTRUCTION'], ...rows]).map((r) => `  ${r}`));
  }
  lines.push('', 'FILES');
  const shown = collapse(d.files);
  if (shown.length === 0) lines.push('  no differences');
  for (const line of shown.slice(0, max)) lines.push(`  ${line}`);
  if (shown.length > max) lines.push(`  ... ${shown.length - max} more (--json lists all)`);
  return lines.join('\n');
}

function describe(s: FileState): string {
  if (s.type === 'symlink') return `-> ${s.linkTarget}`;
  if (s.type === 'hardlink') return `=> ${s.linkTarget}`;
  return humanSize(s.size);
}

function collapse(files: FileDiff[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    if (f.kind === 'changed') {
      const a = f.a!;
      const b = f.b!;
      const what = f.what!.map((w) => (w === 'mode' ? `mode ${a.mode.toString(8)}->${b.mode.toString(8)}` : w === 'uid' || w === 'gid' ? `${w} ${a[w]}->${b[w]}` : w)).join(', ');
      out.push(`M ${f.path}${a.type === 'directory' ? '/' : ''}  ${a.type === 'directory' ? '' : `${describe(a)} -> ${describe(b)}  `}(${what}; B's layer ${b.layer})`);
      continue;
    }
    const s = (f.kind === 'added' ? f.b : f.a)!;
    const mark = f.kind === 'added' ? 'A' : 'D';
    if (s.type !== 'directory') {
      out.push(`${mark} ${f.path}  ${describe(s)}${f.kind === 'added' ? `  (B's layer ${s.layer})` : ''}`);
      continue;
    }
    // The folder's own entries follow it, in depth-first order.
    let count = 0;
    let bytes = 0;
    let j = i + 1;
    const prefix = `${f.path}/`;
    for (; j < files.length && files[j].kind === f.kind && files[j].path.startsWith(prefix); j++) {
      const x = (f.kind === 'added' ? files[j].b : files[j].a)!;
      if (x.type !== 'directory') {
        count++;
        bytes += x.size;
      }
    }
    out.push(`${mark} ${f.path}/  ${count} file${count === 1 ? '' : 's'}, ${humanSize(bytes)}${f.kind === 'added' ? `  (B's layer ${s.layer})` : ''}`);
    i = j - 1;
  }
  return out;
}
