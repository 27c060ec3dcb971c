// What every end-to-end test around the packaged extension does: find the VSIX, skip with the
// reason when the tools or the VSIX are missing, start code-server with it on a copy of an
// example, open the workbench in Chromium, run the steps under a deadline, and on failure keep a
// screenshot and the server's logs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { copyExample, openWorkbench, serverLogs, startCodeServer, stop, tempDir, type CodeServer } from './code-server';
import { missingTools, projectRoot } from './tools';

/** Where the tests write screenshots. */
export const resultsDir = path.join(projectRoot, 'test-results');
const verbose = !!process.env.LAYERWISE_VSCODE_VERBOSE;

/** The newest layerwise-*.vsix at the project root, or $LAYERWISE_VSIX. */
export function findVsix(): string | undefined {
  if (process.env.LAYERWISE_VSIX) return path.resolve(process.env.LAYERWISE_VSIX);
  return fs
    .readdirSync(projectRoot)
    .filter((f) => /^layerwise-.*\.vsix$/.test(f))
    .map((f) => path.join(projectRoot, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

export interface E2EOptions {
  /** Settings over code-server's base ones; `layerwise.store` is a fresh temp folder. */
  settings?: Record<string, unknown>;
  timeoutMs: number;
  /** Screenshot name (in test-results/) when the steps fail. */
  failureShot: string;
}

/**
 * Runs `steps` against the packaged extension in a fresh code-server opened on a copy of
 * examples/hello (while.sh without its execute bit), or skips the test saying why.
 */
export async function runE2E(t: TestContext, options: E2EOptions, steps: (page: Page, step: (what: string) => void, workspace: string) => Promise<void>): Promise<void> {
  const vsix = findVsix();
  const why = missingTools() ?? (vsix && fs.existsSync(vsix) ? undefined : `no layerwise-*.vsix at ${projectRoot}: run npm run package`);
  if (why) {
    console.log(`skipped: ${why}`);
    t.skip(why);
    return;
  }
  const started = Date.now();
  const step = (what: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`);
  let server: CodeServer | undefined;
  let page: Page | undefined;
  let timer: NodeJS.Timeout | undefined;
  fs.mkdirSync(resultsDir, { recursive: true });
  try {
    const run = async () => {
      const workspace = copyExample('hello');
      server = await startCodeServer({
        vsix,
        settings: { 'layerwise.store': tempDir('layerwise-store-'), ...options.settings },
        log: verbose ? (l) => console.log(`[code-server] ${l}`) : undefined,
      });
      step(`code-server with ${path.basename(vsix!)} on ${server.url}; workspace ${workspace}`);
      const wb = await openWorkbench(server, workspace, undefined, { console: verbose ? (l) => console.log(l) : undefined });
      page = wb.page;
      await steps(page, step, workspace);
    };
    await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`e2e did not finish within ${options.timeoutMs} ms`)), options.timeoutMs);
      }),
    ]);
  } catch (e) {
    if (page) {
      const shot = path.join(resultsDir, options.failureShot);
      await page.screenshot({ path: shot }).then(() => console.error(`failure screenshot: ${shot}`), () => undefined);
    }
    if (server) console.error(serverLogs(server));
    throw e;
  } finally {
    if (timer) clearTimeout(timer);
    await stop();
  }
}
