import * as path from 'node:path';
import { contextCopies } from '../../copied-files';
import { buildkitRule } from './check';

/**
 * CopyIgnoredFile (experimental in BuildKit): a COPY/ADD source that .dockerignore excludes.
 * Like BuildKit it stays silent when the patterns have `!` exceptions; LW4002 covers those.
 */
export const copyIgnoredFile = buildkitRule({
  name: 'CopyIgnoredFile',
  description: 'Attempting to Copy file that is excluded by .dockerignore',
  experimental: true,
  run({ dockerfile, context }, report) {
    const matcher = context?.ignoreMatcher();
    if (!matcher || matcher.exclusions) return;
    for (const stage of dockerfile.stages) {
      for (const copy of contextCopies(stage, new Map())) {
        const cmd = copy.instruction.keyword === 'ADD' ? 'Add' : 'Copy';
        for (const source of copy.sources) {
          const cleaned = path.posix.normalize(source.value).replace(/^\/+/, '').replace(/\/+$/, '') || '.';
          if (matcher.matches(cleaned)) report(source.range, `Attempting to ${cmd} file ${JSON.stringify(cleaned)} that is excluded by .dockerignore`);
        }
      }
    }
  },
});
