import { variableReferences } from '../../../dockerfile/expand';
import type { ExpandedPart } from '../../../dockerfile/scope';
import type { Instruction } from '../../../dockerfile/types';
import { goQuote } from '../../../dockerfile/dump';
import { buildkitRule } from './check';
import { defaultScope } from '../../scope-cache';
import { suggestName } from './suggest';

// Build args BuildKit reads itself: never reported as undefined.
const NON_ENV_ARGS = new Set(['BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE']);

/**
 * UndefinedVar: a variable an instruction expands (not RUN's shell, which sees the
 * environment) that no ENV, ARG or base-image variable sets; an ARG declared without a value
 * counts as defined, as in BuildKit. Once per name and instruction, on its first use.
 */
export const undefinedVar = buildkitRule({
  name: 'UndefinedVar',
  description: 'Variables should be defined before their use',
  run({ dockerfile }, report) {
    const scope = defaultScope(dockerfile);
    for (const stage of dockerfile.stages) {
      for (const ins of stage.instructions) {
        // A line without `$` refers to no variable.
        if (!ins.original.includes('$') && ins.heredocs.length === 0) continue;
        const at = scope.at(ins);
        const expanded = scope.expanded(ins);
        if (!at || !expanded) continue;
        const reported = new Set<string>();
        for (const part of expanded.parts) {
          const defaulted = withFallback(part, dockerfile.escapeChar);
          for (const [i, ref] of part.references.entries()) {
            if (ref.variable || defaulted.has(i) || reported.has(ref.name) || at.declaredArgs.has(ref.name) || NON_ENV_ARGS.has(ref.name)) continue;
            reported.add(ref.name);
            const suggestion = suggestName(ref.name, at.vars.keys());
            report(ref.range, `Usage of undefined variable '$${ref.name}'${suggestion ? ` (did you mean $${suggestion}?)` : ''}`);
          }
        }
      }
    }
  },
});

/**
 * Indexes of the part's references written with a fallback (`${X:-a}`, `${X-a}`, `${X:+a}`):
 * those expect the variable may be unset. BuildKit's lexer still counts them as unmatched; a
 * warning there would only teach users to ignore the rule, so Layerwise does not report them.
 */
function withFallback(part: ExpandedPart, escapeChar: '\\' | '`'): Set<number> {
  const out = new Set<number>();
  if (!part.raw.includes('${')) return out;
  const refs = variableReferences(part.raw, escapeChar);
  if (refs.length !== part.references.length) return out;
  refs.forEach((r, i) => {
    if (/^\$\{\w+:?[-+]/.test(part.raw.slice(r.start, r.end))) out.add(i);
  });
  return out;
}

const SECRET = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const ALLOWED = /(?:_|^)(?:public|file|version)(?:_|$)/i;

/** SecretsUsedInArgOrEnv: an ARG or ENV whose name says it holds a secret (BuildKit's word lists). */
export const secretsUsedInArgOrEnv = buildkitRule({
  name: 'SecretsUsedInArgOrEnv',
  description: 'Sensitive data should not be used in the ARG or ENV commands',
  run({ dockerfile }, report) {
    const check = (ins: Instruction) => {
      if (ins.keyword !== 'ARG' && ins.keyword !== 'ENV') return;
      for (const kv of ins.keyValues) {
        if (SECRET.test(kv.key.value) && !ALLOWED.test(kv.key.value)) {
          report(kv.key.range, `Do not use ARG or ENV instructions for sensitive data (${ins.keyword} ${goQuote(kv.key.value)})`);
        }
      }
    };
    dockerfile.globalArgs.forEach(check);
    for (const stage of dockerfile.stages) stage.instructions.forEach(check);
  },
});
