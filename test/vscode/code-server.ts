// Runs a real VS Code (code-server 4.139.1 + Debian chromium driven by playwright-core) for a test.
// See /work/shared/notes/vscode-testing.md. Everything a run writes goes to a fresh temp folder
// that stop() removes (set LAYERWISE_KEEP_TMP=1 to keep it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPath, codeServerEntry, node24, node24Bin, projectRoot } from './tools';

/** The user settings every run starts from (the notes' list). */
export const baseSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false,
  'update.mode': 'none',
};

export interface StartOptions {
  /** Install this VSIX into the fresh extensions folder before starting. */
  vsix?: string;
  /** Merged over baseSettings into User/settings.json. */
  settings?: Record<string, unknown>;
  /** Start with `--vscode-option enable-smoke-test-driver` (needed for extensionDevelopmentPath/extensionTestsPath). */
  smokeTestDriver?: boolean;
  /** Extra environment for code-server (its extension host inherits it). */
  env?: Record<string, string>;
  /** Extra command-line arguments. */
  args?: string[];
  /** Where code-server's own output goes, line by line (default: only kept in server.log). */
  log?: (line: string) => void;
  /** How long to wait for it to listen (ms, default 30 s). */
  readyTimeout?: number;
}

export interface CodeServer {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** The run's temp folder (user data, extensions, TMPDIR, XDG_*, chromium profile, logs). */
  tmp: string;
  userDataDir: string;
  extensionsDir: string;
  /** code-server's stdout+stderr. */
  logFile: string;
  process: ChildProcess;
  /** The environment code-server runs with (fresh TMPDIR/XDG_*). */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export interface Workbench {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Called with the page before it navigates (e.g. page.exposeFunction for the smoke-test driver). */
  beforeGoto?: (page: Page) => Promise<void>;
  /** Browser console lines go here (default: dropped). */
  console?: (line: string) => void;
  viewport?: { width: number; height: number };
  /** ms to wait for the workbench (default 60 s). */
  timeout?: number;
}

const running = new Set<() => Promise<void>>();
const groups = new Set<number>();

// Last resort: never leave a code-server process group behind, whatever happens to the test.
process.on('exit', () => {
  for (const pid of groups) killGroup(pid, 'SIGKILL');
});

/** Starts code-server on a free port of 127.0.0.1 with fresh folders; resolves once it answers HTTP. */
export async function startCodeServer(opts: StartOptions = {}): Promise<CodeServer> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'layerwise-vscode-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const home = path.join(tmp, 'home');
  for (const d of [userDataDir, extensionsDir, path.join(userDataDir, 'User'), home, path.join(tmp, 'tmp'),
    path.join(tmp, 'xdg-config'), path.join(tmp, 'xdg-data'), path.join(tmp, 'xdg-cache')]) {
    fs.mkdirSync(d, { recursive: true });
  }
  const settings = { ...baseSettings, ...(opts.settings ?? {}) };
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

  const port = await freePort();
  const config = path.join(tmp, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);

  const env = cleanEnv({
    PATH: `${node24Bin}${path.delimiter}${process.env.PATH ?? ''}`,
    TMPDIR: path.join(tmp, 'tmp'),
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
    XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
    ...(opts.env ?? {}),
  });
  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  if (opts.vsix) {
    const r = spawnSync(node24, [codeServerEntry, ...common, '--install-extension', opts.vsix, '--force'], {
      env, encoding: 'utf8', timeout: 120_000,
    });
    if (r.status !== 0) {
      if (!process.env.LAYERWISE_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
      throw new Error(`code-server --install-extension ${opts.vsix} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
    }
  }

  const args = [codeServerEntry, '--config', config, ...common,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened',
    ...(opts.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...(opts.args ?? [])];
  const logFile = path.join(tmp, 'server.log');
  const logStream = fs.createWriteStream(logFile);
  const child = spawn(node24, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid!;
  groups.add(pid);
  let exited: string | undefined;
  child.on('exit', (code, signal) => { exited = `exited with ${code ?? signal}`; });
  for (const s of [child.stdout!, child.stderr!]) {
    let rest = '';
    s.on('data', (b: Buffer) => {
      logStream.write(b);
      if (!opts.log) return;
      const lines = (rest + b.toString('utf8')).split('\n');
      rest = lines.pop()!;
      for (const l of lines) opts.log(l);
    });
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    running.delete(stop);
    await terminateGroup(pid);
    groups.delete(pid);
    await new Promise<void>((r) => logStream.end(r));
    if (!process.env.LAYERWISE_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  };
  running.add(stop);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeout ?? 30_000);
  for (;;) {
    if (exited) {
      const out = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
      await stop();
      throw new Error(`code-server ${exited} before listening:\n${out}`);
    }
    if (await httpOk(`${url}/healthz`)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not listen on ${url} within ${opts.readyTimeout ?? 30_000} ms`);
    }
    await sleep(100);
  }
  return { port, url, tmp, userDataDir, extensionsDir, logFile, process: child, env, stop };
}

/**
 * Opens the workbench on `folder` in a fresh headless Chromium. `payload` is the workbench's
 * `payload` query parameter as [name, value] pairs (e.g. extensionDevelopmentPath); values that are
 * absolute paths may be given as such: they are turned into vscode-remote://127.0.0.1:PORT/… URIs.
 */
export async function openWorkbench(server: CodeServer, folder: string, payload?: [string, string][],
  opts: OpenOptions = {}): Promise<Workbench> {
  const profile = fs.mkdtempSync(path.join(server.tmp, 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    env: {
      ...(server.env as Record<string, string>),
      XDG_CONFIG_HOME: path.join(profile, 'config'),
      XDG_CACHE_HOME: path.join(profile, 'cache'),
      TMPDIR: server.env.TMPDIR!,
    },
    viewport: opts.viewport ?? { width: 1400, height: 850 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    running.delete(close);
    await context.close().catch(() => undefined);
  };
  running.add(close);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    if (opts.console) {
      const log = opts.console;
      page.on('console', (m) => log(`[browser ${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => log(`[browser pageerror] ${e.message}`));
    }
    if (opts.beforeGoto) await opts.beforeGoto(page);
    let url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
    if (payload) {
      const p = payload.map(([k, v]) => [k, path.isAbsolute(v) ? remoteUri(server, v) : v]);
      url += `&payload=${encodeURIComponent(JSON.stringify(p))}`;
    }
    await page.goto(url, { timeout: opts.timeout ?? 60_000 });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: opts.timeout ?? 60_000 });
    return { context, page, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** vscode-remote://127.0.0.1:PORT/ABS/PATH: how the workbench names a file on the code-server machine. */
export function remoteUri(server: CodeServer, absPath: string): string {
  return `vscode-remote://127.0.0.1:${server.port}${absPath.split(path.sep).map(encodeURIComponent).join('/')}`;
}

/** Runs a command from the command palette by its full title ("Category: Title"). */
export async function runPalette(page: Page, title: string, timeout = 15_000): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  // F1 opens the palette with '>' already typed; retry in case focus was still elsewhere.
  for (let i = 0; ; i++) {
    await page.locator('.monaco-workbench').focus().catch(() => undefined);
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 3_000 });
      break;
    } catch (e) {
      if (i >= 3) throw e;
    }
  }
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout });
  await row.click();
}

