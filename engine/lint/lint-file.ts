import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ContextIndex } from '../context/context-index';
import { parseDockerfile } from '../dockerfile/parser';
import type { Dockerfile } from '../dockerfile/types';
import type { Store } from '../image/store';
import { baseFacts } from './base-facts';
import { lint } from './index';
import type { Finding, LintOptions } from './types';

export interface LintFileOptions {
  /** The Dockerfile's text when it differs from the disk (an editor buffer). */
  text?: string;
  /** The text already parsed (an editor parses each version once for every feature). */
  dockerfile?: Dockerfile;
  /** Build context folder; default the Dockerfile's folder. */
  context?: string;
  /** A context index to reuse between runs (the server keeps one per folder). */
  contextIndex?: ContextIndex;
  store?: Store;
  options?: Partial<LintOptions>;
}

/** Lints one Dockerfile with its build context: what `layerwise lint` and the editor both run. */
export async function lintFile(file: string, opts: LintFileOptions = {}): Promise<Finding[]> {
  const dockerfile = opts.dockerfile ?? parseDockerfile(opts.text ?? (await fs.readFile(file, 'utf8')));
  const context = opts.contextIndex ?? (await ContextIndex.open(opts.context ?? path.dirname(path.resolve(file))));
  const bases = await baseFacts(dockerfile, opts.store, opts.options?.baseOverrides);
  return lint({ dockerfile, context, bases, options: opts.options });
}
