import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { humanSize } from '../engine/analyze/format';
import { Requests, type FileContent, type FileContentParams } from '../server/protocol';

export const LAYER_SCHEME = 'layerwise';

/** The read-only document of a file as one layer of an image stores it: `layerwise:/etc/passwd?image=sha256:...&layer=2`. */
export function layerUri(image: string, layer: number, file: string, badge?: string): vscode.Uri {
  const query = new URLSearchParams({ image, layer: String(layer) });
  if (badge) query.set('badge', badge);
  return vscode.Uri.from({ scheme: LAYER_SCHEME, path: file, query: query.toString() });
}

/** The image, layer and path a `layerwise:` URI names. */
export function parseLayerUri(uri: vscode.Uri): FileContentParams {
  const q = new URLSearchParams(uri.query);
  const layer = Number(q.get('layer'));
  const image = q.get('image');
  if (!image || !Number.isInteger(layer) || layer < 0) throw new Error(`not a Layerwise file URI: ${uri.toString()}`);
  return { image, layer, path: uri.path };
}

/**
 * Serves `layerwise:` documents from the server (which reads the layer where it lies). Text
 * is shown as stored; binary, large and non-regular files as a one-line notice.
 */
export class LayerDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly client: () => Promise<LanguageClient>) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const params = parseLayerUri(uri);
    const client = await this.client();
    const content = await client.sendRequest<FileContent>(Requests.fileContent, params, token);
    return contentText(content, params);
  }
}

function contentText(c: FileContent, p: FileContentParams): string {
  const where = `${p.path} in layer ${p.layer}`;
  switch (c.kind) {
    case 'text':
      return c.text;
    case 'binary':
      return `(binary file, ${humanSize(c.size)}: ${where})`;
    case 'too-large':
      return `(file too large to show, ${humanSize(c.size)}: ${where})`;
    case 'not-a-file':
      return `(${c.type}${c.linkTarget ? ` -> ${c.linkTarget}` : ''}: ${where})`;
    case 'missing':
      return `(${where} is not stored in that layer)`;
  }
}

/** Opens a file of a layer read-only. */
export async function openLayerFile(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri.with({ query: withoutBadge(uri.query) }));
  return vscode.window.showTextDocument(doc, { preview: true });
}

/** Opens the diff between a file's copy in `previousLayer` and the copy the URI names. */
export async function compareWithPrevious(uri: vscode.Uri, previousLayer: number): Promise<void> {
  const current = parseLayerUri(uri);
  const before = layerUri(current.image, previousLayer, current.path);
  const after = layerUri(current.image, current.layer, current.path);
  await vscode.commands.executeCommand('vscode.diff', before, after, `${path.posix.basename(current.path)} (layer ${previousLayer} ↔ layer ${current.layer})`);
}

function withoutBadge(query: string): string {
  const q = new URLSearchParams(query);
  q.delete('badge');
  return q.toString();
}
