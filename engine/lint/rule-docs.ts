import { buildkitDocsUrl } from './rules/buildkit/check';
import { BUILDKIT_CHECKS } from './rules/buildkit/index';

/** Where Layerwise's own rule pages live, relative to the repository (and the extension) root. */
export const RULE_DOCS_DIR = 'docs/rules';

/** The published copy of the repository's docs, for places that need an absolute URL (SARIF). */
export const RULE_DOCS_WEB = 'https://github.com/layerwise/layerwise/blob/main/docs/rules';

const BUILDKIT = new Set(BUILDKIT_CHECKS.map((r) => r.id));

/**
 * Where a rule is documented: hadolint's wiki for DL rules, ShellCheck's wiki for SC codes,
 * Docker's build-check reference for BuildKit checks, or `docs/rules/<ID>.md` for Layerwise's
 * own (a path relative to the repository root, for the caller to resolve).
 */
export function ruleDocs(id: string): { url: string } | { path: string } {
  if (/^DL\d{4}$/.test(id)) return { url: `https://github.com/hadolint/hadolint/wiki/${id}` };
  if (/^SC\d{4}$/.test(id)) return { url: `https://www.shellcheck.net/wiki/${id}` };
  if (BUILDKIT.has(id)) return { url: buildkitDocsUrl(id) };
  return { path: `${RULE_DOCS_DIR}/${id}.md` };
}

/** An absolute URL for a rule's documentation (LW pages on the repository's web view). */
export function ruleDocsUrl(id: string): string {
  const docs = ruleDocs(id);
  return 'url' in docs ? docs.url : `${RULE_DOCS_WEB}/${id}.md`;
}
