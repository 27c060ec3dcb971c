import * as path from 'node:path';
import type { ContextIndex } from '../engine/context/context-index';
import { loadDockerignore, PatternMatcher } from '../engine/context/dockerignore';

/**
 * Lists a build-context folder for COPY/ADD completion, leaving out what .dockerignore
 * excludes (those files never reach the build). A broken .dockerignore hides nothing.
 */
export async function contextLister(index: ContextIndex, dockerfile: string): Promise<(dir: string) => { name: string; directory: boolean }[]> {
  let matcher: PatternMatcher | undefined;
  try {
    matcher = new PatternMatcher(await loadDockerignore(index.root, path.relative(index.root, dockerfile)));
  } catch {
    matcher = undefined;
  }
  return (dir) =>
    index
      .list(dir)
      .map((name) => ({ name, rel: `${dir}${name}` }))
      .filter(({ rel }) => !matcher?.matches(rel))
      .map(({ name, rel }) => ({ name, directory: index.stat(rel)?.type === 'directory' }));
}
