/**
 * `layerwise inspect` and `layerwise diff` as a user runs them (the compiled CLI, a real process):
 * foreign images by path, JSON, Dockerfile matching, CI thresholds and exit codes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { contextWith, tempDir } from '../helpers/fixtures';
import { projectRoot } from '../helpers/paths';
import { layerTar, legacyDockerArchive, writeLayout } from '../engine/analyze/images';

const bin = path.join(projectRoot(), 'out', 'engine', 'cli', 'bin.js');

function cli(args: string[], options: { cwd?: string; store?: string } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: options.cwd, env: { ...process.env, LAYERWISE_STORE: options.store ?? tempDir() } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function wastefulArchive(): Promise<{ archive: string; dockerfile: string }> {
  const layers = [
    await layerTar([{ dir: '/bin' }, { file: '/bin/sh', data: Buffer.alloc(1000, 1) }]),
    await layerTar([{ dir: '/var' }, { dir: '/var/cache' }, { file: '/var/cache/pkgs.tgz', data: Buffer.alloc(5000, 2) }]),
    await layerTar([{ dir: '/var' }, { whiteout: '/var/cache' }, { dir: '/app' }, { file: '/app/run', data: Buffer.alloc(100, 3), mode: 0o755 }]),
  ];
  const history = [
    { created_by: '/bin/sh -c #(nop) ADD file:0123 in / ' },
    { created_by: 'RUN /bin/sh -c fetch > /var/cache/pkgs.tgz # buildkit' },
    { created_by: 'ENV X=1', empty_layer: true },
    { created_by: 'RUN /bin/sh -c rm -rf /var/cache && install /app/run # buildkit' },
  ];
  const archive = await legacyDockerArchive([{ tags: ['waste:1'], layers, history }], path.join(tempDir(), 'waste.tar'));
  const ctx = contextWith({ Dockerfile: 'FROM base\nRUN fetch > /var/cache/pkgs.tgz\nENV X=1\nRUN rm -rf /var/cache && install /app/run\n' });
  return { archive, dockerfile: path.join(ctx, 'Dockerfile') };
}

test('inspect reads a docker save archive by path: layers, waste, Dockerfile lines, JSON', async () => {
  const { archive, dockerfile } = await wastefulArchive();
  const text = cli(['inspect', '--dockerfile', dockerfile, archive]);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /^waste:1 {2}sha256:/);
  assert.match(text.out, /efficiency 18\.03 %, wasted 5 kB of 6.1 kB stored; user layers: 5 kB wasted of 5.1 kB \(98\.04 %\)/);
  assert.match(text.out, /base image: layer 0 — history matched to the Dockerfile/);
  assert.match(text.out, /\n {2}2 {2}100 B .* RUN \/bin\/sh -c rm -rf \/var\/cache && install \/app\/run {2}.*Dockerfile:4\n/);
  assert.match(text.out, /WASTED SPACE.*\n.*\n {2}5 kB {4}\/var\/cache\/pkgs\.tgz \(deleted\) {2}5 kB in 1 \(hidden by 2\)/);
  const json = JSON.parse(cli(['inspect', '--json', '--dockerfile', dockerfile, archive]).out);
  assert.equal(json.image.source.kind, 'docker-archive');
  assert.deepEqual(json.layers.map((l: { source: { range: { start: { line: number } } } | null }) => l.source?.range.start.line ?? null), [null, 1, 3]);
  assert.deepEqual(json.base, { layers: 1, how: 'dockerfile' });
  assert.equal(json.efficiency.wastedBytes, 5000);
  assert.equal(json.files.find((f: { path: string }) => f.path === '/app/run').layer, 2);
  const shallow = cli(['inspect', '--depth', '1', archive]);
  assert.match(shallow.out, /├── app\/ .*\n│ {3}└── \.\.\. 1 path\(s\)/);
});

test('--ci: thresholds from flags or a .dive-ci file; exit 1 naming the failed rules', async () => {
  const { archive } = await wastefulArchive();
  const failed = cli(['inspect', '--ci', '--highest-wasted-bytes', '1kB', archive]);
  assert.equal(failed.code, 1);
  assert.match(failed.out, /FAIL: lowestEfficiency: image efficiency is too low/);
  assert.match(failed.out, /FAIL: highestWastedBytes: too many bytes wasted \(wasted-bytes=5000 \(5 kB\) > threshold=1000/);
  assert.match(failed.out, /Result: FAIL \[Total:3\] \[Passed:0\] \[Failed:3\] \[Skipped:0\]/);
  assert.match(failed.err, /CI failed: lowestEfficiency, highestWastedBytes, highestUserWastedPercent/);
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, '.dive-ci'), 'rules:\n  lowestEfficiency: 0.1\n  highestWastedBytes: 10kB\n  highestUserWastedPercent: disabled\n');
  const passed = cli(['inspect', '--ci', archive], { cwd: dir });
  assert.equal(passed.code, 0, passed.out);
  assert.match(passed.out, /rules from .*\.dive-ci/);
  assert.match(passed.out, /Result: PASS \[Total:3\] \[Passed:2\] \[Failed:0\] \[Skipped:1\]/);
  const json = JSON.parse(cli(['inspect', '--ci', '--json', '--lowest-efficiency', '0.5', archive], { cwd: dir }).out);
  assert.deepEqual(json.ci.results.map((r: { rule: string; status: string }) => `${r.rule}:${r.status}`), ['lowestEfficiency:fail', 'highestWastedBytes:pass', 'highestUserWastedPercent:skip']);
  assert.equal(cli(['inspect', '--ci', '--lowest-efficiency', 'lots', archive]).code, 1);
});

test('diff of two OCI layouts: exit 1 with the differences, 0 when the files are the same', async () => {
  const base = await layerTar([{ file: '/a', data: 'aaa' }]);
  const one = writeLayout([{ layers: [base, await layerTar([{ file: '/b', data: 'b' }])] }]);
  const two = writeLayout([{ layers: [base, await layerTar([{ file: '/b', data: 'bbbb' }, { dir: '/c' }, { file: '/c/d', data: 'd' }])] }]);
  const r = cli(['diff', one, two]);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /1 added \(1 B\), 0 removed \(0 B\), 1 changed \(1 B -> 4 B\); B is \+4 B/);
  assert.match(r.out, /first 1 layer shared/);
  assert.match(r.out, /M \/b {2}1 B -> 4 B {2}\(size; B's layer 1\)/);
  assert.match(r.out, /A \/c\/ {2}1 file, 1 B/);
  const json = JSON.parse(cli(['diff', '--json', one, two]).out);
  assert.deepEqual(json.files.map((f: { kind: string; path: string }) => `${f.kind} ${f.path}`), ['changed /b', 'added /c', 'added /c/d']);
  assert.equal(cli(['diff', one, one]).code, 0);
  assert.equal(cli(['diff', one]).code, 2);
});

test('usage errors exit 2', () => {
  assert.equal(cli(['inspect', '--platform', 'amd64', 'x']).code, 2);
  assert.equal(cli(['inspect', '--depth', '-1', 'x']).code, 2);
});
