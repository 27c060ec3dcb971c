import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { humanSize } from '../engine/analyze/format';
import { Requests, type ImageSummary, type ImagesResult, type StoreSharing } from '../server/protocol';

/** Nodes of the Images view: the store's totals, then one per image (the image's summary, so commands get it as their argument). */
export type ImagesNode = { kind: 'store'; store: StoreSharing } | ({ kind: 'image' } & ImageSummary);

/** A normalized reference as Docker prints it (`docker.io/library/x:1` -> `x:1`). */
export const familiar = (ref: string) => ref.replace(/^docker\.io\/(library\/)?/, '');

/** "97% efficient", or nothing when the image was never analysed. */
export function efficiencyText(efficiency: number | undefined): string {
  return efficiency === undefined ? '' : `${Math.floor(efficiency * 1000) / 10}% efficient`;
}

/**
 * The "Images" view: the store's totals (layers on disk against the sum of the image sizes),
 * then its images, the last build first and then the newest, each with its size, efficiency,
 * and the bytes only it needs against those it shares with other images. Asks the server
 * (`layerwise/images`) when shown or refreshed; clicking an image shows its layers.
 */
export class ImagesView implements vscode.TreeDataProvider<ImagesNode>, vscode.Disposable {
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

  /** Lists the store (asks the server): its totals, and its images in the view's order. */
  async list(): Promise<ImagesResult> {
    const result = await (await this.client()).sendRequest<ImagesResult>(Requests.images, {});
    const images = [...result.images].reverse();
    const top = images.findIndex((i) => i.digest === this.lastBuilt);
    if (top > 0) images.unshift(...images.splice(top, 1));
    this.listed = images;
    return { images, store: result.store };
  }

  async getChildren(node?: ImagesNode): Promise<ImagesNode[]> {
    if (node) return [];
    try {
      const { images, store } = await this.list();
      if (images.length === 0) return [];
      return [{ kind: 'store', store }, ...images.map((image): ImagesNode => ({ kind: 'image', ...image }))];
    } catch (e) {
      this.log(`Layerwise: cannot list the store's images: ${(e as Error).message}`);
      return [];
    }
  }

  getTreeItem(node: ImagesNode): vscode.TreeItem {
    return node.kind === 'store' ? storeItem(node.store) : this.imageItem(node);
  }

  private imageItem(image: ImageSummary): vscode.TreeItem {
    const item = new vscode.TreeItem(image.name, vscode.TreeItemCollapsibleState.None);
    item.id = `image/${image.ref}`;
    const layers = `${image.layers} layer${image.layers === 1 ? '' : 's'}`;
    item.description = [humanSize(image.size), layers, efficiencyText(image.efficiency), `${humanSize(image.uniqueBytes)} unique`, `${humanSize(image.sharedBytes)} shared`].filter(Boolean).join(' · ');
    const wasted = image.wastedBytes ? `; ${humanSize(image.wastedBytes)} wasted` : '';
    const shared = image.sharedWith.length > 0 ? `\n\nShares layers with ${image.sharedWith.map(familiar).join(', ')}` : '';
    const last = image.digest === this.lastBuilt ? '\n\nLast build' : '';
    item.tooltip = new vscode.MarkdownString(
      `**${image.ref}** — ${layers}, ${humanSize(image.size)}${image.efficiency === undefined ? '' : `, ${efficiencyText(image.efficiency)}`}${wasted}\n\n${humanSize(image.uniqueBytes)} only this image needs; ${humanSize(image.sharedBytes)} shared${shared}\n\n${image.digest}${last}`,
    );
    item.iconPath = new vscode.ThemeIcon(image.digest === this.lastBuilt ? 'star-full' : 'package');
    item.contextValue = 'image';
    item.command = { command: 'layerwise.showImage', title: 'Show Layers', arguments: [image] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function storeItem(s: StoreSharing): vscode.TreeItem {
  const item = new vscode.TreeItem('Store');
  item.description = `${humanSize(s.layerBytes)} of layers on disk · ${humanSize(s.imageBytes)} in image sizes`;
  item.tooltip = new vscode.MarkdownString(
    `**${humanSize(s.imageBytes)}** summed over the images, **${humanSize(s.layerBytes)}** of layers on disk: sharing saves ${humanSize(s.savedBytes)}.\n\nThe store holds ${humanSize(s.blobBytes)} in ${s.blobs} blobs (configs, manifests and blobs no tag needs included).`,
  );
  item.iconPath = new vscode.ThemeIcon('database');
  item.contextValue = 'store';
  return item;
}
