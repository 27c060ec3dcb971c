import { dockerfileScope, type DockerfileScope } from '../dockerfile/scope';
import type { Dockerfile } from '../dockerfile/types';

const scopes = new WeakMap<Dockerfile, DockerfileScope>();

/** The file's variable scope with default build args, computed once for all rules of a lint run. */
export function defaultScope(dockerfile: Dockerfile): DockerfileScope {
  let scope = scopes.get(dockerfile);
  if (!scope) {
    scope = dockerfileScope(dockerfile);
    scopes.set(dockerfile, scope);
  }
  return scope;
}
