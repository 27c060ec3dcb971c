import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { conformanceDir } from '../../helpers/paths';
import { checkDocument, conformanceDockerfiles, generatedDockerfile, mutatedDockerfile } from './fuzz-support';

// Fixed seeds keep a failure reproducible; bench/fuzz.mjs runs the same properties 100,000 times.
const property = (arb: fc.Arbitrary<string>) => fc.property(arb, (source) => {
  const violations = checkDocument(source);
  assert.deepEqual(violations, [], `source: ${JSON.stringify(source)}`);
});

test('fuzz: generated Dockerfiles parse without throwing and with ranges inside the document', () => {
  fc.assert(property(generatedDockerfile), { numRuns: 1500, seed: 20260801 });
});

test('fuzz: mutated BuildKit testfiles parse without throwing and with ranges inside the document', (t) => {
  const files = conformanceDockerfiles(conformanceDir());
  if (files.length === 0) return t.skip('../shared/conformance/buildkit is absent in this clone');
  fc.assert(property(mutatedDockerfile(files)), { numRuns: 500, seed: 20260802 });
});

test('fuzz properties hold on hand-picked edge cases', () => {
  const cases = [
    '',
    '\ufeff',
    '\n\n',
    'RU\\\nN echo\n',
    'FROM x\nCOPY a\\\n# c\n\n  b /d\n',
    'FROM x\r\r\nRUN <<EOF\r\nbody\r\nEOF\r\r\n',
    'FROM x\nRUN <<EOF',
    'FROM x\nRUN <<EOF\n',
    '# escape=`\nFROM x\nRUN a `\n b\n',
    'FROM x\nCOPY --chown=é:à a b\n',
    'FROM x\nENV A=b\\\v\n',
    'FROM x\n\u0085RUN x\n',
    'ONBUILD\n',
    '\\',
    '\\\n\\\n',
  ];
  for (const c of cases) assert.deepEqual(checkDocument(c), [], JSON.stringify(c));
});