/** If an input box (not the command palette) shows up within `timeout`, accept its value with Enter. */
export async function acceptInputBox(page: Page, timeout: number): Promise<string | undefined> {
  const input = page.locator('.quick-input-widget input.input');
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await input.isVisible().catch(() => false)) {
      const value = await input.inputValue().catch(() => '>');
      if (!value.startsWith('>')) {
        await input.press('Enter');
        return value;
      }
    }
    await sleep(100);
  }
  return undefined;
}

/** Stops every code-server and browser started by this module (safe to call more than once). */
export async function stop(): Promise<void> {
  const all = [...running].reverse();
  for (const f of all) await f().catch(() => undefined);
}

/**
 * Copies examples/<name> of the project to a fresh temp folder (removed by stop()) and returns it.
 * Modes are set explicitly: `modes` maps file names to modes (default: while.sh stays 0644, which
 * is what the execute-bit check LW2001 is about).
 */
export function copyExample(name = 'hello', modes: Record<string, number> = { 'while.sh': 0o644 }): string {
  const src = path.join(projectRoot, 'examples', name);
  const dest = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'layerwise-ws-')), name);
  fs.cpSync(src, dest, { recursive: true });
  for (const [f, mode] of Object.entries(modes)) {
    if (fs.existsSync(path.join(dest, f))) fs.chmodSync(path.join(dest, f), mode);
  }
  const cleanup = async () => {
    running.delete(cleanup);
    if (!process.env.LAYERWISE_KEEP_TMP) fs.rmSync(path.dirname(dest), { recursive: true, force: true });
  };
  running.add(cleanup);
  return dest;
}

/** A fresh temp folder removed by stop(). */
export function tempDir(prefix = 'layerwise-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const cleanup = async () => {
    running.delete(cleanup);
    if (!process.env.LAYERWISE_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
  };
  running.add(cleanup);
  return dir;
}

/** The last lines of code-server's output and of the extension host's logs, for a failure report. */
export function serverLogs(server: CodeServer, lines = 60): string {
  const out: string[] = [];
  const tail = (file: string) => {
    try {
      const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
      out.push(`--- ${file} (last ${Math.min(lines, text.length)} of ${text.length} lines)`, ...text.slice(-lines));
    } catch {
      // gone already
    }
  };
  tail(server.logFile);
  const walk = (dir: string) => {
    let entries: fs.Dirent[] = [];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if ((e.name === 'remoteexthost.log' || e.name === 'exthost.log' || /layerwise/i.test(e.name)) && e.name.endsWith('.log')) tail(p);
    }
  };
  walk(path.join(server.userDataDir, 'logs'));
  return out.join('\n');
}

// ----------------------------------------------------------------------------------------------

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Variables of an enclosing VS Code, Electron or node:test would leak into the extension host.
    if (/^(VSCODE_|ELECTRON_)/.test(k) || k === 'NODE_TEST_CONTEXT' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 1_000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 400);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

function killGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

async function terminateGroup(pid: number): Promise<void> {
  if (!killGroup(pid, 'SIGTERM')) return;
  // Helper processes outlive the main one by about a second.
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    await sleep(100);
    if (!killGroup(pid, 0)) return;
  }
  killGroup(pid, 'SIGKILL');
  await sleep(200);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
