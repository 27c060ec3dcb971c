import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSign, randomBytes, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyStore } from '../../engine/image/store-maintenance';
import { Store } from '../../engine/image/store';
import { makeBusyboxImage, busyboxBinary } from './busybox';
import { tempDir } from './fixtures';
import { hasCommand, run } from './tools';
import { projectRoot } from './paths';

let scratchRoot: string | undefined;
let scratchCount = 0;

/** A fresh folder under one temp root per process (fixtures' tempDir adds an exit listener per call). */
export function scratchDir(prefix = 'd'): string {
  scratchRoot ??= tempDir('layerwise-registry-test-');
  return fs.mkdtempSync(path.join(scratchRoot, `${prefix}-${++scratchCount}-`));
}

/** Debian's distribution registry (apt-get install docker-registry). */
export function registryBinary(): string | undefined {
  for (const p of ['/usr/bin/docker-registry', '/usr/local/bin/docker-registry', '/usr/bin/registry']) if (fs.existsSync(p)) return p;
  return hasCommand('docker-registry') ? 'docker-registry' : undefined;
}

/** Why registry tests cannot run here, or undefined. */
export function registrySkipReason(needs: { skopeo?: boolean; busybox?: boolean; htpasswd?: boolean; openssl?: boolean } = {}): string | undefined {
  if (!registryBinary()) return 'the distribution registry is not installed (apt-get install docker-registry)';
  if (needs.skopeo && !hasCommand('skopeo')) return 'skopeo is not installed (apt-get install skopeo)';
  if (needs.busybox && !busyboxBinary()) return 'busybox-static is not installed (apt-get install busybox-static)';
  if (needs.htpasswd && !hasCommand('htpasswd')) return 'htpasswd is not installed (apt-get install apache2-utils)';
  if (needs.openssl && !hasCommand('openssl')) return 'openssl is not installed (apt-get install openssl)';
  return undefined;
}

/** A port nothing listens on right now (on 127.0.0.1). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningRegistry {
  /** host:port, as a reference domain: 127.0.0.1:PORT. */
  host: string;
  port: number;
  url: string;
  /** Its storage folder. */
  dir: string;
  stop(): Promise<void>;
}

export interface RegistryAuth {
  htpasswd?: { user: string; password: string };
  token?: TokenServer;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
// node --test ends a file that times out with SIGTERM: take the registries along.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGKILL');
    process.exit(128 + (signal === 'SIGTERM' ? 15 : 2));
  });
}

/**
 * Starts `docker-registry serve` on 127.0.0.1 and a free port, with a temp storage folder and
 * its own YAML config (htpasswd or token auth when asked), and waits until it answers.
 */
