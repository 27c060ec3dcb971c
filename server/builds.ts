import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { ResponseError, type CancellationToken, type Diagnostic, type TextDocuments, type WorkDoneProgressReporter } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisMemo } from '../engine/analyze/analysis-memo';
import { WarmContexts } from '../engine/build/cache/warm-contexts';
import { buildAndAnalyze, parseBuilder } from '../engine/build/delegate/select';
import type { BuildEvent } from '../engine/build/types';
import { EngineError } from '../engine/errors';
import type { Store } from '../engine/image/store';
import { REQUEST_CANCELLED, REQUEST_FAILED } from './errors';
import type { BuildAnswer, BuildAnswerFull, BuildErrorData, BuildParams, BuildResult, ServerSettings } from './protocol';
import { buildFailureDiagnostic } from './service/diagnostics';

/** Error code for a build that failed on purpose (bad Dockerfile, missing file): not a server bug. */
export const BUILD_FAILED = REQUEST_FAILED;

// Builds by client id: a cancel for an id whose build has not started yet is kept for it
// (a cancel and its request can cross), and forgotten after a while.
const running = new Map<string, AbortController>();
const cancelledEarly = new Map<string, NodeJS.Timeout>();
const EARLY_CANCEL_MS = 60_000;

// The server outlives its builds: it watches the contexts it built, so a rebuild of an unchanged
// one is not walked and hashed again, and keeps the last analyses (docs/builders.md, "Warm rebuilds").
const warm = new WarmContexts();
const analyses = new AnalysisMemo();

/** Stops the build with this client id, now or when its request arrives. */
export function cancelBuild(id: string): void {
  const controller = running.get(id);
  if (controller) return controller.abort();
  clearTimeout(cancelledEarly.get(id));
  cancelledEarly.set(id, setTimeout(() => cancelledEarly.delete(id), EARLY_CANCEL_MS).unref());
}

/**
 * Runs a build for the client with the configured builder (embedded or a delegate), reporting
 * each step through work-done progress and stopping when the request is cancelled. Failures
 * become ResponseErrors carrying the instruction's location, so the client can offer "Reveal
 * Instruction".
 */
export async function runBuild(
  params: BuildParams,
  store: Store,
  settings: Pick<ServerSettings, 'builder' | 'sandbox'>,
  documents: TextDocuments<TextDocument>,
  token: CancellationToken,
  progress: WorkDoneProgressReporter,
  log: (line: string) => void,
  onEvent?: (event: BuildEvent) => void,
): Promise<BuildAnswerFull> {
  const dockerfile = URI.parse(params.uri).fsPath;
  const controller = new AbortController();
  const subscription = token.onCancellationRequested(() => controller.abort());
  if (params.id) {
    if (cancelledEarly.delete(params.id)) controller.abort();
    running.set(params.id, controller);
  }
  progress.begin('Building image', 0, path.basename(path.dirname(dockerfile)), true);
  let step: string | undefined;
  const cachedLayers: string[] = [];
  try {
    const result = await buildAndAnalyze({
      builder: parseBuilder(params.builder ?? settings.builder),
      context: params.context ?? path.dirname(dockerfile),
      dockerfile,
      dockerfileText: params.useOpenDocument ? documents.get(params.uri)?.getText() : undefined,
      tag: params.tag,
      target: params.target,
      buildArgs: params.buildArgs,
      store,
      noCache: params.noCache,
      sandbox: settings.sandbox,
      warm,
      analyses,
      signal: controller.signal,
      onEvent: (e) => {
        onEvent?.(e);
        if (e.type === 'step') {
          step = `[${e.step}/${e.steps}] ${e.instruction}`;
          progress.report(Math.round(((e.step - 1) / e.steps) * 100), step);
          log(step);
        } else if (e.type === 'layer') log(`      layer ${e.digest} ${e.size} bytes, ${e.files} file(s)`);
        else if (e.type === 'cached') {
          cachedLayers.push(e.digest);
          log(`      CACHED ${e.digest}`);
        } else if (e.type === 'log') log(`      ${e.message}`);
        else if (e.type === 'done') log(`built ${e.ref ?? e.digest} in ${e.durationMs} ms`);
      },
    });
    return { image: result.image, durationMs: result.durationMs, cachedLayers: cachedLayers as BuildResult['cachedLayers'], analysisKey: analyses.keyOf(result.image) };
  } catch (e) {
    if (e instanceof EngineError) {
      log(`build failed: ${e.message}`);
      if (e.code === 'CANCELLED') throw new ResponseError(REQUEST_CANCELLED, 'build cancelled');
      const data: BuildErrorData = { code: e.code, location: e.location, step };
      throw new ResponseError<BuildErrorData>(BUILD_FAILED, e.message, data);
    }
    throw e;
  } finally {
    if (params.id) running.delete(params.id);
    subscription.dispose();
    progress.done();
  }
}

/** What to send back: the analysis, or only its key when the client said it holds that one (a no-op rebuild's analysis is megabytes of JSON). */
export function buildAnswer(result: BuildAnswerFull, knownAnalysis: string | undefined): BuildAnswer {
  if (knownAnalysis !== undefined && result.analysisKey === knownAnalysis) return { sameAnalysis: knownAnalysis, durationMs: result.durationMs, cachedLayers: result.cachedLayers };
  return result;
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
