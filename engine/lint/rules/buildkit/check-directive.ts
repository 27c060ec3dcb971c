import { SYNTAX_RULE_ID } from '../../syntax-rule';
import { lintCheckOptions } from '../../suppression';
import type { Finding, LintInput, Rule } from '../../types';

/**
 * A `# check=` directive BuildKit cannot read fails `docker build` ("failed to parse check
 * options"): reported as a syntax error (LW0001), on the directive's value.
 */
export const checkDirectiveRule: Rule = {
  id: SYNTAX_RULE_ID,
  name: 'syntax',
  severity: 'error',
  description: 'The Dockerfile cannot be built as written: docker build rejects it before building.',
  check({ dockerfile }: LintInput): Finding[] {
    const problem = lintCheckOptions(dockerfile).problem;
    const directive = dockerfile.directives.find((d) => d.name === 'check');
    if (!problem || !directive) return [];
    return [{ rule: SYNTAX_RULE_ID, severity: 'error', range: directive.valueRange, message: `failed to parse check options: ${problem}`, fixes: [], related: [] }];
  },
};
