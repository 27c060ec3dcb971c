// Issue 4's build benchmarks, each printed as a ratio against its peer measured in this script:
//   1. cold build, COPY of a generated 20,000-file / 400 MB context: vs docker build (BuildKit),
//      vs buildah bud --isolation chroot, and vs `tar -c | sha256sum` of the same tree (the floor);
//   2. no-op rebuild of the same: vs docker's cached rebuild, from a fresh CLI process, from the
//      engine in a long-lived process (the language server's path: WarmContexts), and through
//      the language server itself (layerwise/build over stdio, the analysis in the answer);
//   3. 20 x RUN true on a busybox base: vs docker build.
// Run by hand after `npm run build && npm run compile`, as root with dockerd running:
//   node bench/build.mjs [runs=3] [files=20000] [megabytes=400] [--noop]   (--noop: section 2 only)
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const { Store } = require('../out/engine/image/store.js');
const { saveDockerArchive } = require('../out/engine/image/docker-archive.js');
const { makeBusyboxImage } = require('../out/test/helpers/busybox.js');
const { buildImage } = require('../out/engine/build/builder.js');
const { WarmContexts } = require('../out/engine/build/cache/warm-contexts.js');
const { startSession } = require('../out/test/helpers/lsp.js');
const { pathToFileURL } = require('node:url');

const noopOnly = process.argv.includes('--noop');
const [runs = 3, files = 20000, megabytes = 400] = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);
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
for (let i = 0; i < (noopOnly ? 1 : runs); i++) {
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
if (!noopOnly) {
line('cold COPY build', median(ours), 'docker build', median(dock));
if (hasBuildah) line('cold COPY build', median(ours), 'buildah bud (chroot)', median(bah));
else console.log('buildah is not installed: skipped (apt-get install buildah)');
line('cold COPY build', median(ours), 'tar -c | sha256sum', median(tarsum));
}

// 2. No-op rebuilds (the stores and docker's cache are warm now), in turns so load hits all alike.
const noopRuns = Math.max(runs, 7);
const store0 = await Store.open(path.join(tmp, 'store-0'));
const warm = new WarmContexts();
const server = startServer(store0.dir);
const dockerfileUri = pathToFileURL(path.join(ctx, 'Dockerfile')).toString();
// Each long-lived path builds once first: its watch starts with that build.
await buildImage({ context: ctx, store: store0, tag: 'lw-bench-cold', warm });
await server.build(dockerfileUri);
const oursNoop = [], warmNoop = [], serverNoop = [], dockNoop = [];
for (let i = 0; i < noopRuns; i++) {
  oursNoop.push(ms(() => sh(process.execPath, [cli, 'build', '-q', '--store', store0.dir, ctx])));
  dockNoop.push(ms(() => sh(docker, ['build', '-q', '-t', 'lw-bench-cold', ctx])));
  let t = process.hrtime.bigint();
  await buildImage({ context: ctx, store: store0, tag: 'lw-bench-cold', warm });
  warmNoop.push(Number(process.hrtime.bigint() - t) / 1e6);
  t = process.hrtime.bigint();
  await server.build(dockerfileUri);
  serverNoop.push(Number(process.hrtime.bigint() - t) / 1e6);
}
warm.close();
await server.stop();
line('no-op rebuild, CLI process', median(oursNoop), 'docker build (cached)', median(dockNoop));
line('no-op rebuild, warm engine', median(warmNoop), 'docker build (cached)', median(dockNoop));
line('no-op rebuild, language server', median(serverNoop), 'docker build (cached)', median(dockNoop));
console.log(`(warm engine: buildImage with WarmContexts in this process, as the language server builds; language server: a layerwise/build request over stdio, as the extension sends it, answered with the analysis or, when unchanged, its key; ${noopRuns} runs each)`);
if (noopOnly) {
  spawnSync(docker, ['rmi', '-f', 'lw-bench-cold'], { stdio: 'ignore' });
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
}

/** The language server (dist/server.js) on stdio, as VS Code starts it (test/helpers/lsp's session), with the store setting. */
function startServer(storeDir) {
  const ready = startSession(storeDir);
  // As the extension does: the key of the analysis it holds goes with each request.
  let held;
  return {
    async build(uri) {
      const { session } = await ready;
      const answer = await session.connection.sendRequest('layerwise/build', { uri, tag: 'lw-bench-cold', knownAnalysis: held });
      if (answer?.image?.digest) held = answer.analysisKey;
      else if (answer?.sameAnalysis !== held) throw new Error('the server built no image');
      return answer;
    },
    async stop() {
      await (await ready).session.close();
    },
  };
}

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
