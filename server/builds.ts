import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { ResponseError, type CancellationToken, type TextDocuments, type WorkDoneProgressReporter } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { build } from '../engine/build/builder';
import { EngineError } from '../engine/errors';
import type { Store } from '../engine/image/store';
import { REQUEST_CANCELLED, REQUEST_FAILED } from './errors';
import type { BuildErrorData, BuildParams, BuildResult, SandboxSetting } from './protocol';

/** Error code for a build that failed on purpose (bad Dockerfile, missing file): not a server bug. */
export const BUILD_FAILED = REQUEST_FAILED;

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
  sandbox: SandboxSetting = 'auto',
): Promise<BuildResult> {
  const dockerfile = URI.parse(params.uri).fsPath;
  const controller = new AbortController();
  const subscription = token.onCancellationRequested(() => controller.abort());
  progress.begin('Building image', 0, path.basename(path.dirname(dockerfile)), true);
  let step: string | undefined;
  const cachedLayers: string[] = [];
  try {
    const result = await build({
      context: params.context ?? path.dirname(dockerfile),
      dockerfile,
      dockerfileText: params.useOpenDocument ? documents.get(params.uri)?.getText() : undefined,
      tag: params.tag,
      target: params.target,
      buildArgs: params.buildArgs,
      store,
      noCache: params.noCache,
      sandbox,
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
        else if (e.type === 'log') log(`      ${e.message}`);
        else if (e.type === 'done') log(`built ${e.ref ?? e.digest} in ${e.durationMs} ms`);
      },
    });
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
    subscription.dispose();
    progress.done();
  }
}
