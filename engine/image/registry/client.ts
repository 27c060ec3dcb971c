import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDigest } from '../digest';
import { MediaType, type Descriptor, type Digest } from '../oci';
import { DockerCredentials, type Credential, type CredentialSource } from './credentials';
import { RegistryError, redact } from './errors';
import type { EventSink, RegistryEvent } from './events';
import { registryEndpoint, INSECURE_ENV, type RegistryEndpoint } from './hosts';
import { send as httpSend, type HttpResponse } from './transport';
import { parseWwwAuthenticate, type Challenge } from './www-authenticate';

/** The Accept header for manifests: both image manifests and both indexes, OCI and Docker. */
export const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest].join(', ');

/** Manifests larger than this are refused (containerd's limit). */
const MAX_MANIFEST_BYTES = 4 << 20;

export interface RegistryOptions {
  /** Where logins come from; default Docker's config.json and credential helpers. */
  credentials?: CredentialSource;
  /** Extra plain-HTTP registries (host or host:port), beside $LAYERWISE_INSECURE_REGISTRIES and loopback. */
  insecure?: string[];
  env?: NodeJS.ProcessEnv;
  /** Retries after the first attempt, for connection failures and 5xx/429 (never other 4xx). Default $LAYERWISE_REGISTRY_RETRIES, else 4. */
  retries?: number;
  /** First backoff delay; it doubles each retry, with jitter, up to maxBackoffMs. Default $LAYERWISE_REGISTRY_BACKOFF_MS, else 500 ms. */
  backoffMs?: number;
  maxBackoffMs?: number;
  signal?: AbortSignal;
  onEvent?: EventSink;
  userAgent?: string;
}

export interface RegistryRequest {
  method: string;
  /** A path from the registry root (/v2/...) or an absolute URL (an upload Location). */
  url: string | URL;
  headers?: Record<string, string>;
  /** Only buffers, so a retried request sends the same bytes. */
  body?: Uint8Array;
  /** Token scopes, e.g. repository:library/busybox:pull. */
  scopes: string[];
  /** For messages: "manifest busybox:latest". */
  what: string;
  /** Retry connection failures and 5xx/429 (default true; false for non-idempotent upload steps). */
  retry?: boolean;
}

/** A failure worth another attempt: a reset connection, a 5xx, a short body. */
export class TransientError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
/** Connection failures worth another attempt (DNS failures, TLS errors and bad URLs are not). */
const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * One registry (one endpoint): authentication (anonymous or with a login; Basic, or bearer
 * tokens as Docker Hub hands them out), redirects (Authorization is never sent to another
 * host) and retries with exponential backoff. Logins never appear in messages or events.
 */
export class RegistryClient {
  readonly endpoint: RegistryEndpoint;
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, { token: string; expires: number }>();
  private readonly tokenRequests = new Map<string, Promise<string>>();
  private credential: Promise<Credential | undefined> | undefined;
  private readonly credentials: CredentialSource;

  constructor(
    readonly domain: string,
    readonly options: RegistryOptions = {},
  ) {
    this.endpoint = registryEndpoint(domain, { insecure: options.insecure, env: options.env });
    this.credentials = options.credentials ?? new DockerCredentials({ env: options.env });
  }

  get retries(): number {
    return this.options.retries ?? envNumber(this.options.env, 'LAYERWISE_REGISTRY_RETRIES') ?? 4;
  }

  emit(event: RegistryEvent): void {
    this.options.onEvent?.(event);
  }

  repository(name: string): RepositoryClient {
    return new RepositoryClient(this, name);
  }

  /** The login for this registry, looked up once. */
  login(): Promise<Credential | undefined> {
    return (this.credential ??= this.credentials.get(this.domain));
  }

  /** Removes every known secret from a text (for messages built from server answers). */
  async redact(text: string): Promise<string> {
    const cred = await this.login().catch(() => undefined);
    return redact(text, [...(cred?.secrets() ?? []), ...[...this.tokens.values()].map((t) => t.token)]);
  }

