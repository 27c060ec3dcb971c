import * as path from 'node:path';
import { normalizeContextPath } from '../../context/context-index';
import { contextCopies } from '../copied-files';
import { contextEntries } from '../context-walk';
import type { Finding, LintInput, Rule } from '../types';

// Files that hold credentials by convention; examples and public keys are not secrets.
const SECRET_FILE = /^(\.env(\..+)?|.*\.pem|.*\.key|id_(rsa|dsa|ecdsa|ed25519)|\.npmrc|\.pypirc|\.netrc|\.git-credentials|.*\.p12|.*\.pfx|.*\.jks|.*\.keystore|credentials(\.json)?|.*\.tfstate(\.backup)?|secrets?\.(ya?ml|json|toml))$/i;
const NOT_SECRET = /\.(example|sample|template|dist|pub)$|^\.env\.(example|sample|template|dist)$/i;
// Folders whose presence alone is the problem: history, cloud and SSH credentials.
const SECRET_DIR = /^(\.git|\.ssh|\.aws|\.gnupg|\.docker)$/;

/** A COPY/ADD of a whole folder: `.`, `./`, `*`, or a directory source. */
function broadSources(input: LintInput) {
  const context = input.context;
  if (!context) return [];
  return input.dockerfile.stages.flatMap((stage) =>
    contextCopies(stage, new Map()).flatMap((copy) =>
      copy.sources
        .map((source) => ({ copy, source, rel: source.value === '*' ? '.' : normalizeContextPath(source.value) }))
        .filter((s): s is typeof s & { rel: string } => s.rel !== undefined && context.stat(s.rel)?.type === 'directory'),
    ),
  );
}

/** The secrets a copy of the context folder `dir` would take (those .dockerignore does not exclude). */
export function secretsUnder(input: LintInput, dir: string): string[] {
  const found: string[] = [];
  // Secret folders are reported whole; dependency folders hold no secrets of the user's.
  const enter = (folder: { path: string }) => !SECRET_DIR.test(path.posix.basename(folder.path)) && path.posix.basename(folder.path) !== 'node_modules';
  for (const entry of contextEntries(input.context!, dir, enter)) {
    const name = path.posix.basename(entry.path);
    const secret = entry.type === 'directory' ? SECRET_DIR.test(name) : SECRET_FILE.test(name) && !NOT_SECRET.test(name);
    if (secret) found.push(entry.path);
  }
  return found;
}

/**
 * LW4003: a broad COPY (`COPY . .`) would bake secrets from the context into a layer: .env
 * files, private keys, .npmrc/.pypirc tokens, cloud and SSH folders, the .git history. A
 * layer keeps them even if a later RUN deletes them.
 */
export const contextSecretsRule: Rule = {
  id: 'LW4003',
  name: 'context-secrets',
  severity: 'warning',
  description: 'COPY of a whole folder would put secrets from the build context (.env, keys, tokens, .git) into a layer.',
  check(input: LintInput): Finding[] {
    const findings: Finding[] = [];
    const seen = new Map<string, string[]>();
    for (const { copy, source, rel } of broadSources(input)) {
      let secrets = seen.get(rel);
      if (!secrets) {
        secrets = secretsUnder(input, rel);
        seen.set(rel, secrets);
      }
      if (secrets.length === 0) continue;
      const shown = secrets.slice(0, 5).join(', ') + (secrets.length > 5 ? `, and ${secrets.length - 5} more` : '');
      findings.push({
        rule: contextSecretsRule.id,
        severity: contextSecretsRule.severity,
        range: source.range,
        message: `${copy.instruction.keyword} ${source.value} copies ${shown} into the image: anyone who can pull it can read them, even if a later RUN deletes them. Add them to .dockerignore, and pass build secrets with RUN --mount=type=secret.`,
        fixes: [],
        related: [],
      });
    }
    return findings;
  },
};
