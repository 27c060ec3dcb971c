import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { humanSize } from '../engine/analyze/format';
import { Requests, type ImageSharing, type ImagesResult } from '../server/protocol';

/** Nodes of the Images view: the store's totals, then one per image. */
export type ImagesNode = { kind: 'store'; result: ImagesResult } | { kind: 'image'; image: ImageSharing; ref: string };

/** A normalized reference as Docker prints it (`docker.io/library/x:1` -> `x:1`). */
export const familiar = (ref: string) => ref.replace(/^docker\.io\/(library\/)?/, '');

/**
 * The "Images" view: the store's images, each with the bytes only it needs and those it shares
 * with other images (the same layer stored once), and the store's size on disk against the sum
 * of the image sizes. Asks the server (`layerwise/images`) when shown or refreshed.
 */
export class ImagesView implements vscode.TreeDataProvider<ImagesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ImagesNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly client: () => Promise<LanguageClient>) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: ImagesNode): Promise<ImagesNode[]> {
    if (node) return [];
    const result = await (await this.client()).sendRequest<ImagesResult>(Requests.images);
    if (result.images.length === 0) return [];
    return [{ kind: 'store', result }, ...result.images.map((image): ImagesNode => ({ kind: 'image', image, ref: image.ref }))];
  }

  getTreeItem(node: ImagesNode): vscode.TreeItem {
    if (node.kind === 'store') {
      const s = node.result.store;
      const item = new vscode.TreeItem('Store');
      item.description = `${humanSize(s.layerBytes)} of layers on disk · ${humanSize(s.imageBytes)} in image sizes`;
      item.tooltip = new vscode.MarkdownString(
        `**${humanSize(s.imageBytes)}** summed over the images, **${humanSize(s.layerBytes)}** of layers on disk: sharing saves ${humanSize(s.savedBytes)}.\n\nThe store holds ${humanSize(s.blobBytes)} in ${s.blobs} blobs (configs, manifests and blobs no tag needs included).`,
      );
      item.iconPath = new vscode.ThemeIcon('database');
      item.contextValue = 'store';
      return item;
    }
    const i = node.image;
    const item = new vscode.TreeItem(familiar(i.ref));
    item.id = `images/${i.ref}`;
    item.description = `${humanSize(i.size)} · ${humanSize(i.uniqueBytes)} unique · ${humanSize(i.sharedBytes)} shared`;
    const with_ = i.sharedWith.length > 0 ? `\n\nShares layers with ${i.sharedWith.map(familiar).join(', ')}` : '';
    item.tooltip = new vscode.MarkdownString(`**${familiar(i.ref)}** — ${i.layers} layer${i.layers === 1 ? '' : 's'}, ${humanSize(i.size)}\n\n${humanSize(i.uniqueBytes)} only this image needs; ${humanSize(i.sharedBytes)} shared${with_}\n\n${i.digest}`);
    item.iconPath = new vscode.ThemeIcon('package');
    item.contextValue = 'image';
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
