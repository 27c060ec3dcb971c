// Runs the in-editor suite (test/vscode/suite/) in desktop VS Code with @vscode/test-electron,
// for machines that can download VS Code (or have one: set VSCODE_EXECUTABLE to its binary).
// Not used in CI here (no network for the download): there test/vscode/suite.test.ts runs the same
// suite in code-server.
//   npx tsc -p . && npm run build && node out/test/vscode/run-electron.js
// Env: VSCODE_EXECUTABLE (a local VS Code binary), VSCODE_VERSION (default 'stable'),
//      LAYERWISE_EXTENSION_DIR (default: the project root), LAYERWISE_SUITE_GREP.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { projectRoot, toolsDir } from './tools';

async function main(): Promise<number> {
  const extensionDevelopmentPath = path.resolve(process.env.LAYERWISE_EXTENSION_DIR || projectRoot);
  const extensionTestsPath = path.join(__dirname, 'suite', 'index.js');
  if (!fs.existsSync(path.join(extensionDevelopmentPath, 'dist', 'extension.js'))) {
    console.error(`${extensionDevelopmentPath}/dist/extension.js not built: run npm run build`);
    return 1;
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'layerwise-electron-'));
  try {
    // A fresh user-data folder whose settings point the image store at a temp folder.
    const userDataDir = path.join(tmp, 'user-data');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({
      'layerwise.store': path.join(tmp, 'store'),
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'security.workspace.trust.enabled': false,
    }, null, 2));
    // A copy of examples/hello with while.sh not executable (the LW2001 case).
    const workspace = path.join(tmp, 'hello');
    fs.cpSync(path.join(projectRoot, 'examples', 'hello'), workspace, { recursive: true });
    fs.chmodSync(path.join(workspace, 'while.sh'), 0o644);

    const env: Record<string, string | undefined> = { LAYERWISE_EXAMPLE: workspace };
    if (process.env.LAYERWISE_SUITE_GREP) env.LAYERWISE_SUITE_GREP = process.env.LAYERWISE_SUITE_GREP;
    await runTests({
      ...(process.env.VSCODE_EXECUTABLE
        ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE }
        : { version: process.env.VSCODE_VERSION || 'stable' }),
      cachePath: path.join(toolsDir, 'vscode-test'), // the download, kept out of the work tree
      extensionDevelopmentPath,
      extensionTestsPath,
      extensionTestsEnv: env,
      launchArgs: [
        workspace,
        '--user-data-dir', userDataDir,
        '--extensions-dir', path.join(tmp, 'extensions'),
        '--disable-extensions', // other installed extensions; the development one still loads
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-gpu',
      ],
    });
    return 0;
  } catch (e) {
    console.error(`the suite failed in VS Code: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
}

main().then((code) => { process.exitCode = code; });
