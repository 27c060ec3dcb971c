// Recipe B: runs the mocha suite of test/vscode/suite/ inside a real VS Code extension host
// (code-server 4.139.1, driven through Chromium's smoke-test driver) with the development
// extension at the project root (`npm run build` first: it needs dist/extension.js).
// Skips, saying why, when code-server/chromium are not installed or the extension is not built.
//   node --test out/test/vscode/suite.test.js
// Env: LAYERWISE_EXTENSION_DIR (another extension folder), LAYERWISE_SUITE_GREP (mocha grep),
//      LAYERWISE_VSCODE_VERBOSE=1 (relay code-server's and the browser's output too),
//      LAYERWISE_KEEP_TMP=1 (keep the temp folders).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { test } from 'node:test';
import { copyExample, openWorkbench, serverLogs, startCodeServer, stop, tempDir, type CodeServer } from './code-server';
import { missingTools, projectRoot } from './tools';

const OVERALL_TIMEOUT = Number(process.env.LAYERWISE_SUITE_RUN_TIMEOUT) || 180_000;
const extensionDir = path.resolve(process.env.LAYERWISE_EXTENSION_DIR || projectRoot);
const suiteIndex = path.join(__dirname, 'suite', 'index.js');
const verbose = !!process.env.LAYERWISE_VSCODE_VERBOSE;
// Workbench chatter that the smoke-test driver forwards along with the suite's output (all of it
// still goes to test-results/vscode-suite.log).
const NOISE = new RegExp([
  'open-vsx\\.org', "authentication provider 'github'", 'Getting sessions', 'Got \\d+ sessions', 'AccountPolicyGate',
  'AgentHost', 'Creating a socket', 'connection token', 'reconnection-grace-time', 'Service Worker',
  'builtin extensions cache', 'vsda', 'marketplace', 'gallery',
].join('|'));

test('the Layerwise suite passes inside a real VS Code (code-server)', { timeout: OVERALL_TIMEOUT + 30_000 }, async (t) => {
  const why = missingTools()
    ?? (fs.existsSync(path.join(extensionDir, 'dist', 'extension.js')) ? undefined
      : `${path.join(extensionDir, 'dist', 'extension.js')} not built: run npm run build`)
    ?? (fs.existsSync(suiteIndex) ? undefined : `${suiteIndex} not compiled: run npx tsc -p .`);
  if (why) {
    console.log(`skipped: ${why}`);
    t.skip(why);
    return;
  }

  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  let server: CodeServer | undefined;
  let timer: NodeJS.Timeout | undefined;
  let logFile: fs.WriteStream = nullStream();
  try {
    fs.mkdirSync(path.join(projectRoot, 'test-results'), { recursive: true });
    const logPath = path.join(projectRoot, 'test-results', 'vscode-suite.log');
    logFile = fs.createWriteStream(logPath);
    console.log(`full log: ${logPath}`);
    const store = tempDir('layerwise-store-');
    const workspace = copyExample('hello');
    server = await startCodeServer({
      smokeTestDriver: true,
      settings: { 'layerwise.store': store },
      env: { LAYERWISE_EXAMPLE: workspace },
      log: verbose ? (l) => console.log(`[code-server] ${l}`) : undefined,
    });
    console.log(`code-server listening on ${server.url} (${elapsed()}); extension ${extensionDir}; workspace ${workspace}`);

    let finish!: (code: number) => void;
    const exited = new Promise<number>((resolve) => { finish = resolve; });
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the suite did not finish within ${OVERALL_TIMEOUT} ms`)), OVERALL_TIMEOUT);
    });

    await openWorkbench(server, workspace, [
      ['extensionDevelopmentPath', extensionDir],
      ['extensionTestsPath', suiteIndex],
      ['skipWelcome', 'true'],
    ], {
      console: verbose ? (l) => console.log(l) : undefined,
      beforeGoto: async (page) => {
        await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
          const parts = Array.isArray(args) ? args : [args];
          const text = format(...parts).replace(/\\t/g, '  ').replace(/\n$/, '');
          logFile.write(`[${String(type)}] ${text}\n`);
          if (!verbose && NOISE.test(text)) return;
          if (type === 'error' || type === 'warn') console.error(`[${type}] ${text}`);
          else console.log(text);
        });
        await page.exposeFunction('codeAutomationExit', (code: unknown) => finish(Number(code)));
      },
    });
    console.log(`workbench open (${elapsed()}); running ${suiteIndex}`);

    const code = await Promise.race([exited, timedOut]);
    console.log(`suite exited with ${code} after ${elapsed()}`);
    if (code !== 0) console.error(serverLogs(server));
    assert.equal(code, 0, 'the in-editor suite failed (see its log above)');
  } catch (e) {
    if (server && !(e instanceof assert.AssertionError)) console.error(serverLogs(server));
    throw e;
  } finally {
    if (timer) clearTimeout(timer);
    await stop();
    await new Promise<void>((r) => logFile.end(r));
  }
});

function nullStream(): fs.WriteStream {
  return { write: () => true, end: (cb?: () => void) => cb?.() } as unknown as fs.WriteStream;
}
