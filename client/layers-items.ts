import * as vscode from 'vscode';
import { humanSize } from '../engine/analyze/format';
import type { LayerGroup } from '../engine/analyze/model';
import type { ContainerRun } from '../server/protocol';

/** A layer group's item: the base (named by reference and digest) or the Dockerfile's own layers, with sizes and waste. */
export function groupItem(group: LayerGroup): vscode.TreeItem {
  const base = group.kind === 'base';
  const label = base ? `Base: ${group.ref ?? 'unnamed image'}` : 'Own layers';
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
  const span = `${group.layers} layer${group.layers === 1 ? '' : 's'}`;
  item.description = `${span} · ${humanSize(group.contentSize)}${group.wastedBytes ? ` · ${humanSize(group.wastedBytes)} wasted` : ''}${base && group.digest ? ` · ${group.digest.slice(7, 19)}` : ''}`;
  const lines = [
    base ? `**Base image** ${group.ref ?? ''}${group.digest ? `\n\n${group.digest}` : ''}` : '**Own layers**: what the Dockerfile added',
    `Layers ${group.first}–${group.first + group.layers - 1}: ${humanSize(group.contentSize)} of files, ${humanSize(group.size)} stored, ${humanSize(group.wastedBytes)} wasted`,
  ];
  if (group.hiddenByOwn) lines.push(`${humanSize(group.hiddenByOwn)} of it hidden by the own layers (deleted or copied up; still stored here)`);
  item.tooltip = new vscode.MarkdownString(lines.join('\n\n'));
  item.iconPath = new vscode.ThemeIcon(base ? 'library' : 'edit');
  item.contextValue = `group-${group.kind}`;
  return item;
}

/** The "Container changes" item: the writable layer of the last run, and the proof the image did not change. */
export function containerItem(run: ContainerRun): vscode.TreeItem {
  const s = run.summary;
  const item = new vscode.TreeItem('Container changes', run.changes.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  item.description = `${s.added.count} A · ${s.modified.count} M · ${s.deleted.count} D · ${humanSize(s.layerBytes)}`;
  const ended = run.stopped ? `stopped (${run.stopped}), exit code ${run.exitCode}` : `exited with code ${run.exitCode}`;
  item.tooltip = new vscode.MarkdownString(
    [
      `**Writable layer** of \`${run.command.join(' ')}\` — ${ended}`,
      `${s.added.count} added (${humanSize(s.added.bytes)}), ${s.modified.count} modified (${humanSize(s.modified.bytes)} copied up whole), ${s.deleted.count} deleted (whiteouts hiding ${humanSize(s.deleted.bytes)})`,
      run.imageAfter.unchanged ? `Image unchanged: ${run.imageAfter.digest}` : `Image CHANGED: ${run.imageAfter.digest} ${run.imageAfter.problems.join('; ')}`,
      run.committed ? `Committed as ${run.committed.ref}` : '',
    ].filter(Boolean).join('\n\n'),
  );
  item.iconPath = new vscode.ThemeIcon('diff');
  item.contextValue = 'container';
  return item;
}
