import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { humanSize } from '../engine/analyze/format';
import { Requests, type ImageSummary } from '../server/protocol';

/** "97% efficient", or nothing when the image was never analysed. */
export function efficiencyText(efficiency: number | undefined): string {
  return efficiency === undefined ? '' : `${Math.floor(efficiency * 1000) / 10}% efficient`;
}

/**
 * The "Images" view: the store's images with size, layer count and efficiency, the last
 * build first and then the newest. Selecting one shows its layers and files.
 */
export class ImagesView implements vscode.TreeDataProvider<ImageSummary>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private lastBuilt: string | undefined;
  private listed: ImageSummary[] = [];

  constructor(private readonly client: () => Promise<LanguageClient>, private readonly log: (line: string) => void) {}

  /** Re-reads the store; `built` puts that image on top. */
  refresh(built?: string): void {
    if (built) this.lastBuilt = built;
    this.changed.fire(undefined);
  }

  /** The images of the last listing (for pickers). */
  get images(): ImageSummary[] {
    return this.listed;
  }

  /** Lists the store (asks the server). */
  async list(): Promise<ImageSummary[]> {
    const images = await (await this.client()).sendRequest<ImageSummary[]>(Requests.images, {});
    images.reverse();
    const top = images.findIndex((i) => i.digest === this.lastBuilt);
    if (top > 0) images.unshift(...images.splice(top, 1));
    this.listed = images;
    return images;
  }

  async getChildren(node?: ImageSummary): Promise<ImageSummary[]> {
    if (node) return [];
    try {
      return await this.list();
    } catch (e) {
      this.log(`Layerwise: cannot list the store's images: ${(e as Error).message}`);
      return [];
    }
  }

  getTreeItem(image: ImageSummary): vscode.TreeItem {
    const item = new vscode.TreeItem(image.name, vscode.TreeItemCollapsibleState.None);
    item.id = `image/${image.ref}`;
    item.description = [humanSize(image.size), `${image.layers} layer${image.layers === 1 ? '' : 's'}`, efficiencyText(image.efficiency)].filter(Boolean).join(' · ');
    const wasted = image.wastedBytes ? `\n\n${humanSize(image.wastedBytes)} wasted` : '';
    item.tooltip = new vscode.MarkdownString(`**${image.ref}**\n\n${image.digest}${wasted}${image.digest === this.lastBuilt ? '\n\nLast build' : ''}`);
    item.iconPath = new vscode.ThemeIcon(image.digest === this.lastBuilt ? 'star-full' : 'package');
    item.contextValue = 'layerwiseImage';
    item.command = { command: 'layerwise.showImage', title: 'Show Layers', arguments: [image] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
