// Properties of the language features over generated Dockerfiles (the parser fuzz's
// generator): nothing throws, and formatting keeps what BuildKit reads and is idempotent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { parseDockerfile } from '../../engine/dockerfile/parser';
import { completionAt } from '../../server/service/completion';
import { documentSymbols } from '../../server/service/document-symbols';
import { foldingRanges } from '../../server/service/folding';
import { formatDocument } from '../../server/service/formatting';
import { layerLenses } from '../../server/service/layer-lens';
import { definitionAt, hoverAt } from '../../server/service/navigation';
import { highlightsAt, prepareRenameAt } from '../../server/service/references';
import { semanticTokens } from '../../server/service/semantic-tokens';
import { generatedDockerfile } from '../engine/dockerfile/fuzz-support';
import { applyEdits } from '../helpers/lsp';

const OPTIONS = { tabSize: 4, insertSpaces: true };

// Go's unicode.IsSpace, which BuildKit splits words on (JavaScript's \s lacks U+0085 and has U+FEFF).
const GO_SPACES = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

/** What BuildKit reads from a file: blanks between words do not count, FROM's AS is read in any case. */
function meaning(text: string): string {
  const df = parseDockerfile(text);
  return JSON.stringify([
    df.errors.length,
    df.instructions.map((i) => [
      i.keyword,
      i.flags.map((f) => f.text),
      i.args.map((a, n) => (i.keyword === 'FROM' && n === 1 ? a.value.toUpperCase() : i.json ? a.value : a.value.replace(GO_SPACES, ' '))),
      i.keyValues.map((kv) => [kv.key.value, kv.value?.value]),
      i.heredocs.map((h) => h.content),
    ]),
  ]);
}

test('formatting keeps the meaning of generated Dockerfiles and is idempotent', () => {
  fc.assert(
    fc.property(generatedDockerfile, (source) => {
      const formatted = applyEdits(source, formatDocument(source, OPTIONS));
      assert.equal(meaning(formatted), meaning(source), `source: ${JSON.stringify(source)}\nformatted: ${JSON.stringify(formatted)}`);
      assert.deepEqual(formatDocument(formatted, OPTIONS), [], `not idempotent on ${JSON.stringify(formatted)}`);
    }),
    { numRuns: 400, seed: 20261203 },
  );
});

test('no language feature throws on generated Dockerfiles, at any position', () => {
  fc.assert(
    fc.property(generatedDockerfile, fc.nat(), fc.nat(), (source, l, c) => {
      const lines = source.split('\n');
      const line = l % lines.length;
      const p = { line, character: c % (lines[line].length + 1) };
      semanticTokens(source);
      foldingRanges(source);
      documentSymbols(source);
      layerLenses(source, undefined);
      completionAt(source, p, { images: ['alpine:3.20'], contextEntries: () => [] });
      hoverAt(source, p);
      definitionAt('file:///Dockerfile', source, p);
      highlightsAt(source, p);
      prepareRenameAt(source, p);
    }),
    { numRuns: 400, seed: 20261204 },
  );
});
