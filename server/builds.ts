import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { ResponseError, type CancellationToken, type Diagnostic, type TextDocuments, type WorkDoneProgressReporter } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { buildAndAnalyze, parseBuilder, type BuilderChoice } from '../engine/build/delegate/select';
import type { BuildEvent } from '../engine/build/types';
import { EngineError } from '../engine/errors';
import type { Store } from '../engine/image/store';
import type { BuildErrorData, BuildParams, BuildResult } from './protocol';
import { buildFailureDiagnostic } from './service/diagnostics';

/** Error code for a build that failed on purpose (bad Dockerfile, missing file): not a server bug. */
export const BUILD_FAILED = 1;
/** LSP's RequestCancelled. */
const REQUEST_CANCELLED = -32800;

/**
 * Runs a build for the client with the configured builder (embedded or a delegate), reporting
 * each step through work-done progress and stopping when the request is cancelled. Failures
 * become ResponseErrors carrying the instruction's location, so the client can offer "Reveal
 * Instruction".
 */
export async function runBuild(
  params: BuildParams,
  store: Store,
  builder: BuilderChoice,
  documents: TextDocuments<TextDocument>,
  token: CancellationToken,
  progress: WorkDoneProgressReporter,
  log: (line: string) => void,
  onEvent?: (event: BuildEvent) => void,
): Promise<BuildResult> {
  const dockerfile = URI.parse(params.uri).fsPath;
  const controller = new AbortController();
  const subscription = token.onCancellationRequested(() => controller.abort());
  progress.begin('Building image', 0, path.basename(path.dirname(dockerfile)), true);
  try {
    return await buildAndAnalyze({
      builder: parseBuilder(params.builder ?? builder),
      context: params.context ?? path.dirname(dockerfile),
      dockerfile,
      dockerfileText: params.useOpenDocument ? documents.get(params.uri)?.getText() : undefined,
      tag: params.tag,
      target: params.target,
      buildArgs: params.buildArgs,
      store,
      signal: controller.signal,
      onEvent: (e) => {
        onEvent?.(e);
        if (e.type === 'step') {
          progress.report(Math.round(((e.step - 1) / e.steps) * 100), `[${e.step}/${e.steps}] ${e.instruction}`);
          log(`[${e.step}/${e.steps}] ${e.instruction}`);
        } else if (e.type === 'layer') log(`      layer ${e.digest} ${e.size} bytes, ${e.files} file(s)`);
        else if (e.type === 'cached') log(`      CACHED ${e.digest}`);
        else if (e.type === 'log') log(`      ${e.message}`);
        else if (e.type === 'done') log(`built ${e.ref ?? e.digest} in ${e.durationMs} ms`);
      },
    });
  } catch (e) {
    if (e instanceof EngineError) {
      log(`build failed: ${e.message}`);
      if (e.code === 'CANCELLED') throw new ResponseError(REQUEST_CANCELLED, 'build cancelled');
      const data: BuildErrorData = { code: e.code, location: e.location };
      throw new ResponseError<BuildErrorData>(BUILD_FAILED, e.message, data);
    }
    throw e;
  } finally {
    subscription.dispose();
    progress.done();
  }
}

/** The Dockerfile text a build request builds (the editor's, or the file's), when it can be read. */
export async function textToBuild(params: BuildParams, documents: TextDocuments<TextDocument>): Promise<string | undefined> {
  if (params.useOpenDocument) return documents.get(params.uri)?.getText();
  return fs.readFile(URI.parse(params.uri).fsPath, 'utf8').catch(() => undefined);
}

/** A build failure located in the requested Dockerfile, as the diagnostic to show on it while `text` is unchanged. */
export function buildProblem(e: unknown, params: BuildParams, text: string | undefined): { diagnostic: Diagnostic; text: string } | undefined {
  if (!(e instanceof ResponseError) || e.code !== BUILD_FAILED || text === undefined) return undefined;
  const location = (e.data as BuildErrorData | undefined)?.location;
  if (!location || location.file !== URI.parse(params.uri).fsPath) return undefined;
  return { diagnostic: buildFailureDiagnostic(e.message, location.range), text };
}
