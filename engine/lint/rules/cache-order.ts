import type { Instruction } from '../../dockerfile/types';
import { contextCopies } from '../copied-files';
import type { Finding, LintInput, Rule } from '../types';

// Dependency installs, by ecosystem, and the manifests they read.
const INSTALLS: { command: RegExp; manifests: RegExp; example: string }[] = [
  { command: /\b(npm (ci|install|i)\b|yarn( install)?\s*($|&&|;|--)|pnpm (install|i)\b)/, manifests: /^(package(-lock)?\.json|yarn\.lock|pnpm-lock\.yaml|npm-shrinkwrap\.json|\.npmrc|\.yarnrc(\.yml)?)$/, example: 'package.json package-lock.json' },
  { command: /\bpip3? install\b.*(-r|--requirement)\s|\bpoetry install\b|\bpipenv install\b|\buv sync\b|\bpip3? install\b.*\s\.(\s|$)/, manifests: /^(requirements.*\.txt|pyproject\.toml|poetry\.lock|Pipfile(\.lock)?|setup\.(py|cfg)|uv\.lock)$/, example: 'requirements.txt' },
  { command: /\bgo mod download\b|\bgo build\b/, manifests: /^go\.(mod|sum)$/, example: 'go.mod go.sum' },
  { command: /\bbundle install\b/, manifests: /^Gemfile(\.lock)?$/, example: 'Gemfile Gemfile.lock' },
  { command: /\bcomposer install\b/, manifests: /^composer\.(json|lock)$/, example: 'composer.json composer.lock' },
  { command: /\bmvn\b.*\b(dependency:go-offline|install|package)\b/, manifests: /^pom\.xml$/, example: 'pom.xml' },
  { command: /\bcargo (fetch|build)\b/, manifests: /^Cargo\.(toml|lock)$/, example: 'Cargo.toml Cargo.lock' },
  { command: /\bdotnet restore\b/, manifests: /\.(csproj|fsproj|sln)$/, example: '*.csproj' },
];

const BROAD = new Set(['.', './', '*']);

function runText(ins: Instruction): string {
  return [ins.args.map((a) => a.value).join(' '), ...ins.heredocs.map((h) => h.content)].join('\n');
}

/**
 * LW4004: the whole context is copied before dependencies are installed, so any edit to any
 * file re-runs the install; copying the manifests first lets the install layer stay cached.
 */
export const cacheOrderRule: Rule = {
  id: 'LW4004',
  name: 'cache-busting-order',
  severity: 'info',
  description: 'COPY . . before a dependency install: every source change re-runs the install.',
  check(input: LintInput): Finding[] {
    const findings: Finding[] = [];
    for (const stage of input.dockerfile.stages) {
      const copies = contextCopies(stage, new Map());
      const broad = copies.find((c) => c.sources.some((s) => BROAD.has(s.value)));
      if (!broad) continue;
      const earlier = copies.filter((c) => c.instruction.range.start.line < broad.instruction.range.start.line);
      const after = stage.instructions.filter((i) => i.keyword === 'RUN' && i.range.start.line > broad.instruction.range.start.line);
      for (const run of after) {
        const install = INSTALLS.find((x) => x.command.test(runText(run)));
        if (!install) continue;
        const manifestFirst = earlier.some((c) => c.sources.some((s) => install.manifests.test(s.value.split('/').at(-1) ?? '') || /\*/.test(s.value)));
        if (manifestFirst) break;
        findings.push({
          rule: cacheOrderRule.id,
          severity: cacheOrderRule.severity,
          range: broad.instruction.range,
          message: `${broad.instruction.keyword} ${broad.instruction.args.map((a) => a.value).join(' ')} comes before the dependency install on line ${run.range.start.line + 1}: any change to any file re-runs it. Copy ${install.example} first, install, then copy the rest.`,
          fixes: [],
          related: [{ range: run.keywordRange, message: 'the install that loses its cache' }],
        });
        break;
      }
    }
    return findings;
  },
};
