import * as vscode from 'vscode';
import { humanSize } from '../engine/analyze/format';
import type { ImageAnalysis } from '../engine/analyze/model';
import type { ContainerRun } from '../server/protocol';
import { layerUri } from './layer-documents';
import { containerItem, groupItem } from './layers-items';
import { childrenOf, imageNodeId, layerParent, type LayersNode } from './layers-model';

const KIND_BADGE: Record<string, string> = { added: 'A', modified: 'M', deleted: 'D', opaque: 'D' };

/**
 * The "Layers" view: the last built or inspected image, its layers (instruction, size) and
 * files (size, and in the tooltip the layer and Dockerfile line that wrote them).
 */
export class LayersView implements vscode.TreeDataProvider<LayersNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<LayersNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private image: ImageAnalysis | undefined;
  private cached = new Set<string>();
  private run: ContainerRun | undefined;

  /** Shows an image (replacing the one shown), with the writable layer of a run of it when given. */
  show(image: ImageAnalysis, run?: ContainerRun): void {
    this.image = image;
    this.run = run;
    this.cached = new Set();
    this.changed.fire(undefined);
  }

  /** Marks the layers a build took from its step cache (call after show). */
  markCached(digests: readonly string[]): void {
    this.cached = new Set(digests);
    this.changed.fire(undefined);
  }

  /** The run whose container changes are shown. */
  get currentRun(): ContainerRun | undefined {
    return this.run;
  }

  /** The node of a layer of the shown image (for TreeView.reveal: CodeLens, tests), if it exists. */
  layerNode(index: number): LayersNode | undefined {
    const image = this.image;
    if (!image || !image.layers[index]) return undefined;
    return { kind: 'layer', id: `${imageNodeId(image)}/layer/${index}`, image, layer: image.layers[index] };
  }

  get current(): ImageAnalysis | undefined {
    return this.image;
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: LayersNode): LayersNode[] {
    if (!node) return this.image ? [{ kind: 'image', id: imageNodeId(this.image), image: this.image, run: this.run }] : [];
    return childrenOf(node);
  }

  getParent(node: LayersNode): LayersNode | undefined {
    switch (node.kind) {
      case 'image':
        return undefined;
      case 'layer':
        return layerParent(node.image, node.layer);
      case 'group':
      case 'allFiles':
      case 'container':
        return { kind: 'image', id: imageNodeId(node.image), image: node.image, run: this.run };
      case 'file':
        return node.parent;
    }
  }

  getTreeItem(node: LayersNode): vscode.TreeItem {
    switch (node.kind) {
      case 'image': {
        const item = new vscode.TreeItem(node.image.name, vscode.TreeItemCollapsibleState.Expanded);
        item.description = `${humanSize(node.image.size)} · ${node.image.layers.length} layer${node.image.layers.length === 1 ? '' : 's'}`;
        item.tooltip = `${node.image.ref ?? ''}\n${node.image.digest}\n${node.image.os}/${node.image.architecture}, ${humanSize(node.image.size)} stored`;
        item.iconPath = new vscode.ThemeIcon('package');
        item.contextValue = 'image';
        return withId(item, node);
      }
      case 'layer': {
        const { layer } = node;
        const item = new vscode.TreeItem(layer.instruction || `layer ${layer.index}`, vscode.TreeItemCollapsibleState.Collapsed);
        const parts = [humanSize(layer.contentSize), `${layer.files.length} file${layer.files.length === 1 ? '' : 's'}`];
        if (this.cached.has(layer.digest)) parts.push('cached');
        if (layer.wastedBytes) parts.push(`${humanSize(layer.wastedBytes)} wasted`);
        item.description = parts.join(' · ');
        const where = layer.source ? `\n${layer.source.file}:${layer.source.range.start.line + 1}` : '';
        const cache = this.cached.has(layer.digest) ? ', taken from the build cache' : '';
        item.tooltip = new vscode.MarkdownString(`**Layer ${layer.index}** — ${humanSize(layer.contentSize)} of files, ${humanSize(layer.size)} stored${cache}${layer.base ? ' (base image)' : ''}\n\n\`${layer.createdBy}\`${where}\n\n${layer.digest}`);
        item.iconPath = new vscode.ThemeIcon('layers');
        item.contextValue = 'layer';
        if (layer.source) {
          item.command = { command: 'layerwise.revealInstruction', title: 'Reveal Instruction', arguments: [layer.source] };
        }
        return withId(item, node);
      }
      case 'group':
        return withId(groupItem(node.group), node);
      case 'container':
        return withId(containerItem(node.run), node);
      case 'allFiles': {
        const item = new vscode.TreeItem('All files', vscode.TreeItemCollapsibleState.Collapsed);
        item.description = humanSize(node.image.tree.size);
        item.tooltip = 'The merged filesystem a container sees, with the layer that wrote each file';
        item.iconPath = new vscode.ThemeIcon('file-directory');
        return withId(item, node);
      }
      case 'file':
        return withId(fileItem(node), node);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function fileItem(node: Extract<LayersNode, { kind: 'file' }>): vscode.TreeItem {
  const { node: file, image } = node;
  const isDir = file.type === 'directory';
  const item = new vscode.TreeItem(file.name, isDir ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  const last = file.history[file.history.length - 1];
  const badge = last ? KIND_BADGE[last.kind] : '';
  // An image's files get the A/M/D badge as a file decoration (FilesView decorates every
  // layerwise: URI); a container's writable layer is not in the store, so its badge is text.
  const container = inContainer(node);
  item.description = `${humanSize(file.size)}${container && badge && !isDir ? ` · ${badge}` : ''}${file.type === 'symlink' ? ` → ${file.linkTarget}` : ''}`;
  const lines = file.history.map((h) => {
    const layer = image.layers[h.layer];
    const where = layer?.source ? ` (${shortFile(layer.source.file)}:${layer.source.range.start.line + 1})` : '';
    return `- ${h.kind} by layer ${h.layer}: \`${layer?.instruction ?? '?'}\`${where}${h.size ? `, ${humanSize(h.size)}` : ''}`;
  });
  item.tooltip = new vscode.MarkdownString(`**${file.path}** — ${humanSize(file.size)}, mode ${file.mode.toString(8).padStart(4, '0')}, uid ${file.uid}:${file.gid}\n\n${lines.join('\n')}`);
  item.iconPath = isDir ? vscode.ThemeIcon.Folder : file.type === 'symlink' ? new vscode.ThemeIcon('file-symlink-file') : vscode.ThemeIcon.File;
  item.contextValue = isDir ? 'directory' : 'file';
  if (container) {
    item.resourceUri = vscode.Uri.from({ scheme: 'layerwise-container', path: file.path });
    return item;
  }
  item.resourceUri = layerUri(image.digest, file.layer, file.path, isDir ? undefined : badge);
  if (!isDir && badge !== 'D') item.command = { command: 'layerwise.openLayerFile', title: 'Open', arguments: [layerUri(image.digest, file.layer, file.path)] };
  return item;
}

// Files below Container changes are in the writable layer of a run.
function inContainer(node: LayersNode): boolean {
  let n: LayersNode = node;
  while (n.kind === 'file') n = n.parent;
  return n.kind === 'container';
}

function shortFile(file: string): string {
  return vscode.workspace.asRelativePath(file);
}

function withId(item: vscode.TreeItem, node: LayersNode): vscode.TreeItem {
  item.id = node.id;
  return item;
}
