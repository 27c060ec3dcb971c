import * as vscode from 'vscode';
import { humanSize } from '../engine/analyze/format';
import type { ImageAnalysis } from '../engine/analyze/model';
import { efficiencyText } from './images-view';

interface LastImage {
  name: string;
  size: number;
  efficiency?: number;
}

const KEY = 'layerwise.lastImageByDockerfile';

/**
 * The status bar item of the active Dockerfile: its last image's size and efficiency
 * (remembered per Dockerfile in workspaceState); a click opens the Layerwise panel.
 */
export class ImageStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('layerwise.image', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly state: vscode.Memento) {
    this.item.name = 'Layerwise image';
    this.item.command = 'workbench.view.extension.layerwise';
    this.subscription = vscode.window.onDidChangeActiveTextEditor(() => this.update());
    this.update();
  }

  /** Remembers the image built from a Dockerfile and shows it when that file is active. */
  async record(dockerfile: string, image: ImageAnalysis): Promise<void> {
    const all = this.state.get<Record<string, LastImage>>(KEY, {});
    all[dockerfile] = { name: image.name, size: image.size, efficiency: image.efficiency?.efficiency };
    await this.state.update(KEY, all);
    this.update();
  }

  /** What the item says now (empty when hidden). */
  get text(): string {
    return this.item.text;
  }

  private update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const last = doc?.languageId === 'dockerfile' ? this.state.get<Record<string, LastImage>>(KEY, {})[doc.uri.fsPath] : undefined;
    if (!last) {
      this.item.text = '';
      this.item.hide();
      return;
    }
    this.item.text = `$(layers) ${humanSize(last.size)}${last.efficiency === undefined ? '' : ` · ${efficiencyText(last.efficiency).replace(' efficient', '')}`}`;
    this.item.tooltip = `Layerwise: last image of this Dockerfile, ${last.name}: ${humanSize(last.size)}${last.efficiency === undefined ? '' : `, ${efficiencyText(last.efficiency)}`}. Click to open the Layerwise panel.`;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
