// Issue 6's analysis benchmark. Generates an image of ~1 GB / 50,000 files in 10 layers (with
// modifications, deletions, an opaque folder and hard links, so every code path runs), as an OCI
// layout twice: uncompressed layers and gzip layers. Then, caches warm, medians of `runs`:
//   - `tar -tvf` over each uncompressed layer (GNU tar seeks over content), the floor for the first;
//   - `gunzip -c | tar -tv` over each gzip layer, the floor for the second;
//   - `layerwise inspect --depth 0` of each layout: the full analysis (every layer's changes, the
//     merged filesystem with every path's history, waste, dive's figures, base, history), printing
//     the summary and layer table only; its wall time and peak RSS;
//   - `--depth 1`: the same plus the visible tree built (every folder's size aggregated, children
//     sorted), of which the top level is printed;
//   - `layerwise inspect --json` of each: the same plus the whole JSON document (~20 MB) to /dev/null;
//   - the JSON run with --digests (sha256 of every file's content).
// Run by hand after `npm run build`: node bench/inspect.mjs [runs=3] [files=50000] [megabytes=1000] [layers=10]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

const [runs = 3, files = 50000, megabytes = 1000, layerCount = 10] = process.argv.slice(2).map(Number);
const cli = path.resolve('dist/cli.js');
if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build first');
// LW_BENCH_DIR keeps the generated image there (and reuses it when it exists).
const keep = process.env.LW_BENCH_DIR;
const tmp = keep ? path.resolve(keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-inspect-'));
const reuse = keep !== undefined && fs.existsSync(path.join(tmp, 'gzip', 'index.json'));
if (!keep) process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
fs.mkdirSync(tmp, { recursive: true });

// Deterministic, partly compressible content (about 2:1 with gzip -1), drawn from one pool.
let seed = 42;
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const POOL = Buffer.alloc(16 << 20);
for (let i = 0; i < POOL.length; ) {
  if (rand() < 0.5) {
    const run = 8 + Math.floor(rand() * 64);
    POOL.fill(97 + Math.floor(rand() * 20), i, Math.min(i + run, POOL.length));
    i += run;
  } else {
    const run = 8 + Math.floor(rand() * 64);
    for (let k = 0; k < run && i < POOL.length; k++) POOL[i++] = Math.floor(rand() * 256);
  }
}
const content = (size) => {
  const at = Math.floor(rand() * (POOL.length - size));
  return POOL.subarray(at, at + size);
};

// A minimal ustar writer (what the bench needs; names stay under 100 bytes).
function header(name, { type = '0', size = 0, mode = 0o644, link = '' } = {}) {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write(mode.toString(8).padStart(7, '0') + '\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write((1700000000).toString(8).padStart(11, '0') + '\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write(link, 157, 100, 'utf8');
  h.write('ustar\0' + '00', 257, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

class TarFile {
  constructor(file) {
    this.fd = fs.openSync(file, 'w');
    this.hash = createHash('sha256');
    this.size = 0;
  }
  write(buf) {
    fs.writeSync(this.fd, buf);
    this.hash.update(buf);
    this.size += buf.length;
  }
  dir(name, mode = 0o755) {
    this.write(header(name + '/', { type: '5', mode }));
  }
  file(name, data, mode = 0o644) {
    this.write(header(name, { size: data.length, mode }));
    this.write(data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) this.write(Buffer.alloc(pad));
  }
  link(name, target) {
    this.write(header(name, { type: '1', link: target }));
  }
  close() {
    this.write(Buffer.alloc(1024));
    fs.closeSync(this.fd);
    return `sha256:${this.hash.digest('hex')}`;
  }
}

function generate() {
  const perLayer = Math.floor(files / layerCount);
  const average = Math.floor((megabytes * 1e6) / files);
  const tars = [];
  const written = []; // [layer, name, size] of plain files, for later modifications
  for (let l = 0; l < layerCount; l++) {
    const file = path.join(tmp, `layer${l}.tar`);
    const t = new TarFile(file);
    const top = `usr/share/l${l}`;
    t.dir('usr');
    t.dir('usr/share');
    t.dir(top);
    let n = 0;
    // Later layers rewrite some earlier files (copy-up), delete some, and clear one folder.
    if (l >= 2) {
      const victims = written.filter(([layer]) => layer === l - 2).slice(0, Math.floor(perLayer / 20));
      const dirs = new Set();
      for (const [, name, size] of victims) {
        const d = path.posix.dirname(name);
        if (!dirs.has(d)) (dirs.add(d), t.dir(d));
        t.file(name, content(size), 0o600);
        n++;
      }
      t.file(`usr/share/l${l - 2}/d0/.wh.f0.bin`, Buffer.alloc(0));
      t.dir(`usr/share/l${l - 2}/d1`);
      t.file(`usr/share/l${l - 2}/d1/.wh..wh..opq`, Buffer.alloc(0));
    }
    const dirsHere = new Set();
    for (let i = 0; n < perLayer; i++, n++) {
      const d = `${top}/d${i % 50}`;
      if (!dirsHere.has(d)) (dirsHere.add(d), t.dir(d));
      const big = i % 500 === 499;
      const size = big ? average * 50 : Math.max(1, Math.floor(average * (0.1 + rand() * 1.6)));
      const name = `${d}/f${i}.bin`;
      if (i % 97 === 96) {
        t.link(name, `${d}/f${i - 1}.bin`);
        continue;
      }
      t.file(name, content(Math.min(size, POOL.length - 1)));
      written.push([l, name, size]);
    }
    tars.push({ file, diffId: t.close(), size: t.size });
  }
  return tars;
}

function layout(dir, layers) {
  const blobs = path.join(dir, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const put = (bytes) => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    fs.writeFileSync(path.join(blobs, hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: {},
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((_, i) => ({ created_by: `RUN generate layer ${i} # buildkit` })),
  }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...put(config) },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  }));
  const m = put(manifest);
  fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': 'bench' } }] }));
  fs.writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
}

const ms = (cmd, args, opts = {}) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 30, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, r };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const plainDir = path.join(tmp, 'plain');
const gzipDir = path.join(tmp, 'gzip');
const blobsOf = (dir) => {
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
  const blob = (d) => path.join(dir, 'blobs', 'sha256', d.slice(7));
  const manifest = JSON.parse(fs.readFileSync(blob(index.manifests[0].digest), 'utf8'));
  return manifest.layers.map((l) => ({ file: blob(l.digest), size: fs.statSync(blob(l.digest)).size }));
};
let plain, gz;
if (reuse) {
  console.log(`reusing the image in ${tmp}`);
  plain = blobsOf(plainDir);
  gz = blobsOf(gzipDir);
} else {
console.log(`generating ${files} files, ~${megabytes} MB in ${layerCount} layers ...`);
const tars = generate();
plain = tars.map((t) => {
  const hex = t.diffId.slice(7);
  fs.mkdirSync(path.join(plainDir, 'blobs', 'sha256'), { recursive: true });
  fs.renameSync(t.file, path.join(plainDir, 'blobs', 'sha256', hex));
  return { ...t, file: path.join(plainDir, 'blobs', 'sha256', hex), digest: t.diffId, mediaType: 'application/vnd.oci.image.layer.v1.tar' };
});
layout(plainDir, plain);
gz = plain.map((t) => {
  const bytes = zlib.gzipSync(fs.readFileSync(t.file), { level: 1 });
  const hex = createHash('sha256').update(bytes).digest('hex');
  fs.mkdirSync(path.join(gzipDir, 'blobs', 'sha256'), { recursive: true });
  const file = path.join(gzipDir, 'blobs', 'sha256', hex);
  fs.writeFileSync(file, bytes);
  return { ...t, file, digest: `sha256:${hex}`, size: bytes.length, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' };
});
layout(gzipDir, gz);
}
const total = plain.reduce((n, t) => n + t.size, 0);
const totalGz = gz.reduce((n, t) => n + t.size, 0);
console.log(`uncompressed ${(total / 1e6).toFixed(0)} MB, gzip ${(totalGz / 1e6).toFixed(0)} MB; ${runs} runs each, medians, caches warm`);

const tarList = plain.map((t) => t.file).map((f) => `tar -tvf ${f} >/dev/null`).join(' && ');
const gunzipList = gz.map((t) => `gunzip -c ${t.file} | tar -tv >/dev/null`).join(' && ');
const inspect = (dir, extra = ['--json']) => {
  const r = ms('/usr/bin/time', ['-f', '%M', process.execPath, cli, 'inspect', ...extra, `oci:${dir}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { ms: r.ms, rssMB: Number(r.r.stderr.toString().trim().split('\n').pop()) / 1024 };
};
// Warm the page cache.
ms('sh', ['-c', `cat ${plain.map((t) => t.file).join(' ')} ${gz.map((t) => t.file).join(' ')} >/dev/null`]);

// Round robin: each run measures every command once, so a busy moment hits them all alike.
const cases = [
  ['tar -tvf (uncompressed layers)', () => ms('sh', ['-c', tarList]).ms],
  ['layerwise inspect --depth 0 (uncompressed)', () => inspect(plainDir, ['--depth', '0'])],
  ['layerwise inspect --depth 1 (uncompressed)', () => inspect(plainDir, ['--depth', '1'])],
  ['layerwise inspect --json (uncompressed)', () => inspect(plainDir)],
  ['gunzip -c | tar -tv (gzip layers)', () => ms('sh', ['-c', gunzipList]).ms],
  ['layerwise inspect --depth 0 (gzip)', () => inspect(gzipDir, ['--depth', '0'])],
  ['layerwise inspect --json (gzip)', () => inspect(gzipDir)],
  ['layerwise inspect --json --digests (uncompr.)', () => inspect(plainDir, ['--json', '--digests'])],
  ['layerwise inspect --json --digests (gzip)', () => inspect(gzipDir, ['--json', '--digests'])],
];
const samples = cases.map(() => []);
for (let i = 0; i < runs; i++) cases.forEach(([, fn], k) => samples[k].push(fn()));
const rows = cases.map(([label], k) => {
  const xs = samples[k];
  const time = median(xs.map((x) => x.ms ?? x));
  const rss = xs[0].rssMB !== undefined ? Math.max(...xs.map((x) => x.rssMB)) : undefined;
  console.log(`${label.padEnd(46)} ${time.toFixed(0).padStart(7)} ms${rss !== undefined ? `   peak RSS ${rss.toFixed(0)} MB` : ''}   (runs: ${xs.map((x) => (x.ms ?? x).toFixed(0)).join(', ')})`);
  return { label, time, rss };
});
const [tarTime, oursPlain, treePlain, jsonPlain, gunzipTime, oursGz, jsonGz, digestsPlain, digestsGz] = rows.map((x) => x.time);
console.log('');
const r = (a, b) => `${(a / b).toFixed(2)}x`;
console.log(`uncompressed: analysis ${r(oursPlain, tarTime)}, with the tree ${r(treePlain, tarTime)}, with JSON ${r(jsonPlain, tarTime)}, JSON + digests ${r(digestsPlain, tarTime)} of tar -tvf (target <= 1.5x)`);
console.log(`gzip:         analysis ${r(oursGz, gunzipTime)}, with JSON ${r(jsonGz, gunzipTime)}, JSON + digests ${r(digestsGz, gunzipTime)} of gunzip -c | tar -tv (target <= 1.5x)`);
console.log(`peak RSS:           ${Math.max(...rows.filter((r) => r.rss !== undefined).map((r) => r.rss)).toFixed(0)} MB (target < 400 MB)`);
