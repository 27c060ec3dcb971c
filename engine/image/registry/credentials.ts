import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { RegistryError, redact } from './errors';
import { credentialKeyDomain, DOCKER_HUB_AUTH_KEY } from './hosts';
import { DEFAULT_DOMAIN } from '../reference';

/**
 * A login for one registry. The secret fields are not enumerable and the object prints as
 * "[credential for X]", so logging or JSON-serializing it never shows them.
 */
export class Credential {
  declare readonly username: string | undefined;
  declare readonly password: string | undefined;
  /** An OAuth2 refresh token (config.json `identitytoken`, or a helper's `<token>` user). */
  declare readonly identityToken: string | undefined;
  /** A bearer token to send as it is (config.json `registrytoken`). */
  declare readonly registryToken: string | undefined;

  constructor(
    readonly registry: string,
    /** Where it came from: "config.json", "credsStore osxkeychain", "credHelpers ecr-login". */
    readonly source: string,
    secrets: { username?: string; password?: string; identityToken?: string; registryToken?: string },
  ) {
    for (const key of ['username', 'password', 'identityToken', 'registryToken'] as const) {
      Object.defineProperty(this, key, { value: secrets[key] || undefined, enumerable: false });
    }
  }

  /** The values to redact from anything shown. */
  secrets(): string[] {
    return [this.password, this.identityToken, this.registryToken, this.username && this.password ? `${this.username}:${this.password}` : undefined].filter((s): s is string => !!s);
  }

  /** The Basic authorization value, when there is a username and password. */
  basic(): string | undefined {
    return this.username !== undefined && this.password !== undefined ? `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}` : undefined;
  }

  toJSON(): unknown {
    return { registry: this.registry, source: this.source };
  }

  toString(): string {
    return `[credential for ${this.registry} from ${this.source}]`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** Finds the login for a registry domain (docker.io, localhost:5000). */
export interface CredentialSource {
  get(domain: string): Promise<Credential | undefined>;
}

/** No logins at all (anonymous access only). */
export const anonymous: CredentialSource = { get: async () => undefined };

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/**
 * Logins as the Docker CLI keeps them: `$DOCKER_CONFIG/config.json` (else ~/.docker/config.json)
 * with `credHelpers` (per registry) first, then `credsStore`, then `auths` (base64 `auth`, or
 * `username`/`password`, `identitytoken`, `registrytoken`). Helpers are run as
 * `docker-credential-NAME get` with the server address on stdin, as Docker runs them.
 */
export class DockerCredentials implements CredentialSource {
  private config: Promise<{ file: string; config: DockerConfig }> | undefined;
  private readonly cache = new Map<string, Promise<Credential | undefined>>();

  constructor(private readonly options: { configDir?: string; env?: NodeJS.ProcessEnv } = {}) {}

  /** The config.json this source reads. */
  configFile(): string {
    const env = this.options.env ?? process.env;
    const dir = this.options.configDir ?? env.DOCKER_CONFIG ?? path.join(env.HOME || os.homedir(), '.docker');
    return path.join(dir, 'config.json');
  }

  get(domain: string): Promise<Credential | undefined> {
    let hit = this.cache.get(domain);
    if (!hit) {
      hit = this.lookup(domain);
      this.cache.set(domain, hit);
    }
    return hit;
  }

  private async lookup(domain: string): Promise<Credential | undefined> {
    const { file, config } = await (this.config ??= this.load());
    const serverAddress = domain === DEFAULT_DOMAIN ? DOCKER_HUB_AUTH_KEY : domain;
    const helper = findByDomain(config.credHelpers ?? {}, domain);
    if (helper) return runHelper(helper, serverAddress, domain, `credHelpers ${helper}`, this.options.env);
    if (config.credsStore) {
      const found = await runHelper(config.credsStore, serverAddress, domain, `credsStore ${config.credsStore}`, this.options.env);
      if (found) return found;
    }
    const entry = findByDomain(config.auths ?? {}, domain);
    if (!entry) return undefined;
    let { username, password } = entry;
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new RegistryError('credentials', `the "auth" for ${domain} in ${file} is not base64 of user:password`);
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
    if (!username && !password && !entry.identitytoken && !entry.registrytoken) return undefined;
    return new Credential(domain, file, { username, password, identityToken: entry.identitytoken, registryToken: entry.registrytoken });
  }

  private async load(): Promise<{ file: string; config: DockerConfig }> {
    const file = this.configFile();
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { file, config: {} };
      throw new RegistryError('credentials', `cannot read ${file}: ${(e as Error).message}`);
    }
    try {
      return { file, config: JSON.parse(text) as DockerConfig };
    } catch {
      // The parser's message may quote the file's contents, secrets included: not shown.
      throw new RegistryError('credentials', `${file} is not valid JSON`);
    }
  }
}

function findByDomain<T>(table: Record<string, T>, domain: string): T | undefined {
  if (domain in table) return table[domain];
  for (const [key, value] of Object.entries(table)) if (credentialKeyDomain(key) === domain) return value;
  return undefined;
}

/** Runs `docker-credential-NAME get`; "credentials not found" is no login, not an error. */
async function runHelper(name: string, serverAddress: string, domain: string, source: string, env: NodeJS.ProcessEnv | undefined): Promise<Credential | undefined> {
  const program = `docker-credential-${name}`;
  const { code, stdout, stderr, error } = await new Promise<{ code: number | null; stdout: string; stderr: string; error?: Error }>((resolve) => {
    const child = spawn(program, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, stdout: out, stderr: err, error: e });
    });
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve({ code: c, stdout: out, stderr: err });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(serverAddress);
  });
  if (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${program} is not on PATH` : error.message;
    throw new RegistryError('credentials', `cannot get the login for ${domain} from ${source}: ${why}`);
  }
  if (code !== 0) {
    if (/credentials not found/i.test(stdout + stderr)) return undefined;
    const said = redact(`${stdout} ${stderr}`.trim(), secretLike(stdout)).slice(0, 300);
    throw new RegistryError('credentials', `${program} get failed for ${domain} (exit ${code})${said ? `: ${said}` : ''}`);
  }
  let parsed: { Username?: string; Secret?: string };
  try {
    parsed = JSON.parse(stdout) as { Username?: string; Secret?: string };
  } catch {
    throw new RegistryError('credentials', `${program} get printed something that is not JSON for ${domain}`);
  }
  if (!parsed.Secret && !parsed.Username) return undefined;
  if (parsed.Username === '<token>') return new Credential(domain, source, { identityToken: parsed.Secret });
  return new Credential(domain, source, { username: parsed.Username, password: parsed.Secret });
}

/** Any "Secret" a helper's output holds, so a failing helper's message cannot leak it. */
function secretLike(text: string): string[] {
  return [...text.matchAll(/"Secret"\s*:\s*"([^"]*)"/g)].map((m) => m[1]);
}
