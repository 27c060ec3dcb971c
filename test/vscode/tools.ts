// Where the VS Code test tools are (installed by test/vscode/install-code-server.sh).
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';

/** The project root (this file compiles to out/test/vscode/tools.js). */
export const projectRoot = findProjectRoot(__dirname);

/** $LAYERWISE_TOOLS, default <project>/.tools. */
export const toolsDir = path.resolve(process.env.LAYERWISE_TOOLS || path.join(projectRoot, '.tools'));

/** Node 24's bin folder: put it first on PATH to run code-server. */
export const node24Bin = path.join(toolsDir, 'node24', 'node_modules', 'node', 'bin');
export const node24 = path.join(node24Bin, 'node');

/** code-server's package folder and entry script (run with `node24 codeServerEntry ...`). */
export const codeServerDir = path.join(toolsDir, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server');
export const codeServerEntry = path.join(codeServerDir, 'out', 'node', 'entry.js');
/** Written by the install script once the install was verified. */
const codeServerMarker = path.join(toolsDir, `code-server-${CODE_SERVER_VERSION}`, '.layerwise-verified');

/** Debian's chromium (override with $LAYERWISE_CHROMIUM). */
export const chromiumPath = process.env.LAYERWISE_CHROMIUM || '/usr/bin/chromium';

export function hasNode24(): boolean {
  return isExecutable(node24);
}

export function hasCodeServer(): boolean {
  return hasNode24() && fs.existsSync(codeServerEntry) && fs.existsSync(codeServerMarker);
}

export function hasChromium(): boolean {
  return isExecutable(chromiumPath);
}

/** Why the browser tests cannot run here, or undefined when they can. */
export function missingTools(): string | undefined {
  if (!hasCodeServer()) return 'code-server not installed: run test/vscode/install-code-server.sh';
  if (!hasChromium()) return `chromium not found at ${chromiumPath}: apt-get install chromium`;
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findProjectRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'layerwise') return dir;
      } catch {
        // keep looking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(start, '..', '..', '..');
    dir = up;
  }
}