  /** Sends a request with authentication, redirects and (unless retry is false) retries. */
  async request(req: RegistryRequest): Promise<HttpResponse> {
    const url = typeof req.url === 'string' && req.url.startsWith('/') ? new URL(this.endpoint.baseUrl + req.url) : new URL(req.url);
    return this.retrying(req.what, req.retry !== false, async () => {
      let scopes = req.scopes;
      for (let authRetry = false; ; authRetry = true) {
        const headers = new Headers(req.headers);
        headers.set('user-agent', this.options.userAgent ?? 'layerwise');
        const sent = await this.authorize(headers, scopes);
        const res = await this.send(url, req.method, headers, req.body);
        if (res.status === 401 && !authRetry) {
          const next = await this.learn(res, scopes, sent);
          if (next) {
            await drain(res);
            scopes = next;
            continue;
          }
        }
        if (RETRY_STATUS.has(res.status)) {
          const detail = await errorDetail(res);
          throw new TransientError(`${res.status} ${res.statusText}${detail ? ` (${detail})` : ''}`, res.status, retryAfter(res));
        }
        return res;
      }
    });
  }

  /**
   * Runs `fn` again on transient failures, with exponential backoff and jitter; what still fails
   * becomes a RegistryError. With `enabled` false, runs it once and lets any error through.
   */
  async retrying<T>(what: string, enabled: boolean, fn: (attempt: number) => Promise<T>): Promise<T> {
    if (!enabled) {
      // One attempt; failures go up as they are, for an outer retry (a whole blob upload) to judge.
      try {
        return await fn(0);
      } catch (e) {
        if (this.options.signal?.aborted) throw new RegistryError('cancelled', 'cancelled', { cause: e });
        throw e;
      }
    }
    const retries = this.retries;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(attempt);
      } catch (e) {
        if (this.options.signal?.aborted) throw new RegistryError('cancelled', 'cancelled', { cause: e });
        const reason = transientReason(e);
        if (reason === undefined) throw e instanceof RegistryError ? e : await this.finalError(e, what, attempt);
        if (attempt >= retries) throw await this.finalError(e, what, attempt);
        const delayMs = this.backoff(attempt, e instanceof TransientError ? e.retryAfterMs : undefined);
        this.emit({ type: 'retry', what, attempt: attempt + 1, delayMs, reason: await this.redact(reason) });
        await sleep(delayMs, undefined, { signal: this.options.signal }).catch(() => {
          throw new RegistryError('cancelled', 'cancelled');
        });
      }
    }
  }

  backoff(attempt: number, retryAfterMs?: number): number {
    const base = this.options.backoffMs ?? envNumber(this.options.env, 'LAYERWISE_REGISTRY_BACKOFF_MS') ?? 500;
    const max = this.options.maxBackoffMs ?? 10_000;
    const exp = Math.min(max, base * 2 ** attempt);
    const jittered = Math.round(exp / 2 + Math.random() * (exp / 2));
    return Math.min(max, Math.max(jittered, retryAfterMs ?? 0));
  }

  /** Turns a registry's error answer into a RegistryError naming what failed and why. */
  async responseError(res: HttpResponse, what: string): Promise<RegistryError> {
    const detail = await this.redact(await errorDetail(res));
    const said = detail ? `: ${detail}` : '';
    const where = this.domain;
    if (res.status === 401) {
      const cred = await this.login().catch(() => undefined);
      const msg = cred
        ? `unauthorized: ${where} rejected the login from ${cred.source} for ${what}${said}`
        : `unauthorized: ${where} requires a login for ${what}${said}; log in with \`docker login ${where}\` (Layerwise reads Docker's config.json and credential helpers)`;
      return new RegistryError('unauthorized', msg, { status: 401 });
    }
    if (res.status === 403) return new RegistryError('denied', `denied: ${where} does not allow ${what}${said}`, { status: 403 });
    if (res.status === 404) return new RegistryError('not-found', `not found: ${what} on ${where}${said}`, { status: 404 });
    if (res.status >= 500) return new RegistryError('server', `${where} failed on ${what}: ${res.status} ${res.statusText}${said}`, { status: res.status });
    return new RegistryError('server', `${where} answered ${res.status} ${res.statusText} to ${what}${said}`, { status: res.status });
  }

  private async finalError(e: unknown, what: string, attempt: number): Promise<RegistryError> {
    const tries = attempt > 0 ? ` (after ${attempt + 1} attempts)` : '';
    if (e instanceof RegistryError) return e;
    if (e instanceof TransientError) {
      return new RegistryError(e.status ? 'server' : 'network', await this.redact(`${what} from ${this.domain}: ${e.message}${tries}`), { cause: e, status: e.status });
    }
    const { code, message } = networkCause(e);
    let hint = '';
    if (code && /SSL|TLS|CERT/.test(code) && !this.endpoint.insecure) hint = `; if ${this.domain} is a plain-HTTP registry, list it in $${INSECURE_ENV} or pass --insecure-registry ${this.domain}`;
    return new RegistryError('network', await this.redact(`${what}: cannot reach ${this.endpoint.baseUrl}: ${message}${code && !message.includes(code) ? ` (${code})` : ''}${tries}${hint}`), { cause: e });
  }

  /** Follows redirects by hand so that Authorization goes only to the registry's own origin. */
  private async send(url: URL, method: string, headers: Headers, body: Uint8Array | undefined): Promise<HttpResponse> {
    let target = url;
    for (let hops = 0; ; hops++) {
      const res = await httpSend(target, { method, headers, body, signal: this.options.signal });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location && (method === 'GET' || method === 'HEAD') && hops < 10) {
        await res.drain();
        const next = new URL(location, target);
        if (next.origin !== target.origin) headers.delete('authorization');
        target = next;
        continue;
      }
      return res;
    }
  }

  /** Adds what the registry asked for last time (a bearer token for these scopes, or Basic). Returns whether it sent any. */
  private async authorize(headers: Headers, scopes: string[]): Promise<boolean> {
    const challenge = this.challenge;
    if (!challenge) return false;
    if (challenge.scheme === 'basic') {
      const basic = (await this.login())?.basic();
      if (basic) headers.set('authorization', basic);
      return !!basic;
    }
    headers.set('authorization', `Bearer ${await this.token(challenge, scopes)}`);
    return true;
  }

  /** Reads a 401's challenge. Returns the scopes to retry with, or undefined when another try cannot help. */
  private async learn(res: HttpResponse, scopes: string[], sent: boolean): Promise<string[] | undefined> {
    const challenges = parseWwwAuthenticate(res.headers.get('www-authenticate') ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (bearer) {
      this.challenge = bearer;
      const wanted = mergeScopes(scopes, (bearer.params.scope ?? '').split(' ').filter(Boolean));
      const grows = scopeKey(wanted) !== scopeKey(mergeScopes(scopes));
      // A token for these very scopes was refused for its scope: another one would be too.
      // (An expired or invalid one is worth renewing once.)
      if (sent && bearer.params.error === 'insufficient_scope' && !grows) return undefined;
      this.tokens.delete(scopeKey(wanted));
      return wanted;
    }
    if (basic) {
      this.challenge = basic;
      if (sent) return undefined;
      return (await this.login())?.basic() ? scopes : undefined;
    }
    return undefined;
  }

  /** A bearer token for these scopes, from the cache or the challenge's realm. */
  private token(challenge: Challenge, wanted: string[]): Promise<string> {
    const scopes = mergeScopes(wanted);
    const key = scopeKey(scopes);
    const cached = this.tokens.get(key);
    if (cached && cached.expires > Date.now()) return Promise.resolve(cached.token);
    let pending = this.tokenRequests.get(key);
    if (!pending) {
      pending = this.fetchToken(challenge, scopes).finally(() => this.tokenRequests.delete(key));
      this.tokenRequests.set(key, pending);
    }
    return pending;
  }

  private async fetchToken(challenge: Challenge, scopes: string[]): Promise<string> {
    const cred = await this.login();
    if (cred?.registryToken) return cred.registryToken;
    const realm = new URL(challenge.params.realm);
    const service = challenge.params.service;
    const what = `a token for ${scopes.join(' ') || this.domain}`;
    const res = await this.retrying(what, true, async () => {
      const headers = new Headers({ 'user-agent': this.options.userAgent ?? 'layerwise' });
      let r: HttpResponse;
      if (cred?.identityToken) {
        // OAuth2 refresh token grant, as Docker does with an identity token.
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cred.identityToken, client_id: 'layerwise' });
        if (service) form.set('service', service);
        if (scopes.length) form.set('scope', scopes.join(' '));
        headers.set('content-type', 'application/x-www-form-urlencoded');
        r = await httpSend(realm, { method: 'POST', headers, body: form.toString(), signal: this.options.signal });
      } else {
        const url = new URL(realm);
        if (service) url.searchParams.set('service', service);
        for (const s of scopes) url.searchParams.append('scope', s);
        const basic = cred?.basic();
        if (basic) {
          headers.set('authorization', basic);
          if (cred?.username) url.searchParams.set('account', cred.username);
        }
        r = await httpSend(url, { method: 'GET', headers, signal: this.options.signal });
      }
      if (RETRY_STATUS.has(r.status)) {
        const detail = await errorDetail(r);
        throw new TransientError(`token service ${realm.origin} answered ${r.status}${detail ? ` (${detail})` : ''}`, r.status, retryAfter(r));
      }
      return r;
    });
    if (res.status === 401 || res.status === 403) {
      const detail = await this.redact(await errorDetail(res));
      throw new RegistryError(
        'unauthorized',
        cred
          ? `unauthorized: the token service of ${this.domain} (${realm.origin}) rejected the login from ${cred.source}${detail ? `: ${detail}` : ''}`
          : `unauthorized: the token service of ${this.domain} (${realm.origin}) requires a login${detail ? `: ${detail}` : ''}`,
        { status: res.status },
      );
    }
    if (!res.ok) throw await this.responseError(res, what);
    let body: { token?: string; access_token?: string; expires_in?: number; issued_at?: string };
    try {
      body = JSON.parse((await res.buffer(1 << 20)).toString('utf8')) as typeof body;
    } catch {
      throw new RegistryError('server', `the token service of ${this.domain} (${realm.origin}) did not answer JSON`);
    }
    const token = body.token || body.access_token;
    if (!token) throw new RegistryError('server', `the token service of ${this.domain} (${realm.origin}) answered without a token`);
    const issued = body.issued_at ? Date.parse(body.issued_at) : NaN;
    const start = Number.isFinite(issued) && Math.abs(issued - Date.now()) < 3600_000 ? issued : Date.now();
    this.tokens.set(scopeKey(scopes), { token, expires: start + Math.max(10, body.expires_in ?? 60) * 1000 - 5000 });
    return token;
  }
}

