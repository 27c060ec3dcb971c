// Full diagnostics for a generated, realistic 2,000-line Dockerfile: Layerwise's parse + whole
// rule catalog (with a build context and .dockerignore, so the context rules run too) against
// dockerfile-utils' validate (the linter behind the usual VS Code Dockerfile support), in this
// one process, interleaved; prints the medians and their ratio (target: ours <= 1.0x theirs).
// Run by hand after `npx tsc -p .`:
//   node bench/lint.mjs [runs] [lines]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { generateDockerfile } from './dockerfile-gen.mjs';
import { interleaved, median } from './interleave.mjs';

const require = createRequire(import.meta.url);
const { parseDockerfile } = require('../out/engine/dockerfile/parser.js');
const { lint, RULES } = require('../out/engine/lint/index.js');
const { ContextIndex } = require('../out/engine/context/context-index.js');
const { validate } = require('dockerfile-utils');

const runs = Math.max(20, Number(process.argv[2] ?? 40));
const lines = Number(process.argv[3] ?? 2000);
const source = generateDockerfile(lines);

// The files the generated COPYs name, so the context rules check real paths.
const contextDir = fs.mkdtempSync(path.join(os.tmpdir(), 'layerwise-bench-lint-'));
process.on('exit', () => fs.rmSync(contextDir, { recursive: true, force: true }));
for (const rel of ['scripts/run.sh', ...Array.from({ length: 8 }, (_, i) => `bin/tool-${i}`), 'src/main.c', 'README.md']) {
  fs.mkdirSync(path.dirname(path.join(contextDir, rel)), { recursive: true });
  fs.writeFileSync(path.join(contextDir, rel), '#!/bin/sh\n', { mode: 0o755 });
}
const ignore = ['*.md', '.git'];

const ours = () => lint({ dockerfile: parseDockerfile(source), context: ContextIndex.withoutGit(contextDir).withDockerignore(ignore) });
const theirs = () => validate(source);


const ourFindings = ours();
const internal = ourFindings.filter((f) => f.message.startsWith('internal error'));
if (internal.length > 0) throw new Error(`rules threw: ${JSON.stringify(internal.slice(0, 3))}`);
const theirDiagnostics = theirs().length;
const { a, b } = interleaved(ours, theirs, runs);
const oursMs = median(a);
const theirsMs = median(b);
const byRule = new Map();
for (const f of ourFindings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
console.log(`Dockerfile: ${source.split('\n').length - 1} lines, ${(source.length / 1024).toFixed(0)} KiB`);
console.log(`layerwise: ${RULES.length} rules, ${ourFindings.length} findings (${[...byRule].map(([r, n]) => `${r} ${n}`).join(', ')}); dockerfile-utils: ${theirDiagnostics} diagnostics`);
console.log(`runs: ${runs} each (after 10 warm-up runs)`);
console.log(`layerwise (parse + lint) median ${oursMs.toFixed(2)} ms (min ${Math.min(...a).toFixed(2)})`);
console.log(`dockerfile-utils validate median ${theirsMs.toFixed(2)} ms (min ${Math.min(...b).toFixed(2)})`);
console.log(`ratio ours/theirs: ${(oursMs / theirsMs).toFixed(2)} (target <= 1.0)`);