export async function startRegistry(auth: RegistryAuth = {}): Promise<RunningRegistry> {
  const binary = registryBinary();
  if (!binary) throw new Error('docker-registry is not installed');
  const dir = scratchDir('registry');
  const storage = path.join(dir, 'storage');
  fs.mkdirSync(storage);
  let authYaml = '';
  if (auth.htpasswd) {
    const file = path.join(dir, 'htpasswd');
    fs.writeFileSync(file, run('htpasswd', ['-Bbn', auth.htpasswd.user, auth.htpasswd.password]));
    authYaml = `auth:\n  htpasswd:\n    realm: layerwise-test\n    path: ${file}\n`;
  } else if (auth.token) {
    const t = auth.token;
    authYaml = `auth:\n  token:\n    realm: ${t.realm}\n    service: ${t.service}\n    issuer: ${t.issuer}\n    rootcertbundle: ${t.certFile}\n`;
  }
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const config = path.join(dir, 'config.yml');
    fs.writeFileSync(
      config,
      [
        'version: 0.1',
        'log:',
        '  level: error',
        '  accesslog:',
        '    disabled: true',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${storage}`,
        '  delete:',
        '    enabled: true',
        'http:',
        `  addr: 127.0.0.1:${port}`,
        '  secret: layerwise-test-secret',
        authYaml,
      ].join('\n'),
    );
    const logFile = path.join(dir, `registry-${attempt}.log`);
    const log = fs.openSync(logFile, 'a');
    const child = spawn(binary, ['serve', config], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    running.add(child);
    let exited = false;
    child.once('exit', () => {
      exited = true;
      running.delete(child);
    });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100 && !exited; i++) {
      const status = await fetch(`${url}/v2/`).then((r) => r.status, () => 0);
      if (status === 200 || status === 401) {
        return {
          host: `127.0.0.1:${port}`,
          port,
          url,
          dir: storage,
          stop: async () => {
            if (exited) return;
            const gone = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            await Promise.race([gone, sleep(5000).then(() => child.kill('SIGKILL'))]);
          },
        };
      }
      await sleep(100);
    }
    child.kill('SIGKILL');
    if (attempt >= 2) throw new Error(`docker-registry did not start: ${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
  }
}

/** Makes the busybox image (from busybox-static) in a store and pushes it with skopeo to host/busybox:latest. */
export async function pushBusyboxWithSkopeo(host: string, repo = 'busybox:latest'): Promise<{ digest: string }> {
  const store = await Store.open(scratchDir('store'));
  await makeBusyboxImage(store);
  run('skopeo', ['copy', '--quiet', `oci:${store.dir}:docker.io/library/busybox:latest`, `docker://${host}/${repo}`, '--dest-tls-verify=false']);
  const info = JSON.parse(run('skopeo', ['inspect', '--tls-verify=false', `docker://${host}/${repo}`]));
  return { digest: info.Digest };
}

/** Fails with the store's problems when any blob does not hash to its name or a tagged image is incomplete. */
export async function assertStoreSound(store: Store): Promise<number> {
  const report = await verifyStore(store);
  if (report.problems.length > 0) throw new Error(`store ${store.dir} is not sound:\n${report.problems.join('\n')}`);
  return report.blobs;
}

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certFile: string;
  /** Every token request: the account it authenticated as (or anonymous) and the scopes. */
  requests: { user: string | undefined; scopes: string[]; status: number }[];
  stop(): Promise<void>;
}

/**
 * A bearer token service as Docker Hub's: GET /token?service=&scope=... with optional Basic
 * credentials; issues RS256 JWTs (x5c header, a self-signed certificate made by openssl) that
 * the registry's `auth: token` checks. `grant(user, repository)` says which actions a user
 * (undefined: anonymous) may have; wrong credentials get 401.
 */
export async function startTokenServer(users: Record<string, string>, grant: (user: string | undefined, repository: string) => string[]): Promise<TokenServer> {
  const dir = scratchDir('token');
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=layerwise-test-token'], { stdio: 'ignore' });
  const key = fs.readFileSync(keyFile, 'utf8');
  const x5c = new X509Certificate(fs.readFileSync(certFile)).raw.toString('base64');
  const service = 'layerwise-test-registry';
  const issuer = 'layerwise-test-issuer';
  const requests: TokenServer['requests'] = [];
  const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    let user: string | undefined;
    const header = req.headers.authorization ?? '';
    if (header.startsWith('Basic ')) {
      const [u, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      if (users[u] === undefined || users[u] !== rest.join(':')) {
        requests.push({ user: u, scopes, status: 401 });
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ details: 'incorrect username or password' }));
        return;
      }
      user = u;
    }
    const access = scopes.map((s) => {
      const [type, ...mid] = s.split(':');
      const actions = mid.pop()!.split(',');
      const name = mid.join(':');
      const allowed = grant(user, name);
      return { type, name, actions: actions.filter((a) => allowed.includes(a)) };
    });
    const now = Math.floor(Date.now() / 1000);
    const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [x5c] }));
    const claims = b64url(JSON.stringify({ iss: issuer, sub: user ?? '', aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access }));
    const signature = createSign('RSA-SHA256').update(`${head}.${claims}`).sign(key);
    const token = `${head}.${claims}.${b64url(signature)}`;
    requests.push({ user, scopes, status: 200 });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certFile,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export type Fault = 'pass' | 'reset' | 'reset-mid-body' | 'short-body' | 'stall-mid-body' | 'corrupt' | '500' | '503' | '404';

export interface FaultProxy {
  host: string;
  port: number;
  /** Requests seen, as "METHOD path -> fault". */
  log: string[];
  stop(): Promise<void>;
}

/**
 * A proxy in front of a registry that misbehaves on purpose. `plan(method, path, n)` picks the
 * fault for the n-th request (from 1) of that method and path: reset the connection before
 * answering or halfway through a body, send a short body (a Content-Length that says so),
 * stop sending halfway and hang, flip a byte of a body, or answer 500/503/404.
 */
export async function startFaultProxy(targetPort: number, plan: (method: string, urlPath: string, n: number) => Fault): Promise<FaultProxy> {
  const counts = new Map<string, number>();
  const log: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const key = `${req.method} ${(req.url ?? '').split('?')[0]}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    const fault = plan(req.method ?? 'GET', (req.url ?? '').split('?')[0], n);
    log.push(`${key} -> ${fault}`);
    if (fault === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    if (fault === '500' || fault === '503' || fault === '404') {
      req.resume();
      res.writeHead(Number(fault), { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: fault === '404' ? 'BLOB_UNKNOWN' : 'UNKNOWN', message: `injected ${fault}` }] }));
      return;
    }
    const upstream = http.request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (up) => {
      if (fault === 'pass' || req.method === 'HEAD') {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const body = Buffer.concat(chunks);
        const half = body.subarray(0, Math.floor(body.length / 2));
        if (fault === 'reset-mid-body') {
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.write(half, () => setTimeout(() => req.socket.resetAndDestroy(), 20));
        } else if (fault === 'stall-mid-body') {
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.write(half);
        } else if (fault === 'short-body') {
          res.writeHead(up.statusCode ?? 502, { ...up.headers, 'content-length': String(half.length) });
          res.end(half);
        } else {
          const bad = Buffer.from(body);
          if (bad.length > 0) bad[bad.length >> 1] ^= 0xff;
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(bad);
        }
      });
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
  return {
    host: `127.0.0.1:${port}`,
    port,
    log,
    stop: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Runs the compiled CLI (out/engine/cli/bin.js) in a child process; resolves with its exit code and output. */
export function layerwise(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  const bin = path.join(projectRoot(), 'out', 'engine', 'cli', 'bin.js');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}