/** The calls on one repository of a registry. */
export class RepositoryClient {
  constructor(
    readonly client: RegistryClient,
    readonly name: string,
  ) {}

  get pullScope(): string {
    return `repository:${this.name}:pull`;
  }

  get pushScope(): string {
    return `repository:${this.name}:pull,push`;
  }

  /**
   * A manifest or index by tag or digest, as bytes (stored as they came, so their digest holds),
   * checked against the digest asked for and the registry's Docker-Content-Digest.
   */
  async manifest(reference: string, scopes = [this.pullScope]): Promise<{ bytes: Buffer; digest: Digest; mediaType: string }> {
    const what = `manifest ${this.name}${reference.includes(':') ? '@' : ':'}${reference}`;
    const res = await this.client.request({ method: 'GET', url: `/v2/${this.name}/manifests/${reference}`, headers: { accept: MANIFEST_ACCEPT }, scopes, what });
    if (!res.ok) throw await this.client.responseError(res, what);
    const bytes = await readLimited(res, MAX_MANIFEST_BYTES, what);
    const digest: Digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (isDigest(reference) && reference !== digest) {
      throw new RegistryError('digest', `${what}: the registry sent a manifest whose digest is ${digest}`);
    }
    const header = res.headers.get('docker-content-digest');
    if (header && header.startsWith('sha256:') && header !== digest) {
      throw new RegistryError('digest', `${what}: the content's digest ${digest} is not the ${header} the registry announced`);
    }
    let parsed: { mediaType?: string; schemaVersion?: number; manifests?: unknown; config?: unknown };
    try {
      parsed = JSON.parse(bytes.toString('utf8')) as typeof parsed;
    } catch {
      throw new RegistryError('server', `${what} is not JSON`);
    }
    const contentType = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    const known = [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest] as string[];
    const mediaType = parsed.mediaType || (known.includes(contentType) ? contentType : Array.isArray(parsed.manifests) ? MediaType.ociIndex : parsed.config ? MediaType.ociManifest : contentType);
    if (parsed.schemaVersion === 1 || /distribution\.manifest\.v1\+/.test(mediaType)) {
      throw new RegistryError('unsupported', `${what} is a Docker schema 1 manifest, which is deprecated and not supported; push it again with a current Docker`);
    }
    if (!known.includes(mediaType)) {
      throw new RegistryError('unsupported', `${what} has media type "${mediaType}", not an image manifest or index`);
    }
    return { bytes, digest, mediaType };
  }

