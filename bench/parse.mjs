// Parse a generated, realistic 10,000-line Dockerfile with Layerwise's parser and with
// dockerfile-ast (the parser behind the usual VS Code Dockerfile support) in this one process,
// and print the medians and their ratio. Run by hand after `npx tsc -p .`:
//   node bench/parse.mjs [runs] [lines]
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { generateDockerfile } from './dockerfile-gen.mjs';
import { interleaved, median } from './interleave.mjs';

const require = createRequire(import.meta.url);
const { parseDockerfile } = require('../out/engine/dockerfile/parser.js');
const { DockerfileParser } = require('dockerfile-ast');

const runs = Math.max(20, Number(process.argv[2] ?? 30));
const targetLines = Number(process.argv[3] ?? 10_000);


const source = generateDockerfile(targetLines);
const ours = () => parseDockerfile(source);
const theirs = () => DockerfileParser.parse(source);

const check = ours();
if (check.errors.length > 0) throw new Error(`generated Dockerfile has parse errors: ${JSON.stringify(check.errors.slice(0, 3))}`);
const theirInstructions = theirs().getInstructions().length;

const { a, b } = interleaved(ours, theirs, runs);
const oursMs = median(a);
const theirsMs = median(b);
console.log(`Dockerfile: ${source.split('\n').length - 1} lines, ${(source.length / 1024).toFixed(0)} KiB; ours ${check.instructions.length} instructions, dockerfile-ast ${theirInstructions}`);
console.log(`runs: ${runs} each (after 10 warm-up runs)`);
console.log(`layerwise      median ${oursMs.toFixed(2)} ms (min ${Math.min(...a).toFixed(2)})`);
console.log(`dockerfile-ast median ${theirsMs.toFixed(2)} ms (min ${Math.min(...b).toFixed(2)})`);
console.log(`ratio ours/theirs: ${(oursMs / theirsMs).toFixed(2)}`);
