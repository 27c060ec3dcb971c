// Issue 10's delegate builds: what driving a delegate and importing its image into the store
// costs, against the delegate doing the same build and export alone (measured in this script):
//   1. layerwise build --builder docker  vs  docker build (BuildKit) + docker save;
//   2. layerwise build --builder buildah vs  buildah bud --layers + buildah push docker-archive;
// each cold (--no-cache) and cached, on a COPY of a generated context plus a RUN on busybox.
// Run by hand after `npm run build && npm run compile`, as root with dockerd running:
//   node bench/delegate.mjs [runs=5] [files=2000] [megabytes=100]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const { Store } = require('../out/engine/image/store.js');
const { saveDockerArchive } = require('../out/engine/image/docker-archive.js');
const { makeBusyboxImage } = require('../out/test/helpers/busybox.js');

const [runs = 5, files = 2000, megabytes = 100] = process.argv.slice(2).map(Number);
const docker = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-delegate-'));
const cli = path.resolve('dist/cli.js');
const env = { ...process.env, DOCKER_BUILDKIT: '1', LAYERWISE_DOCKER: process.env.LAYERWISE_DOCKER ?? docker };
const base = `lw-bench-delegate/busybox:${process.pid}`;

const ms = (fn) => { const t = process.hrtime.bigint(); fn(); return Number(process.hrtime.bigint() - t) / 1e6; };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sh = (cmd, args) => {
  const r = spawnSync(cmd, args, { env, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.toString();
};
const line = (label, ours, peerName, peer) =>
  console.log(`${label.padEnd(30)} layerwise ${ours.toFixed(0).padStart(6)} ms | ${peerName.padEnd(36)} ${peer.toFixed(0).padStart(6)} ms | ratio ${(ours / peer).toFixed(2)}x`);

function makeContext() {
  const dir = path.join(tmp, 'ctx');
  const size = Math.floor((megabytes * 1e6) / files);
  const block = Buffer.alloc(size);
  for (let i = 0; i < files; i++) {
    const f = path.join(dir, 'data', `d${i % 50}`, `f${i}.bin`);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    block.writeUInt32LE(i, 0);
    fs.writeFileSync(f, block);
  }
  fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${base}\nCOPY data /data/\nRUN du -s /data > /du.txt\nCMD ["cat", "/du.txt"]\n`);
  return dir;
}

if (spawnSync(docker, ['info'], { stdio: 'ignore' }).status !== 0) throw new Error('no Docker daemon: start dockerd first');
const hasBuildah = spawnSync('buildah', ['--version'], { stdio: 'ignore' }).status === 0;
const ctx = makeContext();
const seed = await Store.open(path.join(tmp, 'seed'));
await makeBusyboxImage(seed, base);
const baseTar = path.join(tmp, 'busybox.tar');
await saveDockerArchive(seed, [await seed.resolve(base)], baseTar);
sh(docker, ['load', '-i', baseTar]);
if (hasBuildah) {
  sh('buildah', ['pull', '-q', `docker-archive:${baseTar}`]);
  sh('buildah', ['tag', `localhost/${base}`, base]);
}
console.log(`context: ${files} files, ${megabytes} MB, then a RUN on busybox; ${runs} runs each, medians`);

const peers = {
  docker: (noCache) => {
    const iid = path.join(tmp, 'iid');
    sh(docker, ['build', '-q', ...(noCache ? ['--no-cache'] : []), '--iidfile', iid, ctx]);
    sh(docker, ['save', '-o', path.join(tmp, 'peer.tar'), fs.readFileSync(iid, 'utf8').trim()]);
  },
  buildah: (noCache) => {
    const iid = path.join(tmp, 'iid');
    sh('buildah', ['bud', '--layers', '--force-rm', '--format', 'docker', '--isolation', 'chroot', '-q', ...(noCache ? ['--no-cache'] : []), '--iidfile', iid, ctx]);
    fs.rmSync(path.join(tmp, 'peer.tar'), { force: true });
    sh('buildah', ['push', '-q', fs.readFileSync(iid, 'utf8').trim().replace(/^sha256:/, ''), `docker-archive:${path.join(tmp, 'peer.tar')}`]);
  },
};

for (const builder of ['docker', ...(hasBuildah ? ['buildah'] : [])]) {
  for (const noCache of [true, false]) {
    const ours = [];
    const peer = [];
    for (let i = 0; i < runs; i++) {
      // A fresh store each time: the import is always complete, as for a first build.
      const store = path.join(tmp, `store-${builder}-${noCache}-${i}`);
      ours.push(ms(() => sh(process.execPath, [cli, 'build', '-q', '--builder', builder, '--store', store, ...(noCache ? ['--no-cache'] : []), ctx])));
      fs.rmSync(store, { recursive: true, force: true });
      peer.push(ms(() => peers[builder](noCache)));
    }
    line(`${builder}, ${noCache ? 'cold' : 'cached'}`, median(ours), builder === 'docker' ? 'docker build + docker save' : 'buildah bud + push docker-archive', median(peer));
  }
}
if (!hasBuildah) console.log('buildah is not installed: skipped (apt-get install buildah)');

spawnSync(docker, ['rmi', '-f', base], { stdio: 'ignore' });
if (hasBuildah) spawnSync('buildah', ['rmi', '-f', `localhost/${base}`], { stdio: 'ignore' });
fs.rmSync(tmp, { recursive: true, force: true });
