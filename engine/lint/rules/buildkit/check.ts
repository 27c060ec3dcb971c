import type { Range } from '../../../dockerfile/types';
import { lintCheckOptions } from '../../suppression';
import type { Finding, Fix, LintInput, RelatedLocation, Rule } from '../../types';

/** Reports one finding of the check being run. */
export type Report = (range: Range, message: string, fixes?: Fix[], related?: RelatedLocation[]) => void;

export interface BuildkitCheck {
  /** BuildKit's rule name, which is also its ID here (what `# check=skip=` names). */
  name: string;
  /** BuildKit's description of the rule, word for word. */
  description: string;
  /** Off unless `# check=experimental=<name>` (or `all`) turns it on, as in BuildKit. */
  experimental?: boolean;
  run(input: LintInput, report: Report): void;
}

/** The page Docker publishes for a build check (`StageNameCasing` -> .../stage-name-casing/). */
export function buildkitDocsUrl(name: string): string {
  const slug = name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2').toLowerCase();
  return `https://docs.docker.com/reference/build-checks/${slug}/`;
}

/**
 * A Docker build check as a Layerwise rule: a warning, or an error under `# check=error=true`
 * (where `docker build` fails on it); experimental checks run only when the directive asks.
 */
export function buildkitRule(check: BuildkitCheck): Rule {
  const slug = buildkitDocsUrl(check.name).split('/').at(-2)!;
  return {
    id: check.name,
    name: slug,
    severity: 'warning',
    description: check.description,
    check(input: LintInput): Finding[] {
      const options = lintCheckOptions(input.dockerfile);
      if (check.experimental && options.experimental !== 'all' && !options.experimental.includes(check.name)) return [];
      const severity = options.error ? 'error' : 'warning';
      const findings: Finding[] = [];
      check.run(input, (range, message, fixes = [], related = []) => findings.push({ rule: check.name, severity, range, message, fixes, related }));
      return findings;
    },
  };
}
