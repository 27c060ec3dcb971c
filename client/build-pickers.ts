import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StagesResult } from '../server/protocol';

/** What Build Image asks for, remembered per Dockerfile. */
export interface BuildChoice {
  target?: string;
  tag?: string;
  buildArgs?: Record<string, string>;
}

const REFERENCE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?$/;

/**
 * Asks for the target stage (when there are several), the tag and the build args (when the
 * Dockerfile declares ARGs), each offering the last choice first. Undefined when dismissed.
 */
export async function pickBuildChoice(dockerfile: string, stages: StagesResult, previous: BuildChoice | undefined): Promise<BuildChoice | undefined> {
  const title = `Layerwise: Build ${vscode.workspace.asRelativePath(dockerfile)}`;
  let target: string | undefined;
  if (stages.stages.length > 1) {
    const items = stages.stages.map((s, i) => ({
      label: s.name ?? `stage ${s.index}`,
      description: `FROM ${s.from}${i === stages.stages.length - 1 ? ' · final stage' : ''}`,
      value: i === stages.stages.length - 1 ? undefined : s.name ?? String(s.index),
    }));
    const remembered = items.findIndex((i) => i.value === previous?.target);
    const ordered = remembered >= 0 ? [items[remembered], ...items.filter((_, i) => i !== remembered)] : items.reverse();
    const pick = await vscode.window.showQuickPick(ordered, { title, placeHolder: 'Target stage' });
    if (!pick) return undefined;
    target = pick.value;
  }
  const folder = path.basename(path.dirname(dockerfile)).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'image';
  const tag = await vscode.window.showInputBox({
    title,
    prompt: 'Tag for the image (empty: untagged)',
    value: previous?.tag ?? `${folder}:latest`,
    validateInput: (v) => (v === '' || REFERENCE.test(v) ? undefined : 'Not a valid image reference'),
  });
  if (tag === undefined) return undefined;
  let buildArgs: Record<string, string> | undefined;
  if (stages.args.length > 0) {
    const text = await vscode.window.showInputBox({
      title,
      prompt: `Build args, KEY=VALUE separated by spaces (empty: the defaults). Declared: ${stages.args.map((a) => (a.default === undefined ? a.name : `${a.name}=${a.default}`)).join(' ')}`,
      value: Object.entries(previous?.buildArgs ?? {}).map(([k, v]) => `${k}=${v}`).join(' '),
      validateInput: (v) => (parseBuildArgs(v) ? undefined : 'Write KEY=VALUE pairs separated by spaces'),
    });
    if (text === undefined) return undefined;
    buildArgs = parseBuildArgs(text);
  }
  return { target, tag, buildArgs };
}

/** `A=1 B=two` as a record; undefined when a word is not KEY=VALUE. */
export function parseBuildArgs(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf('=');
    if (eq <= 0) return undefined;
    out[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return out;
}
