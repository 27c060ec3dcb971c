// Issue 4's build benchmarks, each printed as a ratio against its peer measured in this script:
//   1. cold build, COPY of a generated 20,000-file / 400 MB context: vs docker build (BuildKit),
//      vs buildah bud --isolation chroot, and vs `tar -c | sha256sum` of the same tree (the floor);
//   2. no-op rebuild of the same: vs docker's cached rebuild;
//   3. 20 x RUN true on a busybox base: vs docker build.
// Run by hand after `npm run build && npm run compile`, as root with dockerd running:
//   node bench/build.mjs [runs=3] [files=20000] [megabytes=400]
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const { Store } = require('../out/engine/image/store.js');
const { saveDockerArchive } = require('../out/engine/image/docker-archive.js');
const { makeBusyboxImage } = require('../out/test/helpers/busybox.js');

const [runs = 3, files = 20000, megabytes = 400] = process.argv.slice(2).map(Number);
const docker = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-build-'));
const cli = path.resolve('dist/cli.js');
const env = { ...process.env, DOCKER_BUILDKIT: '1' };

const ms = (fn) => { const t = process.hrtime.bigint(); fn(); return Number(process.hrtime.bigint() - t) / 1e6; };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sh = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { env, maxBuffer: 1 << 26, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout?.toString() ?? '';
};
const line = (label, ours, peerName, peer) =>
  console.log(`${label.padEnd(34)} layerwise ${ours.toFixed(0).padStart(7)} ms | ${peerName.padEnd(22)} ${peer.toFixed(0).padStart(7)} ms | ratio ${(ours / peer).toFixed(2)}x`);

function makeContext() {
  const dir = path.join(tmp, 'ctx');
  const size = Math.floor((megabytes * 1e6) / files);
  const block = Buffer.alloc(size);
  for (let i = 0; i < files; i++) {
    const f = path.join(dir, 'data', `d${i % 200}`, `f${i}.bin`);
    if (i % 200 === 0 || i < 200) fs.mkdirSync(path.dirname(f), { recursive: true });
    block.writeUInt32LE(i, 0);
    fs.writeFileSync(f, block);
  }
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY data /data/\nCMD ["/x"]\n');
  return dir;
}

if (spawnSync(docker, ['info'], { stdio: 'ignore' }).status !== 0) throw new Error('no Docker daemon: start dockerd first');
const hasBuildah = spawnSync('buildah', ['--version'], { stdio: 'ignore' }).status === 0;
console.log(`context: ${files} files, ${megabytes} MB; ${runs} runs each, medians`);
const ctx = makeContext();

// 1. Cold builds.
const ours = [], dock = [], bah = [], tarsum = [];
for (let i = 0; i < runs; i++) {
  ours.push(ms(() => sh(process.execPath, [cli, 'build', '-q', '--store', path.join(tmp, `store-${i}`), ctx])));
  dock.push(ms(() => sh(docker, ['build', '-q', '--no-cache', '-t', 'lw-bench-cold', ctx])));
  if (hasBuildah) {
    const root = path.join(tmp, `buildah-${i}`);
    bah.push(ms(() => sh('buildah', ['--root', root, '--runroot', path.join(root, 'run'), 'bud', '--isolation', 'chroot', '--layers', '-q', '-t', 'lw-bench-cold', ctx])));
    spawnSync('buildah', ['--root', root, '--runroot', path.join(root, 'run'), 'rmi', '-a', '-f'], { stdio: 'ignore' });
    fs.rmSync(root, { recursive: true, force: true });
  }
  tarsum.push(ms(() => sh('sh', ['-c', `tar -C ${ctx} -cf - data | sha256sum`])));
}
line('cold COPY build', median(ours), 'docker build', median(dock));
if (hasBuildah) line('cold COPY build', median(ours), 'buildah bud (chroot)', median(bah));
else console.log('buildah is not installed: skipped (apt-get install buildah)');
line('cold COPY build', median(ours), 'tar -c | sha256sum', median(tarsum));

// 2. No-op rebuilds (the stores and docker's cache are warm now).
const oursNoop = [], dockNoop = [];
for (let i = 0; i < runs; i++) {
  oursNoop.push(ms(() => sh(process.execPath, [cli, 'build', '-q', '--store', path.join(tmp, 'store-0'), ctx])));
  dockNoop.push(ms(() => sh(docker, ['build', '-q', '-t', 'lw-bench-cold', ctx])));
}
line('no-op rebuild', median(oursNoop), 'docker build (cached)', median(dockNoop));

// 3. 20 x RUN true on busybox.
const store = await Store.open(path.join(tmp, 'store-run'));
const base = 'layerwise-bench/busybox:latest';
await makeBusyboxImage(store, base);
const archive = path.join(tmp, 'busybox.tar');
await saveDockerArchive(store, [await store.resolve(base)], archive);
sh(docker, ['load', '-i', archive]);
const runCtx = path.join(tmp, 'runctx');
fs.mkdirSync(runCtx);
fs.writeFileSync(path.join(runCtx, 'Dockerfile'), `FROM ${base}\n${'RUN true\n'.repeat(20)}`);
const oursRun = [], dockRun = [];
for (let i = 0; i < runs; i++) {
  oursRun.push(ms(() => sh(process.execPath, [cli, 'build', '-q', '--no-cache', '--store', store.dir, runCtx])));
  dockRun.push(ms(() => sh(docker, ['build', '-q', '--no-cache', '-t', 'lw-bench-run', runCtx])));
}
line('20 x RUN true (no cache)', median(oursRun), 'docker build', median(dockRun));

spawnSync(docker, ['rmi', '-f', 'lw-bench-cold', 'lw-bench-run', base], { stdio: 'ignore' });
fs.rmSync(tmp, { recursive: true, force: true });
