// Issue 5's pull benchmark: a generated multi-layer image (~500 MB of gzip layers) is pushed to a
// local distribution registry by skopeo, then pulled by `layerwise pull` and by
// `skopeo copy docker://... oci:DIR`, alternately, each into a fresh folder. Prints both medians
// and the ratio (target: layerwise <= 1.0x skopeo).
// Run by hand after `npm run build`, with docker-registry and skopeo installed:
//   node bench/pull.mjs [runs=7] [megabytes=500] [layers=8]
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGzip } from 'node:zlib';

const require = createRequire(import.meta.url);
const tar = require('tar-stream');

const [runs = 7, megabytes = 500, layerCount = 8] = process.argv.slice(2).map(Number);
const cli = path.resolve('dist/cli.js');
if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
for (const tool of ['docker-registry', 'skopeo']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is not installed (apt-get install ${tool})`);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-pull-'));
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sh = (cmd, args) => {
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.toString();
};
const sha = (buf) => `sha256:${createHash('sha256').update(buf).digest('hex')}`;

/** An OCI layout with `layerCount` gzip layers of files of random (incompressible) bytes, sizes decreasing. */
async function makeImage(dir) {
  const blobs = path.join(dir, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const weights = Array.from({ length: layerCount }, (_, i) => layerCount - i);
  const total = weights.reduce((a, b) => a + b, 0);
  const layers = [];
  const diffIds = [];
  for (const [i, w] of weights.entries()) {
    const bytes = Math.round((megabytes * 1e6 * w) / total);
    const pack = tar.pack();
    const rawHash = createHash('sha256');
    const gzHash = createHash('sha256');
    const temp = path.join(blobs, `tmp-${i}`);
    let gzSize = 0;
    const gzip = createGzip({ level: 1 });
    pack.on('data', (c) => rawHash.update(c));
    gzip.on('data', (c) => {
      gzHash.update(c);
      gzSize += c.length;
    });
    const written = pipeline(pack, gzip, fs.createWriteStream(temp));
    const fileSize = 4 << 20;
    for (let off = 0, n = 0; off < bytes; off += fileSize, n++) {
      const size = Math.min(fileSize, bytes - off);
      await new Promise((resolve, reject) => pack.entry({ name: `layer${i}/file${n}.bin`, size, mtime: new Date(0), mode: 0o644 }, randomBytes(size), (e) => (e ? reject(e) : resolve())));
    }
    pack.finalize();
    await written;
    const digest = `sha256:${gzHash.digest('hex')}`;
    fs.renameSync(temp, path.join(blobs, digest.slice(7)));
    layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size: gzSize });
    diffIds.push(`sha256:${rawHash.digest('hex')}`);
  }
  const put = (obj) => {
    const buf = Buffer.from(JSON.stringify(obj));
    const digest = sha(buf);
    fs.writeFileSync(path.join(blobs, digest.slice(7)), buf);
    return { digest, size: buf.length };
  };
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch] ?? process.arch;
  const config = put({ architecture: arch, os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: diffIds }, history: diffIds.map(() => ({ created_by: 'bench' })) });
  const manifest = put({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers });
  fs.writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'bench' } }] }),
  );
  return layers.reduce((n, l) => n + l.size, 0);
}

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startRegistry() {
  const port = await freePort();
  const config = path.join(tmp, 'registry.yml');
  fs.writeFileSync(config, `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(tmp, 'registry')}\nhttp:\n  addr: 127.0.0.1:${port}\n  secret: bench\n`);
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if ((await fetch(`http://127.0.0.1:${port}/v2/`).then((r) => r.status, () => 0)) === 200) return { host: `127.0.0.1:${port}`, child };
    await sleep(100);
  }
  child.kill();
  throw new Error('docker-registry did not start');
}

const registry = await startRegistry();
try {
  const layout = path.join(tmp, 'src');
  let t = process.hrtime.bigint();
  const size = await makeImage(layout);
  console.log(`generated ${layerCount} gzip layers, ${(size / 1e6).toFixed(0)} MB, in ${(ms(t) / 1000).toFixed(1)} s`);
  const ref = `${registry.host}/bench:latest`;
  t = process.hrtime.bigint();
  sh('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:bench`, `docker://${ref}`]);
  console.log(`skopeo pushed it to ${ref} in ${(ms(t) / 1000).toFixed(1)} s`);
  fs.rmSync(layout, { recursive: true, force: true });

  const ours = [];
  const theirs = [];
  // Round 0 warms up the registry (its first answers are slower) and is not counted.
  for (let i = -1; i < runs; i++) {
    const store = path.join(tmp, `store-${i}`);
    // Dirty pages of what ran before (the generated image, the last run's copy) are flushed
    // first, so neither tool pays for the other's writeback.
    sh('sync', []);
    t = process.hrtime.bigint();
    sh(process.execPath, [cli, 'pull', '--progress', 'quiet', '--store', store, ref]);
    const oursMs = ms(t);
    fs.rmSync(store, { recursive: true, force: true });

    const dest = path.join(tmp, `skopeo-${i}`);
    sh('sync', []);
    t = process.hrtime.bigint();
    sh('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${ref}`, `oci:${dest}:bench`]);
    const theirMs = ms(t);
    fs.rmSync(dest, { recursive: true, force: true });
    if (i < 0) {
      console.log(`warm-up: layerwise ${oursMs.toFixed(0)} ms, skopeo ${theirMs.toFixed(0)} ms (not counted)`);
      continue;
    }
    ours.push(oursMs);
    theirs.push(theirMs);
    console.log(`run ${i + 1}: layerwise ${oursMs.toFixed(0)} ms, skopeo ${theirMs.toFixed(0)} ms`);
  }
  const a = median(ours);
  const b = median(theirs);
  const mbps = (x) => ((size / 1e6) / (x / 1000)).toFixed(0);
  console.log(`pull ${(size / 1e6).toFixed(0)} MB, ${layerCount} layers   layerwise ${a.toFixed(0).padStart(6)} ms (${mbps(a)} MB/s) | skopeo copy ${b.toFixed(0).padStart(6)} ms (${mbps(b)} MB/s) | ratio ${(a / b).toFixed(2)}x`);
} finally {
  registry.child.kill();
  fs.rmSync(tmp, { recursive: true, force: true });
}
