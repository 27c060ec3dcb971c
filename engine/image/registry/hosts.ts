import { DEFAULT_DOMAIN } from '../reference';

/** Where a registry named in a reference is reached, and under which key its credentials are kept. */
export interface RegistryEndpoint {
  /** The reference's domain: docker.io, ghcr.io, localhost:5000. */
  domain: string;
  /** Base URL of the API, without /v2: https://registry-1.docker.io, http://127.0.0.1:5000. */
  baseUrl: string;
  /** Plain HTTP (loopback registries and those listed as insecure). */
  insecure: boolean;
  /** The server address Docker's config.json and credential helpers use for it. */
  credentialKey: string;
}

/** The environment variable listing extra plain-HTTP registries (comma or space separated, host or host:port). */
export const INSECURE_ENV = 'LAYERWISE_INSECURE_REGISTRIES';

/** Docker Hub's server address in config.json and for credential helpers. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

/**
 * Maps a reference domain to its API endpoint. Like Docker, localhost and 127.0.0.0/8 (and ::1)
 * are insecure registries, spoken to over plain HTTP; so is any registry listed in `insecure` or
 * $LAYERWISE_INSECURE_REGISTRIES (as `host` for every port, or `host:port`). Everything else is HTTPS.
 */
export function registryEndpoint(domain: string, options: { insecure?: string[]; env?: NodeJS.ProcessEnv } = {}): RegistryEndpoint {
  const host = domain === DEFAULT_DOMAIN ? 'registry-1.docker.io' : domain;
  const insecure = isInsecure(domain, [...(options.insecure ?? []), ...insecureFromEnv(options.env ?? process.env)]);
  return {
    domain,
    baseUrl: `${insecure ? 'http' : 'https'}://${host}`,
    insecure,
    credentialKey: domain === DEFAULT_DOMAIN ? DOCKER_HUB_AUTH_KEY : domain,
  };
}

function insecureFromEnv(env: NodeJS.ProcessEnv): string[] {
  return (env[INSECURE_ENV] ?? '').split(/[\s,]+/).filter(Boolean);
}

function isInsecure(domain: string, listed: string[]): boolean {
  const hostname = domain.replace(/:\d+$/, '');
  if (hostname === 'localhost' || hostname === '::1' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)) return true;
  return listed.some((entry) => {
    const e = entry.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
    return e === domain || (!/:\d+$/.test(e) && e === hostname);
  });
}

/**
 * The registry a config.json `auths` key names: Docker writes `https://index.docker.io/v1/` for
 * Docker Hub and accepts keys with or without a scheme or path.
 */
export function credentialKeyDomain(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
  return host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'registry.hub.docker.com' ? DEFAULT_DOMAIN : host;
}
