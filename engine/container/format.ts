/** `layerwise run`'s report as text, shared by the CLI and the VS Code output channel (pure, no Node APIs). */
import { humanSize, table } from '../analyze/format';
import type { ContainerChange, ContainerRun } from './model';

const LETTER = { added: 'A', modified: 'C', deleted: 'D' } as const;

/** How the run ended, in one line. */
export function endLine(run: ContainerRun, timeoutS?: number): string {
  if (run.stopped === 'timeout') return `stopped after ${timeoutS ?? '?'} s (--timeout): killed, exit code ${run.exitCode}`;
  if (run.stopped === 'interrupted') return `stopped (interrupted): killed, exit code ${run.exitCode}`;
  return `exited with code ${run.exitCode} after ${(run.durationMs / 1000).toFixed(1)} s`;
}

/** The writable layer as `docker diff` shows it, with provenance and sizes, then the proof the image is unchanged. */
export function containerChangesText(run: ContainerRun): string[] {
  const s = run.summary;
  const lines: string[] = [];
  lines.push(
    `CONTAINER CHANGES  (the writable layer: ${s.added.count} added, ${s.modified.count} modified (${humanSize(s.modified.bytes)} copied up), ${s.deleted.count} deleted (whiteouts hiding ${humanSize(s.deleted.bytes)}); ${humanSize(s.layerBytes)} stored)`,
  );
  if (run.changes.length === 0) lines.push('  none: the container changed no file');
  else lines.push(...table([['', 'PATH', 'SIZE', 'PROVENANCE'], ...run.changes.map((c) => [LETTER[c.kind], c.type === 'directory' ? `${c.path}/` : c.path, c.kind === 'deleted' || c.type === 'directory' ? '-' : humanSize(c.size), provenance(c)])]));
  const layers = [...new Set(run.changes.map((c) => c.fromLayer).filter((l): l is number => l !== undefined))].sort((a, b) => a - b);
  for (const l of layers) lines.push(`  layer ${l}: ${run.image.instructions[l] || '(no history)'}`);
  if (run.volumes.length > 0) lines.push(`  (${run.volumes.join(', ')}: VOLUME${run.volumes.length === 1 ? '' : 's'}, mounted apart as Docker does; what the container wrote there is not in its writable layer)`);
  const img = run.imageAfter;
  lines.push(
    img.unchanged
      ? `image ${run.image.name} unchanged: ${img.digest} (its blobs re-hashed)`
      : `image ${run.image.name} CHANGED: ${run.image.digest} -> ${img.digest}${img.problems.length ? `; ${img.problems.join('; ')}` : ''}`,
  );
  if (run.committed) lines.push(`committed the writable layer as ${run.committed.ref.replace(/^docker\.io\/(library\/)?/, '')} ${run.committed.digest} (layer ${run.committed.layer.slice(7, 19)})`);
  return lines;
}

function provenance(c: ContainerChange): string {
  const from = c.fromLayer !== undefined ? `layer ${c.fromLayer}` : 'the image';
  if (c.kind === 'added') return c.type === 'symlink' ? `-> ${c.linkTarget}` : 'new';
  if (c.kind === 'deleted') return `whiteout: hides ${humanSize(c.hiddenBytes ?? 0)} of ${from}`;
  if (c.type === 'directory') return c.changed && c.changed.length > 0 ? `${c.changed.join(', ')} changed (from ${from})` : `entries changed (from ${from})`;
  const what = (c.changed ?? []).join(', ');
  if (c.copyUpBytes !== undefined) return `copied up from ${from} (${humanSize(c.lowerSize ?? 0)}): ${what}; copy-up ${humanSize(c.copyUpBytes)}`;
  return `replaced from ${from}: ${what}`;
}
