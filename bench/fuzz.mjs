// Runs the parser fuzz properties of test/engine/dockerfile/fuzz.test.ts on many more cases
// (default 100,000: generated Dockerfiles, and mutated BuildKit testfiles when ../shared has
// them), counting failures instead of stopping at the first. Run by hand after `npx tsc -p .`:
//   node bench/fuzz.mjs [cases] [seed]
// Exits non-zero when any case fails, printing the first few.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const fc = require('fast-check');
const { checkDocument, conformanceDockerfiles, dockerfileArbitrary } = require('../out/test/engine/dockerfile/fuzz-support.js');
const { conformanceDir } = require('../out/test/helpers/paths.js');

const cases = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
const files = conformanceDockerfiles(conformanceDir());
const arb = dockerfileArbitrary(files);

const BATCH = 1000;
let failures = 0;
const examples = [];
let totalBytes = 0;
let parseMs = 0;
const started = performance.now();
for (let done = 0; done < cases; done += BATCH) {
  const n = Math.min(BATCH, cases - done);
  const sources = fc.sample(arb, { numRuns: n, seed: seed + done });
  const t = performance.now();
  for (const source of sources) {
    totalBytes += source.length;
    const violations = checkDocument(source);
    if (violations.length > 0) {
      failures++;
      if (examples.length < 5) examples.push({ source, violations: violations.slice(0, 5) });
    }
  }
  parseMs += performance.now() - t;
}
const totalMs = performance.now() - started;
console.log(`fuzz: ${cases} cases (seed ${seed}; ${files.length} conformance testfiles mutated), ${(totalBytes / 1024 / 1024).toFixed(1)} MiB of Dockerfile text`);
console.log(`failures: ${failures}`);
console.log(`time: ${(totalMs / 1000).toFixed(1)} s total, ${(parseMs / 1000).toFixed(1)} s parsing and checking`);
for (const e of examples) console.log(JSON.stringify(e.source), '\n  ', e.violations.join('\n   '));
process.exit(failures === 0 ? 0 : 1);
