import { loadDockerignore, PatternMatcher } from '../context/dockerignore';
import type { ContextFilter } from './steps/copy';

/** The build context's .dockerignore (or the Dockerfile's own `<name>.dockerignore`) as a filter. */
export async function loadContextFilter(contextDir: string, dockerfile: string): Promise<ContextFilter> {
  const patterns = await loadDockerignore(contextDir, dockerfile);
  if (patterns.length === 0) return { ignored: () => false, hasExclusions: false, signature: '' };
  const matcher = new PatternMatcher(patterns);
  return { ignored: (rel) => matcher.matches(rel), hasExclusions: matcher.exclusions, signature: JSON.stringify(patterns) };
}
