import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { ResponseError, type CancellationToken, type TextDocuments, type WorkDoneProgressReporter } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { build } from '../engine/build/builder';
import { delegateBuild, type BuilderChoice } from '../engine/build/delegate';
import type { BuildOptions } from '../engine/build/types';
import { EngineError } from '../engine/errors';
import type { Store } from '../engine/image/store';
import { REQUEST_CANCELLED, REQUEST_FAILED } from './errors';
import type { BuildErrorData, BuildParams, BuildResult, SandboxSetting } from './protocol';

/** Error code for a build that failed on purpose (bad Dockerfile, missing file): not a server bug. */
export const BUILD_FAILED = REQUEST_FAILED;

// Builds by client id: a cancel for an id whose build has not started yet is kept for it
// (a cancel and its request can cross), and forgotten after a while.
const running = new Map<string, AbortController>();
const cancelledEarly = new Map<string, NodeJS.Timeout>();
const EARLY_CANCEL_MS = 60_000;

/** Stops the build with this client id, now or when its request arrives. */
export function cancelBuild(id: string): void {
  const controller = running.get(id);
  if (controller) return controller.abort();
  clearTimeout(cancelledEarly.get(id));
  cancelledEarly.set(id, setTimeout(() => cancelledEarly.delete(id), EARLY_CANCEL_MS).unref());
}

/**
 * Runs a build for the client, reporting each step through work-done progress and stopping
 * when the request is cancelled. Failures become ResponseErrors carrying the instruction's
 * location, so the client can offer "Reveal Instruction".
 */
export async function runBuild(
  params: BuildParams,
  store: Store,
  documents: TextDocuments<TextDocument>,
  token: CancellationToken,
  progress: WorkDoneProgressReporter,
  log: (line: string) => void,
  settings: { sandbox: SandboxSetting; builder: BuilderChoice } = { sandbox: 'auto', builder: 'embedded' },
): Promise<BuildResult> {
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
    const options: BuildOptions = {
      context: params.context ?? path.dirname(dockerfile),
      dockerfile,
      dockerfileText: params.useOpenDocument ? documents.get(params.uri)?.getText() : undefined,
      tag: params.tag,
      target: params.target,
      buildArgs: params.buildArgs,
      store,
      noCache: params.noCache,
      sandbox: settings.sandbox,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step') {
          step = `[${e.step}/${e.steps}] ${e.instruction}`;
          progress.report(Math.round(((e.step - 1) / e.steps) * 100), step);
          log(step);
        } else if (e.type === 'layer') log(`      layer ${e.digest} ${e.size} bytes, ${e.files} file(s)`);
        else if (e.type === 'cached') {
          cachedLayers.push(e.digest);
          log(`      CACHED ${e.digest}`);
        }
        else if (e.type === 'log') {
          log(`      ${e.message}`);
          // A delegate builder's steps arrive as its own output lines.
          const announced = settings.builder === 'embedded' ? undefined : delegateStep(e.message);
          if (announced) progress.report(announced.percent, (step = announced.text));
        } else if (e.type === 'done') log(`built ${e.ref ?? e.digest} in ${e.durationMs} ms`);
      },
    };
    const result = settings.builder === 'embedded' ? await build(options) : await delegateBuild({ ...options, builder: settings.builder });
    return { ...result, cachedLayers: cachedLayers as BuildResult['cachedLayers'] };
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

/** `#7 [2/3] COPY x /` (BuildKit), `STEP 2/3: COPY x /` (buildah), `Step 2/3 : COPY x /` (classic). */
function delegateStep(line: string): { percent: number; text: string } | undefined {
  const m = /^(?:#\d+ \[(?:\S+ )?(\d+)\/(\d+)\]|STEP (\d+)\/(\d+):|Step (\d+)\/(\d+) :)\s*(.+)$/.exec(line.trim());
  if (!m) return undefined;
  const n = Number(m[1] ?? m[3] ?? m[5]);
  const of = Number(m[2] ?? m[4] ?? m[6]);
  return { percent: Math.round(((n - 1) / of) * 100), text: `[${n}/${of}] ${m[7]}` };
}
