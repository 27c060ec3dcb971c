import type { Instruction } from '../../../dockerfile/types';
import type { Fix } from '../../types';
import { writtenKeyword } from './casing';
import { buildkitRule } from './check';

/** Whole lines of an instruction, for fixes that remove or replace it. */
export function instructionLines(ins: Instruction) {
  return { start: { line: ins.range.start.line, character: 0 }, end: { line: ins.range.end.line + 1, character: 0 } };
}

/** NoEmptyContinuation: an empty line inside a continued instruction (a future syntax error). */
export const noEmptyContinuation = buildkitRule({
  name: 'NoEmptyContinuation',
  description: 'Empty continuation lines will become errors in a future release',
  run({ dockerfile }, report) {
    for (const ins of dockerfile.instructions) {
      if (ins.hasEmptyContinuationLine) report(ins.range, 'Empty continuation line');
    }
  },
});

/** MaintainerDeprecated: MAINTAINER, with a fix to the OCI authors label. */
export const maintainerDeprecated = buildkitRule({
  name: 'MaintainerDeprecated',
  description: 'The MAINTAINER instruction is deprecated, use a label instead to define an image author',
  run({ dockerfile }, report) {
    for (const ins of dockerfile.instructions) {
      if (ins.keyword !== 'MAINTAINER') continue;
      const author = ins.args.map((a) => a.value).join(' ');
      const fixes: Fix[] = [];
      if (ins.range.start.line === ins.range.end.line && ins.argsRange) {
        fixes.push({
          title: 'Replace with LABEL org.opencontainers.image.authors',
          edits: [{ range: { start: ins.keywordRange.start, end: ins.argsRange.end }, newText: `LABEL org.opencontainers.image.authors=${JSON.stringify(author)}` }],
          preferred: true,
        });
      }
      report(ins.keywordRange, 'Maintainer instruction is deprecated in favor of using label', fixes);
    }
  },
});

/** LegacyKeyValueFormat: `ENV KEY value` / `LABEL key value`, with a fix to `KEY=value` where quoting is safe. */
export const legacyKeyValueFormat = buildkitRule({
  name: 'LegacyKeyValueFormat',
  description: 'Legacy key/value format with whitespace separator should not be used',
  run({ dockerfile }, report) {
    for (const ins of dockerfile.instructions) {
      if (ins.keyword !== 'ENV' && ins.keyword !== 'LABEL') continue;
      const name = writtenKeyword(ins);
      for (const kv of ins.keyValues) {
        if (kv.separator !== '') continue;
        const value = kv.value?.value ?? '';
        const fixes: Fix[] = [];
        // Quotes and escapes would change meaning once moved into a quoted value: no fix then.
        if (!/["'\\`]/.test(value) && kv.range.start.line === kv.range.end.line) {
          const text = /\s/.test(value) || value === '' ? `${kv.key.value}="${value}"` : `${kv.key.value}=${value}`;
          fixes.push({ title: `Write ${text}`, edits: [{ range: kv.range, newText: text }], preferred: true });
        }
        report(kv.range, `"${name} key=value" should be used instead of legacy "${name} key value" format`, fixes);
      }
    }
  },
});
