import { ResponseError } from 'vscode-languageserver';
import { StartError } from '../engine/container/preflight';
import { runContainer } from '../engine/container/run-container';
import { EngineError } from '../engine/errors';
import type { Store } from '../engine/image/store';
import type { RunErrorData, RunOutputParams, RunParams, RunResult } from './protocol';

/** Error code for a run that failed on purpose (cannot start, unknown image): not a server bug. */
export const RUN_FAILED = 2;

/**
 * The containers the server runs for the client, by the client's id, so `layerwise/stopRun`
 * can stop one (the run request then replies with what the container changed).
 */
export class Runs {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly output: (params: RunOutputParams) => void) {}

  /** Runs the image until it exits, times out or is stopped; failures to start become ResponseErrors with Docker's explanation. */
  async run(params: RunParams, store: Store): Promise<RunResult> {
    if (this.running.has(params.id)) throw new ResponseError<RunErrorData>(RUN_FAILED, `a run named ${params.id} is already running`, { code: 'USAGE' });
    const controller = new AbortController();
    this.running.set(params.id, controller);
    try {
      return await runContainer({
        store,
        image: params.ref,
        command: params.command,
        timeoutMs: params.timeoutSeconds !== undefined ? params.timeoutSeconds * 1000 : undefined,
        commit: params.commit,
        signal: controller.signal,
        onOutput: (text, stream) => this.output({ id: params.id, text, stream }),
      });
    } catch (e) {
      if (e instanceof EngineError) {
        throw new ResponseError<RunErrorData>(RUN_FAILED, e.message, { code: e.code, exitStatus: e instanceof StartError ? e.exitStatus : undefined });
      }
      throw e;
    } finally {
      this.running.delete(params.id);
    }
  }

  /** Stops a run; false when none has that id. */
  stop(id: string): boolean {
    const controller = this.running.get(id);
    controller?.abort();
    return controller !== undefined;
  }

  /** Stops every run (the server is shutting down). */
  stopAll(): void {
    for (const c of this.running.values()) c.abort();
  }
}
