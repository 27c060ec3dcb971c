import { EngineError, type EngineErrorCode } from '../../errors';

/** Why a registry operation failed, for code that branches (the CLI, tests, the server). */
export type RegistryFailure =
  | 'unauthorized' // no or rejected credentials
  | 'denied' // authenticated, but not allowed
  | 'not-found' // repository, tag, manifest or blob unknown
  | 'platform' // the index has no manifest for the wanted platform
  | 'network' // connection refused/reset, DNS, TLS, timeouts, after retries
  | 'server' // 5xx after retries, or an answer that breaks the protocol
  | 'digest' // content that does not match its digest or size
  | 'unsupported' // schema 1 manifests, unknown media types
  | 'credentials' // a credential helper or config.json that cannot be used
  | 'cancelled';

const CODES: Record<RegistryFailure, EngineErrorCode> = {
  unauthorized: 'STORE',
  denied: 'STORE',
  'not-found': 'NOT_FOUND',
  platform: 'NOT_FOUND',
  network: 'STORE',
  server: 'STORE',
  digest: 'STORE',
  unsupported: 'UNSUPPORTED',
  credentials: 'STORE',
  cancelled: 'CANCELLED',
};

/** An EngineError from the registry client; `reason` says what went wrong. Messages never hold secrets. */
export class RegistryError extends EngineError {
  constructor(
    readonly reason: RegistryFailure,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(CODES[reason], message, { cause: options?.cause });
    this.name = 'RegistryError';
    this.status = options?.status;
  }

  /** The HTTP status, when the registry answered. */
  readonly status?: number;
}

/** Replaces every secret in `text` (and its base64 forms) with "***". */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 3) continue;
    for (const form of [s, Buffer.from(s).toString('base64'), encodeURIComponent(s)]) out = out.split(form).join('***');
  }
  return out;
}