  /** Whether the registry has a blob in this repository (HEAD). */
  async hasBlob(digest: Digest, scopes = [this.pullScope]): Promise<boolean> {
    const what = `blob ${digest} in ${this.name}`;
    const res = await this.client.request({ method: 'HEAD', url: `/v2/${this.name}/blobs/${digest}`, scopes, what });
    await drain(res);
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw await this.client.responseError(res, what);
  }

  /**
   * A blob's bytes, as an async iterable for Store.writeBlob (which checks the digest). A
   * connection that breaks or ends early is resumed with a Range request (or re-read from the
   * start where ranges are not served); more bytes than the descriptor says is an error.
   */
  async *blob(desc: Descriptor, onBytes?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
    const what = `blob ${desc.digest} of ${this.name}`;
    let offset = 0;
    for (let resumes = 0; ; ) {
      const headers: Record<string, string> = { 'accept-encoding': 'identity' };
      if (offset > 0) headers.range = `bytes=${offset}-`;
      const res = await this.client.request({ method: 'GET', url: `/v2/${this.name}/blobs/${desc.digest}`, headers, scopes: [this.pullScope], what });
      if (!res.ok) throw await this.client.responseError(res, what);
      let skip = 0;
      if (offset > 0 && res.status === 206) {
        const start = Number(/bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1] ?? NaN);
        if (start !== offset) {
          await drain(res);
          throw new RegistryError('server', `${what}: asked for bytes from ${offset}, the registry sent a range from ${start}`);
        }
      } else if (offset > 0) {
        skip = offset;
      }
      try {
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          let c = chunk;
          if (skip > 0) {
            if (c.length <= skip) {
              skip -= c.length;
              continue;
            }
            c = c.subarray(skip);
            skip = 0;
          }
          if (offset + c.length > desc.size) throw new RegistryError('digest', `${what}: the registry sent more than the ${desc.size} bytes the manifest gives its size`);
          offset += c.length;
          onBytes?.(offset);
          yield c;
        }
        if (offset < desc.size) throw new TransientError(`the connection ended after ${offset} of ${desc.size} bytes`);
        return;
      } catch (e) {
        if (this.client.options.signal?.aborted) throw new RegistryError('cancelled', 'cancelled', { cause: e });
        const reason = transientReason(e);
        if (e instanceof RegistryError || reason === undefined || resumes >= this.client.retries) {
          if (e instanceof RegistryError) throw e;
          throw new RegistryError(reason === undefined ? 'server' : 'network', await this.client.redact(`${what}: ${reason ?? (e as Error).message} after ${offset} of ${desc.size} bytes${resumes ? ` (${resumes + 1} attempts)` : ''}`), { cause: e });
        }
        const delayMs = this.client.backoff(resumes);
        resumes++;
        this.client.emit({ type: 'retry', what, attempt: resumes, delayMs, reason: `${reason}; resuming at byte ${offset}` });
        await sleep(delayMs, undefined, { signal: this.client.options.signal }).catch(() => {
          throw new RegistryError('cancelled', 'cancelled');
        });
      }
    }
  }

  /** Asks to mount a blob from another repository of the same registry. True when mounted; else the upload it started. */
  async mount(digest: Digest, from: string): Promise<{ mounted: true } | { mounted: false; location: URL }> {
    const what = `mounting ${digest} from ${from} into ${this.name}`;
    const url = `/v2/${this.name}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
    const res = await this.client.request({ method: 'POST', url, scopes: [this.pushScope, `repository:${from}:pull`], what, headers: { 'content-length': '0' } });
    if (res.status !== 201 && res.status !== 202) throw await this.client.responseError(res, what);
    await drain(res);
    return res.status === 201 ? { mounted: true } : { mounted: false, location: this.location(res, what) };
  }

  /** Starts an upload session; returns its Location. */
  async startUpload(digest: Digest): Promise<URL> {
    const what = `upload of ${digest} to ${this.name}`;
    const res = await this.client.request({ method: 'POST', url: `/v2/${this.name}/blobs/uploads/`, scopes: [this.pushScope], what, headers: { 'content-length': '0' } });
    if (res.status !== 202) throw await this.client.responseError(res, what);
    await drain(res);
    return this.location(res, what);
  }

  /** Sends the whole blob in the closing PUT. */
  async putBlob(location: URL, digest: Digest, data: Uint8Array): Promise<void> {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const what = `upload of ${digest} to ${this.name}`;
    const res = await this.client.request({ method: 'PUT', url, body: data, headers: { 'content-type': 'application/octet-stream' }, scopes: [this.pushScope], what, retry: false });
    if (res.status !== 201) throw await this.client.responseError(res, what);
    await drain(res);
  }

  /** Sends one chunk (PATCH with Content-Range); returns the Location for the next. */
  async patchChunk(location: URL, digest: Digest, data: Uint8Array, start: number): Promise<URL> {
    const what = `upload of ${digest} to ${this.name} (bytes ${start}-${start + data.length - 1})`;
    const headers = { 'content-type': 'application/octet-stream', 'content-range': `${start}-${start + data.length - 1}` };
    const res = await this.client.request({ method: 'PATCH', url: location, body: data, headers, scopes: [this.pushScope], what, retry: false });
    if (res.status !== 202) throw await this.client.responseError(res, what);
    await drain(res);
    return this.location(res, what);
  }

  /** Closes a chunked upload with the digest of all its chunks. */
  async finishUpload(location: URL, digest: Digest): Promise<void> {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const what = `upload of ${digest} to ${this.name}`;
    const res = await this.client.request({ method: 'PUT', url, headers: { 'content-length': '0' }, scopes: [this.pushScope], what, retry: false });
    if (res.status !== 201) throw await this.client.responseError(res, what);
    await drain(res);
  }

  /** Puts a manifest (or index) under a tag or its digest; returns the digest the registry gives it. */
  async putManifest(reference: string, bytes: Uint8Array, mediaType: string): Promise<Digest> {
    const what = `manifest ${this.name}:${reference}`;
    const res = await this.client.request({ method: 'PUT', url: `/v2/${this.name}/manifests/${reference}`, body: bytes, headers: { 'content-type': mediaType }, scopes: [this.pushScope], what });
    if (res.status !== 201 && res.status !== 200) throw await this.client.responseError(res, what);
    await drain(res);
    const digest: Digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const header = res.headers.get('docker-content-digest');
    if (header && header.startsWith('sha256:') && header !== digest) throw new RegistryError('digest', `${what}: the registry stored it as ${header}, not ${digest}`);
    return digest;
  }

  private location(res: HttpResponse, what: string): URL {
    const loc = res.headers.get('location');
    if (!loc) throw new RegistryError('server', `${what}: the registry gave no upload Location`);
    return new URL(loc, this.client.endpoint.baseUrl + '/');
  }
}

/** A short reason when `e` is worth retrying, else undefined. */
export function transientReason(e: unknown): string | undefined {
  if (e instanceof TransientError) return e.message;
  if (e instanceof RegistryError) return undefined;
  if (!(e instanceof Error)) return undefined;
  if (e.name === 'AbortError') return undefined;
  const { code, message } = networkCause(e);
  if (code) return TRANSIENT_CODES.has(code) ? `${message}${message.includes(code) ? '' : ` (${code})`}` : undefined;
  if (message === 'aborted' || message === 'socket hang up') return message;
  return undefined;
}

/** The innermost code and message of a fetch failure (fetch failed -> cause ECONNRESET ...). */
function networkCause(e: unknown): { code?: string; message: string } {
  let cur = e as (Error & { code?: string; cause?: unknown }) | undefined;
  let code: string | undefined;
  let message = cur?.message ?? String(e);
  for (let depth = 0; cur && depth < 5; depth++) {
    if (typeof cur.code === 'string' && (!code || (/^E[A-Z]/.test(cur.code) && !/^E[A-Z]/.test(code)))) code = cur.code;
    if (cur.message && cur.message !== 'fetch failed') message = cur.message;
    cur = cur.cause as typeof cur;
  }
  return { code, message };
}

/** The registry's error text: `{"errors":[{"code","message"}]}` as "CODE: message", else the body's start. */
async function errorDetail(res: HttpResponse): Promise<string> {
  let text = '';
  try {
    text = (await readLimited(res, 64 * 1024, 'error')).toString('utf8');
  } catch {
    return '';
  }
  try {
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    if (Array.isArray(body.errors) && body.errors.length) return body.errors.map((x) => [x.code, x.message].filter(Boolean).join(': ')).join('; ');
  } catch {
    // Not JSON.
  }
  return text.trim().replace(/\s+/g, ' ').slice(0, 200);
}

async function readLimited(res: HttpResponse, limit: number, what: string): Promise<Buffer> {
  try {
    return await res.buffer(limit);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_TOO_LARGE') throw new RegistryError('server', `${what} is larger than ${limit} bytes`);
    throw e;
  }
}

/** Reads and drops a body so the connection can be reused. */
export async function drain(res: HttpResponse): Promise<void> {
  await res.drain();
}

function retryAfter(res: HttpResponse): number | undefined {
  const v = res.headers.get('retry-after');
  if (!v) return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs)) return secs * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** Scopes merged per resource: repository:x:pull and repository:x:pull,push make repository:x:pull,push. */
export function mergeScopes(...lists: string[][]): string[] {
  const byResource = new Map<string, Set<string>>();
  for (const scope of lists.flat()) {
    const colon = scope.lastIndexOf(':');
    if (colon <= 0) {
      byResource.set(scope, byResource.get(scope) ?? new Set());
      continue;
    }
    const resource = scope.slice(0, colon);
    const actions = byResource.get(resource) ?? new Set<string>();
    for (const a of scope.slice(colon + 1).split(',')) if (a) actions.add(a);
    byResource.set(resource, actions);
  }
  return [...byResource].map(([resource, actions]) => (actions.size ? `${resource}:${[...actions].sort().join(',')}` : resource));
}

function scopeKey(scopes: string[]): string {
  return mergeScopes(scopes).sort().join(' ');
}

function envNumber(env: NodeJS.ProcessEnv | undefined, name: string): number | undefined {
  const v = (env ?? process.env)[name];
  if (v === undefined || v === '' || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}
