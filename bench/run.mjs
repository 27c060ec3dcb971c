// `layerwise run` against `docker run` + `docker diff` + `docker rm` on the same image (a busybox
// base from Debian's busybox-static plus a 10 MB file), in this one script: a command that changes
// nothing, and a chmod of the 10 MB file (a whole-file copy-up). Prints medians and their ratio.
// Run by hand after `npm run build && npm run compile`: node bench/run.mjs [runs]
// Needs a Docker daemon, busybox-static and a RUN sandbox (root, or bubblewrap).
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const { Store } = require('../out/engine/image/store.js');
const { build } = require('../out/engine/build/builder.js');
const { saveDockerArchive } = require('../out/engine/image/docker-archive.js');
const { makeBusyboxImage } = require('../out/test/helpers/busybox.js');

const runs = Number(process.argv[2] ?? 7);
const docker = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-run-'));
const tag = `lw-bench-run/app:${process.pid}`;
const base = `lw-bench-run/busybox:${process.pid}`;

function time(fn) {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function bench(name, command) {
  const ours = [];
  const theirs = [];
  for (let i = 0; i < runs; i++) {
    ours.push(time(() => execFileSync(process.execPath, ['dist/cli.js', 'run', '--json', '--store', store.dir, tag, '--', ...command], { stdio: ['ignore', 'ignore', 'inherit'] })));
    theirs.push(time(() => {
      const name = `lw-bench-run-${process.pid}-${i}`;
      const r = spawnSync(docker, ['run', '--name', name, '--network', 'none', tag, ...command]);
      if (r.status !== 0) throw new Error(`docker run failed: ${r.stderr}`);
      execFileSync(docker, ['diff', name]);
      execFileSync(docker, ['rm', name]);
    }));
  }
  const o = median(ours);
  const d = median(theirs);
  console.log(`${name.padEnd(16)} layerwise run ${o.toFixed(0).padStart(6)} ms   docker run+diff+rm ${d.toFixed(0).padStart(6)} ms   ratio ${(d / o).toFixed(2)}x (docker/layerwise, median of ${runs})`);
}

if (spawnSync(docker, ['info'], { stdio: 'ignore' }).status !== 0) {
  console.error('no Docker daemon: start dockerd first');
  process.exit(1);
}
const store = await Store.open(path.join(tmp, 'store'));
await makeBusyboxImage(store, base);
const ctx = path.join(tmp, 'ctx');
fs.mkdirSync(ctx);
fs.writeFileSync(path.join(ctx, 'big.bin'), Buffer.alloc(10_000_000, 1));
fs.writeFileSync(path.join(ctx, 'Dockerfile'), `FROM ${base}\nCOPY big.bin /data/big.bin\n`);
await build({ context: ctx, store, tag });
const archive = path.join(tmp, 'images.tar');
await saveDockerArchive(store, [await store.resolve(base), await store.resolve(tag)], archive);
execFileSync(docker, ['load', '-q', '-i', archive]);
try {
  bench('no change', ['true']);
  bench('chmod 10 MB', ['chmod', '600', '/data/big.bin']);
} finally {
  spawnSync(docker, ['rmi', '-f', tag, base], { stdio: 'ignore' });
  fs.rmSync(tmp, { recursive: true, force: true });
}
