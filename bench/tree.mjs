// Issue 9's tree benchmark: how long the Files and Layers views take to show the first level of
// a 50,000-file image once its analysis has arrived from the server. Builds a real image with the
// real builder (5 COPY layers of 10,000 files each, the last one rewriting the first's files, so
// there are modified files and wasted bytes), analyses it with the real engine, and sends the
// analysis through JSON as the language server does. Then, medians of `runs`:
//   - JSON.parse of the analysis (the data arriving: reference, not part of the budget);
//   - Files view, root expanded: the model made and the rows of the root's children (merged tree);
//   - the same sorted by size, filtered to one layer's changes (a 10,000-file layer), and to
//     wasted bytes only; the Layers view expanding that layer (childrenOf);
//   - the peer: a non-lazy provider that makes every row of the whole tree up front.
// Budget: root expansion <= 100 ms after the data arrives. Run by hand after `npm run compile`:
//   node bench/tree.mjs [runs=7] [filesPerLayer=10000]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const out = path.resolve('out');
if (!fs.existsSync(path.join(out, 'client', 'files-model.js'))) throw new Error('out/ is missing: run npm run compile first');
const { FilesModel } = require(path.join(out, 'client', 'files-model.js'));
const { childrenOf } = require(path.join(out, 'client', 'layers-model.js'));
const { build } = require(path.join(out, 'engine', 'build', 'builder.js'));
const { Store } = require(path.join(out, 'engine', 'image', 'store.js'));

const [runs = 7, perLayer = 10000] = process.argv.slice(2).map(Number);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-tree-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

// Five folders of `perLayer` files, 10 x 10 subfolders deep; l4 rewrites l0's paths.
const ctx = path.join(tmp, 'ctx');
for (let l = 0; l < 5; l++) {
  for (let i = 0; i < perLayer; i++) {
    const dir = path.join(ctx, `l${l}`, `d${i % 10}`, `e${Math.floor(i / 10) % 10}`);
    if (i < 100) fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `file-${i}.txt`), `layer ${l} file ${i}\n`.repeat(1 + (i % 7)));
  }
}
fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY l0 /opt/app/\nCOPY l1 /usr/share/\nCOPY l2 /var/lib/\nCOPY l3 /srv/data/\nCOPY l4 /opt/app/\n');
const store = await Store.open(path.join(tmp, 'store'));
let t0 = performance.now();
const result = await build({ context: ctx, store, tag: 'bench-tree:latest', sourceDateEpoch: 0 });
const json = JSON.stringify(result.image);
const files = result.image.layers.reduce((n, l) => n + l.files.filter((f) => f.type !== 'directory').length, 0);
console.log(`image: ${files} files in ${result.image.layers.length} layers, analysis ${(json.length / 1e6).toFixed(1)} MB of JSON (built and analysed in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(fn) {
  const samples = [];
  for (let r = 0; r < runs; r++) {
    const image = JSON.parse(json); // fresh data every run: no cache carries over
    const t = performance.now();
    fn(image);
    samples.push(performance.now() - t);
  }
  return median(samples);
}
const rootRows = (model) => model.children().map((n) => model.row(n)).length;
const biggest = (image) => image.layers.reduce((a, b) => (b.files.length > a.files.length ? b : a));

const parse = median(Array.from({ length: runs }, () => ((t0 = performance.now()), JSON.parse(json), performance.now() - t0)));
const results = [
  ['Files: root, merged tree', time((img) => rootRows(new FilesModel(img)))],
  ['Files: root, sorted by size', time((img) => rootRows(new FilesModel(img, { wastedOnly: false }, 'size')))],
  ['Files: root, one layer\'s changes', time((img) => rootRows(new FilesModel(img, { layer: biggest(img).index, wastedOnly: false })))],
  ['Files: root, wasted bytes only', time((img) => rootRows(new FilesModel(img, { wastedOnly: true })))],
  ['Layers: expand the biggest layer', time((img) => childrenOf({ kind: 'layer', id: 'x', image: img, layer: biggest(img) }).length)],
];
// The peer: every row of the whole tree made at once (what a provider without lazy children does).
const eager = time((img) => {
  const model = new FilesModel(img);
  const stack = [model.root];
  let n = 0;
  while (stack.length) for (const c of model.children(stack.pop())) (n += model.row(c) ? 1 : 0), c.children && stack.push(c);
  return n;
});
console.log(`JSON.parse of the analysis (data arriving, not counted): ${parse.toFixed(1)} ms`);
console.log(`peer, every row of the tree up front: ${eager.toFixed(1)} ms`);
for (const [what, ms] of results) {
  console.log(`${what.padEnd(36)} ${ms.toFixed(2).padStart(8)} ms   ${(ms / 100).toFixed(3)} of the 100 ms budget   peer/ours ${(eager / ms).toFixed(1)}`);
}
