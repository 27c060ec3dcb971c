// Build examples/hello (and a context of 2,000 small files) with Layerwise and with Docker's
// BuildKit, both cold (no cache), in this one script, and print the medians and their ratio.
// Run by hand after `npm run build`: node bench/build-hello.mjs [runs]
// Needs a Docker daemon and a docker client that can use BuildKit (Debian's /usr/bin/docker).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const runs = Number(process.argv[2] ?? 7);
const docker = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-'));

function manyFiles() {
  const dir = path.join(tmp, 'many');
  for (let i = 0; i < 2000; i++) {
    const f = path.join(dir, 'src', `d${i % 40}`, `f${i}.txt`);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, `file ${i}\n`.repeat(20));
  }
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY src /app/\nENV A=1\nCMD ["/app/x"]\n');
  return dir;
}

function time(fn) {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function bench(name, context) {
  const ours = [];
  const theirs = [];
  for (let i = 0; i < runs; i++) {
    const store = path.join(tmp, `store-${name}-${i}`);
    ours.push(time(() => execFileSync(process.execPath, ['dist/cli.js', 'build', '-q', '-t', `bench-${name}`, '--store', store, context])));
    theirs.push(time(() => {
      const r = spawnSync(docker, ['build', '-q', '--no-cache', '-t', `lw-bench-${name}`, context], { env: { ...process.env, DOCKER_BUILDKIT: '1' } });
      if (r.status !== 0) throw new Error(`docker build failed: ${r.stderr}`);
    }));
  }
  const o = median(ours);
  const d = median(theirs);
  console.log(`${name.padEnd(12)} layerwise ${o.toFixed(0).padStart(6)} ms   docker buildkit ${d.toFixed(0).padStart(6)} ms   ratio ${(d / o).toFixed(2)}x (docker/layerwise, median of ${runs})`);
}

if (spawnSync(docker, ['info'], { stdio: 'ignore' }).status !== 0) {
  console.error('no Docker daemon: start dockerd first');
  process.exit(1);
}
bench('hello', path.resolve('examples/hello'));
bench('2000-files', manyFiles());
fs.rmSync(tmp, { recursive: true, force: true });
