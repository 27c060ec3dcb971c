// Runs the whole lint catalog over many fuzzed Dockerfiles (default 100,000: the parser fuzz
// generator of test/engine/dockerfile/fuzz-support.ts, with mutated BuildKit testfiles when
// ../shared has them) against a small build context with a .dockerignore, so the context rules
// run too. Counts rule exceptions (lint() turns them into "internal error" findings) and cases
// over 100 ms of this process's CPU time (user + system, GC included), which a busy shared
// machine does not inflate; wall-clock figures are printed beside it. Run by hand after
// `npx tsc -p .`:
//   node bench/lint-fuzz.mjs [cases] [seed]
// Exits non-zero when any case throws or takes over 100 ms, printing the first few.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const fc = require('fast-check');
const { conformanceDockerfiles, dockerfileArbitrary } = require('../out/test/engine/dockerfile/fuzz-support.js');
const { conformanceDir } = require('../out/test/helpers/paths.js');
const { parseDockerfile } = require('../out/engine/dockerfile/parser.js');
const { lint } = require('../out/engine/lint/index.js');
const { ContextIndex } = require('../out/engine/context/context-index.js');

const LIMIT_MS = 100;
const cases = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
const arb = dockerfileArbitrary(conformanceDockerfiles(conformanceDir()));

const contextDir = fs.mkdtempSync(path.join(os.tmpdir(), 'layerwise-lint-fuzz-'));
process.on('exit', () => fs.rmSync(contextDir, { recursive: true, force: true }));
for (const [rel, body] of [['run.sh', '#!/bin/bash\r\necho\n'], ['a.txt', 'x'], ['.env', 'K=v'], ['src/app.py', ''], ['package.json', '{}']]) {
  fs.mkdirSync(path.dirname(path.join(contextDir, rel)), { recursive: true });
  fs.writeFileSync(path.join(contextDir, rel), body);
}
const context = ContextIndex.withoutGit(contextDir).withDockerignore(['*.md', '!README.md', 'src/**/*.pyc']);

const BATCH = 1000;
let thrown = 0;
let slow = 0;
const examples = [];
const times = [];
const wall = [];
let wallOver = 0;
// Let the JIT see the rules before anything is timed.
for (const source of fc.sample(arb, { numRuns: 200, seed: seed - 1 })) lint({ dockerfile: parseDockerfile(source), context });
const started = performance.now();
for (let done = 0; done < cases; done += BATCH) {
  const sources = fc.sample(arb, { numRuns: Math.min(BATCH, cases - done), seed: seed + done });
  for (const source of sources) {
    const t = performance.now();
    const cpu = process.cpuUsage();
    let problem;
    try {
      const internal = lint({ dockerfile: parseDockerfile(source), context }).filter((f) => f.message.startsWith('internal error'));
      if (internal.length > 0) problem = internal.map((f) => f.message).join('; ');
    } catch (e) {
      problem = `lint threw: ${e.stack ?? e}`;
    }
    const used = process.cpuUsage(cpu);
    const ms = (used.user + used.system) / 1000;
    const wallMs = performance.now() - t;
    times.push(ms);
    wall.push(wallMs);
    if (wallMs > LIMIT_MS) wallOver++;
    if (problem) thrown++;
    if (ms > LIMIT_MS) slow++;
    if ((problem || ms > LIMIT_MS) && examples.length < 5) examples.push({ source, problem, ms: ms.toFixed(1) });
  }
}
times.sort((a, b) => a - b);
wall.sort((a, b) => a - b);
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))].toFixed(2);
console.log(`lint fuzz: ${cases} cases (seed ${seed})`);
console.log(`exceptions: ${thrown}; over ${LIMIT_MS} ms of CPU: ${slow} (over ${LIMIT_MS} ms wall clock: ${wallOver})`);
console.log(`CPU per case: median ${pct(times, 0.5)} ms, p99 ${pct(times, 0.99)} ms, max ${times[times.length - 1].toFixed(2)} ms`);
console.log(`wall per case: median ${pct(wall, 0.5)} ms, p99 ${pct(wall, 0.99)} ms, max ${wall[wall.length - 1].toFixed(2)} ms; total ${((performance.now() - started) / 1000).toFixed(1)} s`);
for (const e of examples) console.log(JSON.stringify(e.source), `\n   ${e.ms} ms`, e.problem ?? '');
process.exit(thrown === 0 && slow === 0 ? 0 : 1);
