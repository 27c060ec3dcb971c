import { EngineError } from '../errors';

/** A parsed image reference, normalized the way Docker does (`busybox` -> docker.io/library/busybox:latest). */
export interface Reference {
  domain: string;
  path: string;
  tag: string | undefined;
  digest: string | undefined;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

export const DEFAULT_DOMAIN = 'docker.io';

/** Parses and normalizes an image reference; throws EngineError('BAD_REFERENCE') with Docker's reasons. */
export function parseReference(input: string): Reference {
  const bad = (why: string) => new EngineError('BAD_REFERENCE', `invalid reference format "${input}": ${why}`);
  if (input === '') throw bad('empty reference');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(`invalid digest "${digest}"`);
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) throw bad(`invalid tag "${tag}"`);
  }
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  if (slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase())) {
    domain = first;
    path = rest.slice(slash + 1);
    validateDomain(domain, bad);
  }
  if (domain === 'index.docker.io') domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  if (path === '' || path.split('/').some((c) => !COMPONENT.test(c))) {
    throw bad(path !== path.toLowerCase() ? 'repository name must be lowercase' : `invalid repository name "${path}"`);
  }
  if (!tag && !digest) tag = 'latest';
  return { domain, path, tag, digest };
}

function validateDomain(domain: string, bad: (why: string) => Error): void {
  const [host, port] = domain.split(':');
  if (port !== undefined && !/^\d+$/.test(port)) throw bad(`invalid port in "${domain}"`);
  if (!host.split('.').every((c) => DOMAIN_COMPONENT.test(c))) throw bad(`invalid registry host "${domain}"`);
}

/** The full normalized string: docker.io/library/busybox:latest. */
export function formatReference(ref: Reference): string {
  return `${ref.domain}/${ref.path}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The shortest form Docker would print: busybox:latest, user/app:1, localhost:5000/x:y. */
export function familiarReference(ref: Reference): string {
  let name = `${ref.domain}/${ref.path}`;
  if (ref.domain === DEFAULT_DOMAIN) name = ref.path.startsWith('library/') ? ref.path.slice(8) : ref.path;
  return `${name}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** Normalizes a user-typed reference to the form stored in the index. */
export function normalizeReference(input: string): string {
  return formatReference(parseReference(input));
}
