import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { contextWith, tempDir } from '../../helpers/fixtures';
import { example, projectRoot } from '../../helpers/paths';

const cliJs = path.join(projectRoot(), 'dist', 'cli.js');

function cli(args: string[], store = tempDir()) {
  const r = spawnSync(process.execPath, [cliJs, ...args], { encoding: 'utf8', env: { ...process.env, LAYERWISE_STORE: store } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('lint --format json gives hadolint fields with the exact range of while.sh', (t) => {
  if (!fs.existsSync(cliJs)) return t.skip('dist/cli.js is missing: run npm run build');
  const file = example('hello', 'Dockerfile');
  const r = cli(['lint', '--format', 'json', file]);
  assert.equal(r.code, 1);
  const records = JSON.parse(r.out);
  const rec = records.find((x: { code: string }) => x.code === 'LW2001');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.startsWith('COPY'));
  const col = lines[line].indexOf('while.sh');
  assert.deepEqual(
    { line: rec.line, column: rec.column, endLine: rec.endLine, endColumn: rec.endColumn, level: rec.level, file: rec.file },
    { line: line + 1, column: col + 1, endLine: line + 1, endColumn: col + 1 + 'while.sh'.length, level: 'error', file },
  );
  assert.match(rec.message, /permission denied/);
});

test('lint text output names file:line:col and exits 0 on a clean Dockerfile', (t) => {
  if (!fs.existsSync(cliJs)) return t.skip('dist/cli.js is missing: run npm run build');
  const r = cli(['lint', example('hello', 'Dockerfile')]);
  assert.match(r.out, /Dockerfile:3:16 LW2001 error:/);
  const clean = contextWith({ Dockerfile: 'FROM scratch\nCOPY a /\n', a: 'x' });
  assert.deepEqual(cli(['lint', path.join(clean, 'Dockerfile')]), { code: 0, out: '', err: '' });
  const broken = contextWith({ Dockerfile: 'FROM a b\n' });
  const b = cli(['lint', path.join(broken, 'Dockerfile')]);
  assert.equal(b.code, 1);
  assert.match(b.out, /LW0001 error: FROM requires either one or three arguments/);
});

test('build then inspect prints layers and the file tree with sizes and provenance', (t) => {
  if (!fs.existsSync(cliJs)) return t.skip('dist/cli.js is missing: run npm run build');
  const store = tempDir();
  const b = cli(['build', '-t', 'hello', example('hello')], store);
  assert.equal(b.code, 0, b.err);
  assert.match(b.out, /^docker\.io\/library\/hello:latest {2}sha256:[0-9a-f]{64}/);
  assert.match(b.err, /\[2\/3\] COPY hello.txt while.sh \//);
  const i = cli(['inspect', 'hello'], store);
  assert.equal(i.code, 0, i.err);
  const size = (f: string) => fs.statSync(example('hello', f)).size;
  assert.match(i.out, /LAYERS\n.*\n {2}0 .*COPY hello\.txt while\.sh \/ .*Dockerfile:3/);
  assert.match(i.out, new RegExp(`hello\\.txt  ${size('hello.txt')} B  0644  layer 0: COPY hello\\.txt while\\.sh / \\(.*Dockerfile:3\\)`));
  assert.match(i.out, new RegExp(`while\\.sh  ${size('while.sh')} B  0644  layer 0`));
  const json = JSON.parse(cli(['inspect', '--json', 'hello'], store).out);
  assert.equal(json.layers[0].source.range.start.line, 2);
  assert.deepEqual(json.tree.children.map((c: { name: string }) => c.name), ['hello.txt', 'while.sh']);
});

test('usage errors exit 2; a missing image exits 1 with the store named', (t) => {
  if (!fs.existsSync(cliJs)) return t.skip('dist/cli.js is missing: run npm run build');
  assert.equal(cli(['build']).code, 2);
  assert.equal(cli(['frobnicate']).code, 2);
  assert.equal(cli(['lint', '--bogus', 'x']).code, 2);
  const store = tempDir();
  const missing = cli(['inspect', 'nothere'], store);
  assert.equal(missing.code, 1);
  assert.match(missing.err, new RegExp(`image "nothere" is not in the store ${store}`));
});

test('build --output, --iidfile, --metadata-file and --progress json', (t) => {
  if (!fs.existsSync(cliJs)) return t.skip('dist/cli.js is missing: run npm run build');
  const out = tempDir();
  const r = cli([
    'build', '-t', 'out:1', '--progress', 'json',
    '-o', `type=oci,dest=${path.join(out, 'layout')}`,
    '-o', `type=docker,dest=${path.join(out, 'image.tar')}`,
    '-o', `type=oci,dest=${path.join(out, 'plain')},compression=uncompressed`,
    '--iidfile', path.join(out, 'iid'),
    '--metadata-file', path.join(out, 'meta.json'),
    example('hello'),
  ]);
  assert.equal(r.code, 0, r.err);
  const events = r.err.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual([events[0].type, events.at(-1).type], ['start', 'done']);
  const meta = JSON.parse(fs.readFileSync(path.join(out, 'meta.json'), 'utf8'));
  assert.equal(meta['image.name'], 'docker.io/library/out:1');
  assert.equal(fs.readFileSync(path.join(out, 'iid'), 'utf8'), meta['containerimage.config.digest']);
  const index = JSON.parse(fs.readFileSync(path.join(out, 'layout', 'index.json'), 'utf8'));
  const blob = (dir: string, digest: string) => JSON.parse(fs.readFileSync(path.join(out, dir, 'blobs', 'sha256', digest.slice(7)), 'utf8'));
  // Exported layers are gzipped (the metadata names that manifest); uncompressed ones are the store's own.
  const gzManifest = blob('layout', index.manifests[0].digest);
  assert.equal(gzManifest.layers[0].mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
  assert.equal(gzManifest.config.digest, meta['containerimage.config.digest']);
  assert.equal(index.manifests[0].digest, meta['containerimage.digest']);
  assert.notEqual(index.manifests[0].digest, events.at(-1).digest);
  const plain = JSON.parse(fs.readFileSync(path.join(out, 'plain', 'index.json'), 'utf8'));
  assert.equal(plain.manifests[0].digest, events.at(-1).digest);
  assert.equal(blob('plain', plain.manifests[0].digest).layers[0].mediaType, 'application/vnd.oci.image.layer.v1.tar');
  assert.equal(cli(['build', '-o', `type=oci,dest=${path.join(out, 'z')},compression=zip`, example('hello')]).code, 2);
  const configBlob = path.join(out, 'layout', 'blobs', 'sha256', meta['containerimage.config.digest'].slice(7));
  assert.equal(JSON.parse(fs.readFileSync(configBlob, 'utf8')).config.Entrypoint[0], '/while.sh');
  assert.ok(fs.statSync(path.join(out, 'image.tar')).size > 3072);
  assert.equal(cli(['build', '-o', 'type=zip,dest=x', example('hello')]).code, 2);
});

test('store commands: save, load, tag, rm, prune, store verify', (t) => {
  if (!fs.existsSync(cliJs)) return t.skip('dist/cli.js is missing: run npm run build');
  const a = tempDir();
  const b = tempDir();
  const tar = path.join(tempDir(), 'x.tar');
  assert.equal(cli(['build', '-q', '-t', 'app:1', example('hello')], a).code, 0);
  assert.equal(cli(['save', '-o', tar, 'app:1'], a).code, 0);
  const loaded = cli(['load', '-i', tar], b);
  assert.equal(loaded.code, 0, loaded.err);
  assert.equal(loaded.out.trim(), 'Loaded image: app:1');
  assert.equal(cli(['tag', 'app:1', 'app:2'], b).code, 0);
  assert.match(cli(['images'], b).out, /app:1[\s\S]*app:2/);
  assert.equal(cli(['rm', 'app:1', 'app:2'], b).code, 0);
  assert.equal(cli(['rm', 'app:3'], b).code, 1);
  assert.match(cli(['prune', '--grace', '0'], b).out, /Removed 3 blob\(s\)/);
  const verify = cli(['store', 'verify'], b);
  assert.equal(verify.code, 0);
  assert.match(verify.out, /0 blob\(s\) checked, 0 problem\(s\)/);
});

test('the launcher keeps a code cache per command, survives a broken one, and can be turned off', (t) => {
  if (!fs.existsSync(cliJs)) return t.skip('dist/cli.js is missing: run npm run build');
  const cache = tempDir();
  const run = (args: string[], extra: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [cliJs, ...args], { encoding: 'utf8', env: { ...process.env, LAYERWISE_STORE: tempDir(), XDG_CACHE_HOME: cache, ...extra } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const dir = path.join(cache, 'layerwise', 'code-cache');
  const file = example('hello', 'Dockerfile');
  const first = run(['lint', file]);
  const written = fs.readdirSync(dir);
  assert.equal(written.length, 1);
  assert.match(written[0], /-lint\.bin$/);
  // The cached run says exactly what the first said.
  assert.deepEqual(run(['lint', file]), first);
  // A damaged cache is rejected by V8, the command works, and the cache is written again.
  const cacheFile = path.join(dir, written[0]);
  fs.writeFileSync(cacheFile, Buffer.alloc(4096, 0x5a));
  assert.deepEqual(run(['lint', file]), first);
  assert.notDeepEqual(fs.readFileSync(cacheFile), Buffer.alloc(4096, 0x5a));
  // Another command has its own cache; LAYERWISE_CODE_CACHE=0 writes none.
  assert.equal(run(['images'], { LAYERWISE_CODE_CACHE: '0' }).code, 0);
  assert.deepEqual(fs.readdirSync(dir), written);
  assert.equal(run(['images']).code, 0);
  assert.equal(fs.readdirSync(dir).length, 2);
});
