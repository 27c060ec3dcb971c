import * as vscode from 'vscode';
import type { FileNode, ImageAnalysis } from '../engine/analyze/model';
import { FilesModel, type Badge, type FilesFilter, type SortOrder } from './files-model';
import { compareWithPrevious, layerUri, parseLayerUri } from './layer-documents';

const BADGE_INFO: Record<Badge, { tooltip: string; color: string }> = {
  A: { tooltip: 'Added', color: 'gitDecoration.addedResourceForeground' },
  M: { tooltip: 'Modified (a copy of an earlier layer\'s file)', color: 'gitDecoration.modifiedResourceForeground' },
  D: { tooltip: 'Deleted (whiteout)', color: 'gitDecoration.deletedResourceForeground' },
  H: { tooltip: 'Hidden: a later layer replaced or deleted this copy', color: 'gitDecoration.ignoredResourceForeground' },
};

/**
 * The "Files" view: the merged filesystem of the shown image, or only the selected layer's
 * changes, or only paths with wasted bytes; sorted by name or size. Children are made per
 * folder when expanded, so a 50,000-file image opens at once. Badges come from a
 * FileDecorationProvider keyed on the rows' `layerwise:` URIs.
 */
export class FilesView implements vscode.TreeDataProvider<FileNode>, vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FileNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly decorationsChanged = new vscode.EventEmitter<undefined>();
  readonly onDidChangeFileDecorations = this.decorationsChanged.event;
  private model: FilesModel | undefined;
  private sort: SortOrder = 'name';
  private layer: number | undefined;
  private onlyLayer = true;
  private wastedOnly = false;

  /** Shows an image's files (the filters stay, the layer selection is cleared). */
  show(image: ImageAnalysis): void {
    this.layer = undefined;
    this.rebuild(image);
  }

  /** Narrows to one layer's changes (when "only this layer's changes" is on), or back to all with undefined. */
  selectLayer(layer: number | undefined): void {
    if (!this.model) return;
    this.layer = layer;
    this.rebuild(this.model.image);
  }

  setSort(sort: SortOrder): void {
    this.sort = sort;
    void vscode.commands.executeCommand('setContext', 'layerwise.files.sort', sort);
    if (this.model) this.rebuild(this.model.image);
  }

  /** Toggles "only this layer's changes"; returns the new state. */
  toggleLayerFilter(): boolean {
    this.onlyLayer = !this.onlyLayer;
    if (this.model) this.rebuild(this.model.image);
    return this.onlyLayer;
  }

  /** Toggles "only wasted bytes"; returns the new state. */
  toggleWastedFilter(): boolean {
    this.wastedOnly = !this.wastedOnly;
    void vscode.commands.executeCommand('setContext', 'layerwise.files.wastedOnly', this.wastedOnly);
    if (this.model) this.rebuild(this.model.image);
    return this.wastedOnly;
  }

  get current(): FilesModel | undefined {
    return this.model;
  }

  /** A short text for the view's description: what is shown. */
  describe(): string {
    if (!this.model) return '';
    const f = this.model.filter;
    const layer = f.layer === undefined ? '' : `layer ${f.layer}`;
    return [layer, f.wastedOnly ? 'wasted bytes' : '', this.sort === 'size' ? 'by size' : ''].filter(Boolean).join(' · ');
  }

  getChildren(node?: FileNode): FileNode[] {
    if (!this.model) return [];
    return this.model.children(node);
  }

  getParent(node: FileNode): FileNode | undefined {
    return this.model?.parent(node);
  }

  getTreeItem(node: FileNode): vscode.TreeItem {
    const model = this.model!;
    const row = model.row(node);
    const item = new vscode.TreeItem(row.label, row.directory ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = row.id;
    item.description = row.description;
    const uri = layerUri(model.image.digest, row.layer, node.path);
    // The badge rides on the row's URI, so decorations need no state of their own.
    item.resourceUri = layerUri(model.image.digest, row.layer, node.path, row.badge);
    item.iconPath = row.directory ? vscode.ThemeIcon.Folder : node.type === 'symlink' ? new vscode.ThemeIcon('file-symlink-file') : vscode.ThemeIcon.File;
    const comparable = !row.directory && row.badge !== 'D' && model.previousCopy(node.path, row.layer) !== undefined;
    item.contextValue = row.directory ? 'layerwiseDirectory' : comparable ? 'layerwiseFile.modified' : 'layerwiseFile';
    if (!row.directory && row.badge !== 'D') item.command = { command: 'layerwise.openLayerFile', title: 'Open', arguments: [uri] };
    return item;
  }

  resolveTreeItem(item: vscode.TreeItem, node: FileNode): vscode.TreeItem {
    item.tooltip = new vscode.MarkdownString(this.model?.tooltip(node, (f) => vscode.workspace.asRelativePath(f)) ?? '');
    return item;
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== 'layerwise') return undefined;
    const badge = new URLSearchParams(uri.query).get('badge') as Badge | null;
    if (!badge || !BADGE_INFO[badge]) return undefined;
    return new vscode.FileDecoration(badge, BADGE_INFO[badge].tooltip, new vscode.ThemeColor(BADGE_INFO[badge].color));
  }

  dispose(): void {
    this.changed.dispose();
    this.decorationsChanged.dispose();
  }

  private rebuild(image: ImageAnalysis): void {
    const filter: FilesFilter = { layer: this.onlyLayer ? this.layer : undefined, wastedOnly: this.wastedOnly };
    this.model = new FilesModel(image, filter, this.sort);
    this.changed.fire(undefined);
    this.decorationsChanged.fire(undefined);
  }
}

/** "Compare with Previous Version" on a Files row or a `layerwise:` URI: diffs it with the copy before it. */
export async function compareFileWithPrevious(view: FilesView, arg: vscode.Uri | FileNode): Promise<void> {
  const model = view.current;
  const target = arg instanceof vscode.Uri ? parseLayerUri(arg) : model && { image: model.image.digest, layer: arg.layer, path: arg.path };
  const previous = target && model?.image.digest === target.image ? model.previousCopy(target.path, target.layer) : undefined;
  if (!target || previous === undefined) {
    void vscode.window.showInformationMessage('Layerwise: no earlier copy of this file in the image');
    return;
  }
  await compareWithPrevious(layerUri(target.image, target.layer, target.path), previous);
}
