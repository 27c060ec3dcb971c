import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';

/**
 * The few things the client reads of an HTTP answer. Node's own http/https modules carry the
 * requests: on the blob path they move bytes markedly faster than fetch's web streams (which
 * matters when a pull is bound by the main thread's hashing), and they give TLS options.
 */
export interface HttpResponse {
  status: number;
  statusText: string;
  ok: boolean;
  headers: Headers;
  /** The body as a Node stream (async iterable of Buffers). */
  body: Readable;
  /** Reads the whole body (small answers only). */
  buffer(limit?: number): Promise<Buffer>;
  /** Reads and drops the body so the connection can be reused. */
  drain(): Promise<void>;
}

export interface HttpRequest {
  method: string;
  headers: Headers;
  body?: Uint8Array | string;
  signal?: AbortSignal;
  /** Idle socket timeout (default 120 s): a stalled transfer fails with ETIMEDOUT. */
  timeoutMs?: number;
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 32 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 32 }),
};

/** Sends one request (no redirects followed, nothing retried). */
export function send(url: URL, req: HttpRequest): Promise<HttpResponse> {
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') return Promise.reject(Object.assign(new Error(`unsupported URL scheme ${url.protocol}`), { code: 'ERR_INVALID_URL' }));
  const headers: Record<string, string> = {};
  req.headers.forEach((value, key) => (headers[key] = value));
  const body = typeof req.body === 'string' ? Buffer.from(req.body) : req.body;
  if (body) headers['content-length'] = String(body.length);
  else if (['POST', 'PUT', 'PATCH'].includes(req.method)) headers['content-length'] ??= '0';
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(url, { method: req.method, headers, agent: secure ? agents.https : agents.http, signal: req.signal }, (res) => {
      const h = new Headers();
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
        try {
          h.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        } catch {
          // A header value fetch's Headers refuses: not one we read.
        }
      }
      const status = res.statusCode ?? 0;
      resolve({
        status,
        statusText: res.statusMessage ?? '',
        ok: status >= 200 && status < 300,
        headers: h,
        body: res,
        buffer: async (limit = Infinity) => {
          const chunks: Buffer[] = [];
          let n = 0;
          for await (const chunk of res as AsyncIterable<Buffer>) {
            n += chunk.length;
            if (n > limit) {
              res.destroy();
              throw Object.assign(new Error(`answer larger than ${limit} bytes`), { code: 'ERR_TOO_LARGE' });
            }
            chunks.push(chunk);
          }
          return Buffer.concat(chunks, n);
        },
        drain: async () => {
          if (res.readableEnded || res.destroyed) return;
          // Small answers are read to the end to keep the connection; a large one is dropped.
          const length = Number(res.headers['content-length'] ?? NaN);
          if (!(length <= 1 << 16)) {
            res.destroy();
            return;
          }
          try {
            for await (const _ of res) void _;
          } catch {
            // A broken body changes nothing here.
          }
        },
      });
    });
    request.setTimeout(req.timeoutMs ?? 120_000, () => request.destroy(Object.assign(new Error(`no data for ${Math.round((req.timeoutMs ?? 120_000) / 1000)} s`), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
    request.end(body);
  });
}
