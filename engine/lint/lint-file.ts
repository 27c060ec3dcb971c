import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ContextIndex } from '../context/context-index';
import { loadDockerignore } from '../context/dockerignore';
import { parseDockerfile } from '../dockerfile/parser';
import type { Dockerfile } from '../dockerfile/types';
import type { Store } from '../image/store';
import { baseFacts } from './base-facts';
import { loadLintConfig } from './config/find-config';
import { mergeLintOptions, type LintConfig } from './config/hadolint-config';
import { ruleFindings, settleFindings } from './index';
import { shellcheckFindings } from './shellcheck/run-shellcheck';
import type { Finding, LintOptions } from './types';

/**
 * A problem in setting up the lint (an unreadable `.hadolint.yaml`, ShellCheck failing):
 * reported as a finding so that nothing else is lost, and linting goes on without it.
 */
export const SETUP_RULE = 'LW0002';

export interface LintFileOptions {
  /** The Dockerfile's text when it differs from the disk (an editor buffer). */
  text?: string;
  /** The text already parsed (an editor parses each version once for every feature). */
  dockerfile?: Dockerfile;
  /** Build context folder; default the Dockerfile's folder. */
  context?: string;
  /** A context index to reuse between runs (the server keeps one per folder); null: no build context (an unsaved buffer), so context rules stay silent. */
  contextIndex?: ContextIndex | null;
  store?: Store;
  /** Explicit settings; they win over the configuration file's. */
  options?: Partial<LintOptions>;
  /** The `.hadolint.yaml` to use (from loadLintConfig); default: found as hadolint finds it; null: none. */
  config?: LintConfig | null;
  /**
   * Called with the rules' findings as soon as they are known, before ShellCheck's (a process
   * of its own, slower on a long file), so an editor can show them at once.
   */
  onRuleFindings?: (findings: Finding[]) => void;
  /** Keeps what was read besides the Dockerfile for the next call (see LintFileCache). */
  cache?: LintFileCache;
}

/**
 * The files linting reads besides the Dockerfile (its `.hadolint.yaml`, found by walking up, and
 * the context's `.dockerignore`), kept for a caller that lints the same file on every keystroke
 * and knows when files on disk change: it makes a new cache then.
 */
export class LintFileCache {
  readonly configs = new Map<string, Promise<LintConfig | undefined>>();
  readonly ignores = new Map<string, Promise<string[] | undefined>>();
}

function remembered<T>(table: Map<string, Promise<T>> | undefined, key: string, load: () => Promise<T>): Promise<T> {
  if (!table) return load();
  let found = table.get(key);
  if (!found) table.set(key, (found = load()));
  return found;
}

/** Lints one Dockerfile with its build context: what `layerwise lint` and the editor both run. */
export async function lintFile(file: string, opts: LintFileOptions = {}): Promise<Finding[]> {
  const dockerfile = opts.dockerfile ?? parseDockerfile(opts.text ?? (await fs.readFile(file, 'utf8')));
  const extra: Finding[] = [];
  let config = opts.config ?? undefined;
  if (opts.config === undefined) {
    try {
      config = await remembered(opts.cache?.configs, file, () => loadLintConfig(file));
    } catch (e) {
      extra.push(configProblem(e as Error));
    }
  }
  const options = mergeLintOptions(config?.options ?? {}, opts.options);
  const shellcheck = shellcheckFindings(dockerfile, options.shellcheckPath ?? '').catch((e: Error) => [shellcheckProblem(e)]);
  const [index, bases] = await Promise.all([
    opts.contextIndex === null ? undefined : (opts.contextIndex ?? ContextIndex.open(opts.context ?? path.dirname(path.resolve(file)))),
    baseFacts(dockerfile, opts.store, options.baseOverrides),
  ]);
  // An unreadable .dockerignore fails the build itself; the rules then just lack the patterns.
  const context =
    index &&
    index.withDockerignore(await remembered(opts.cache?.ignores, `${index.root}\0${path.resolve(file)}`, () => loadDockerignore(index.root, path.resolve(file)).catch(() => undefined)));
  const request = { dockerfile, context, bases, options };
  const found = [...ruleFindings(request), ...extra];
  opts.onRuleFindings?.(settleFindings(request, found));
  return settleFindings(request, [...found, ...(await shellcheck)]);
}

const TOP = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function configProblem(e: Error): Finding {
  return { rule: SETUP_RULE, severity: 'error', range: TOP, message: `${e.message}; linted with the default settings`, fixes: [], related: [] };
}

function shellcheckProblem(e: Error): Finding {
  return { rule: SETUP_RULE, severity: 'warning', range: TOP, message: `ShellCheck could not check this file's RUN scripts: ${e.message}`, fixes: [], related: [] };
}
