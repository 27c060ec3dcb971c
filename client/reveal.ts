import * as vscode from 'vscode';

/** A Dockerfile location as the engine reports it (0-based, LSP style). */
export interface Location {
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** Opens the Dockerfile and selects the instruction. */
export async function revealRange(location: Location): Promise<void> {
  const { start, end } = location.range;
  const range = new vscode.Range(start.line, start.character, end.line, end.character);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(location.file));
  await vscode.window.showTextDocument(doc, { selection: range, preserveFocus: false });
}
