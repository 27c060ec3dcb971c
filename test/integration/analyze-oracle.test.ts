/**
 * The proof of the analysis: images built by Docker (a real dockerd, BuildKit) are saved with
 * `docker save`, and an independent oracle unpacks their layers one by one with GNU tar into a
 * folder, applying whiteouts first (as overlayfs does), remembering which layer last listed each
 * path. Our final tree (every path, type, mode, owner, size, content, link) and our "last writer"
 * per path must match it exactly; our waste must equal the bytes the layers list minus the bytes
 * the folder holds (hard-linked inodes once).
 *
 * Cases: a file modified in a later layer; a deleted file; a deleted folder; an opaque folder; hard
 * links (new ones, and one to a lower file, which copies it up); symlinks; a chmod-only change
 * (copy-up of the whole file); a multi-layer base image (found as the base); COPY --link layers
 * (Docker 20.10's builder has no --link: that image is built by Layerwise, loaded into Docker and
 * saved by Docker, then checked the same way; and layers shaped as BuildKit's --link writes them,
 * made by hand, go the same way).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeSource } from '../../engine/analyze/analyze-image';
import type { FileNode, ImageAnalysis } from '../../engine/analyze/model';
import { openImage } from '../../engine/analyze/sources/resolve';
import { build } from '../../engine/build/builder';
import { saveDockerArchive } from '../../engine/image/docker-archive';
import type { Manifest } from '../../engine/image/oci';
import { Store } from '../../engine/image/store';
import { busyboxBinary, makeBusyboxImage } from '../helpers/busybox';
import { contextWith, tempDir } from '../helpers/fixtures';
import { ensureDocker, hasCommand, run } from '../helpers/tools';
import { layerTar, legacyDockerArchive } from '../engine/analyze/images';

const DOCKER = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const ENV = { ...process.env, DOCKER_BUILDKIT: '1' };

interface OracleEntry {
  type: 'file' | 'directory' | 'symlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  sha256?: string;
  link?: string;
  mtime?: number;
  ino: number;
  nlink: number;
  /** The last layer whose tar listed this path. */
  writer: number;
}

interface Oracle {
  files: Map<string, OracleEntry>;
  /** Bytes of regular-file members over all layers (GNU tar's listing). */
  storedBytes: number;
  /** Bytes of the unpacked folder's regular files, each inode once. */
  visibleBytes: number;
}

const clean = (name: string) => '/' + name.replace(/^\.\//, '').replace(/\/+$/, '');

/** Unpacks an image from `docker save` output layer by layer with GNU tar. */
function oracle(archive: string, tag: string): Oracle {
  const dir = tempDir('layerwise-oracle-');
  run('tar', ['-xf', archive, '-C', dir]);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { RepoTags: string[]; Layers: string[] }[];
  const entry = manifest.find((m) => m.RepoTags?.includes(tag));
  assert.ok(entry, `${tag} not in ${archive}`);
  const root = path.join(dir, 'rootfs');
  fs.mkdirSync(root);
  const writer = new Map<string, number>();
  let storedBytes = 0;
  entry.Layers.forEach((layer, index) => {
    const file = path.join(dir, layer);
    // GNU tar's own listing: names, and sizes of regular files.
    const listing = run('tar', ['--numeric-owner', '-tvf', file]).split('\n').filter(Boolean);
    const names = run('tar', ['-tf', file]).split('\n').filter(Boolean);
    assert.equal(listing.length, names.length);
    listing.forEach((line, i) => {
      if (line.startsWith('-') && !path.posix.basename(clean(names[i])).startsWith('.wh.')) storedBytes += Number(line.split(/\s+/)[2]);
    });
    // Whiteouts apply to the layers below, before this layer's own entries.
    for (const name of names) {
      const p = clean(name);
      const base = path.posix.basename(p);
      if (base === '.wh..wh..opq') {
        const d = path.join(root, path.posix.dirname(p));
        for (const child of fs.existsSync(d) ? fs.readdirSync(d) : []) fs.rmSync(path.join(d, child), { recursive: true, force: true });
        for (const k of [...writer.keys()]) if (k.startsWith(`${path.posix.dirname(p)}/`)) writer.delete(k);
      } else if (base.startsWith('.wh.')) {
        const target = path.posix.join(path.posix.dirname(p), base.slice(4));
        fs.rmSync(path.join(root, target), { recursive: true, force: true });
      }
    }
    run('tar', ['--numeric-owner', '-xpf', file, '-C', root, '--exclude=.wh.*']);
    for (const name of names) {
      const p = clean(name);
      if (p !== '/' && !path.posix.basename(p).startsWith('.wh.')) writer.set(p, index);
    }
  });
  const files = new Map<string, OracleEntry>();
  const inodes = new Map<number, number>();
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(root, rel))) {
      const p = `${rel}/${name}`;
      const abs = path.join(root, p);
      const st = fs.lstatSync(abs);
      const type = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : 'other';
      const e: OracleEntry = { type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: type === 'file' ? st.size : 0, ino: st.ino, nlink: st.nlink, writer: writer.get(p) ?? -1 };
      if (type === 'file') {
        e.sha256 = `sha256:${createHash('sha256').update(fs.readFileSync(abs)).digest('hex')}`;
        e.mtime = Math.floor(st.mtimeMs / 1000);
        inodes.set(st.ino, st.size);
      }
      if (type === 'symlink') e.link = fs.readlinkSync(abs);
      files.set(p, e);
      if (type === 'directory') walk(p);
    }
  };
  walk('');
  return { files, storedBytes, visibleBytes: [...inodes.values()].reduce((a, b) => a + b, 0) };
}

function ours(tree: FileNode): Map<string, FileNode> {
  const out = new Map<string, FileNode>();
  const visit = (n: FileNode) => {
    for (const c of n.children ?? []) {
      out.set(c.path, c);
      visit(c);
    }
  };
  visit(tree);
  return out;
}

/** Every difference between our tree and the oracle's folder, as readable lines. */
function compare(image: ImageAnalysis, o: Oracle): string[] {
  const mine = ours(image.tree);
  const problems: string[] = [];
  for (const [p, e] of o.files) {
    const n = mine.get(p);
    if (!n) {
      problems.push(`missing in ours: ${p} ${JSON.stringify(e)}`);
      continue;
    }
    const got = { type: n.type === 'hardlink' ? 'file' : n.type, mode: n.mode, uid: n.uid, gid: n.gid, size: n.type === 'directory' ? 0 : n.size, sha256: n.type === 'file' || n.type === 'hardlink' ? n.digest : undefined, link: n.type === 'symlink' ? n.linkTarget : undefined, writer: n.layer };
    const want = { type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, size: e.size, sha256: e.sha256, link: e.link, writer: e.writer };
    if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`differs: ${p}\n  oracle: ${JSON.stringify(want)}\n  ours:   ${JSON.stringify(got)}`);
    if (n.type === 'file' && n.mtime !== e.mtime) problems.push(`mtime differs: ${p} oracle ${e.mtime} ours ${n.mtime}`);
    // A hard link is the same inode as its target (when the target is still there).
    if (n.type === 'hardlink' && n.linkTarget && o.files.has(n.linkTarget) && o.files.get(n.linkTarget)!.ino !== e.ino) problems.push(`hard link ${p} is not ${n.linkTarget}'s inode in the oracle`);
    if (e.type === 'file' && e.nlink > 1 && n.type === 'file') {
      const linked = [...mine.values()].some((m) => m.type === 'hardlink' && m.linkTarget === p);
      if (!linked) problems.push(`${p} has ${e.nlink} links in the oracle, none in ours`);
    }
  }
  for (const p of mine.keys()) if (!o.files.has(p)) problems.push(`extra in ours: ${p}`);
  const e = image.efficiency!;
  if (e.storedBytes !== o.storedBytes) problems.push(`stored bytes: oracle ${o.storedBytes}, ours ${e.storedBytes}`);
  if (e.visibleBytes !== o.visibleBytes) problems.push(`visible bytes: oracle ${o.visibleBytes}, ours ${e.visibleBytes}`);
  if (e.wastedBytes !== o.storedBytes - o.visibleBytes) problems.push(`waste: oracle ${o.storedBytes - o.visibleBytes}, ours ${e.wastedBytes}`);
  return problems;
}

async function analyzeArchive(archive: string, tag: string, options: { dockerfile?: string } = {}): Promise<ImageAnalysis> {
  const source = await openImage(`docker-archive:${archive}:${tag}`, { store: () => Store.open(tempDir()) });
  try {
    return await analyzeSource(source, { digests: true, dockerfile: options.dockerfile });
  } finally {
    await source.close();
  }
}

async function missing(): Promise<string | undefined> {
  if (!hasCommand('tar') || !run('tar', ['--version']).includes('GNU tar')) return 'GNU tar is not installed';
  if (!busyboxBinary()) return 'busybox-static is not installed (apt-get install busybox-static)';
  const docker = await ensureDocker();
  if (docker) return docker;
  const probe = spawnSync(DOCKER, ['build', '-q', '-'], { input: 'FROM scratch\nENV A=1\n', env: ENV, encoding: 'utf8' });
  if (probe.status !== 0) return `docker build with BuildKit is not available here: ${probe.stderr.trim()}`;
  return undefined;
}

const BASE_DOCKERFILE = `ARG BUSYBOX
FROM \${BUSYBOX}
COPY base.txt /opt/base/
RUN mkdir -p /opt/data && echo one > /opt/data/one && echo base > /etc/base-release
RUN dd if=/dev/zero of=/opt/data/blob bs=1k count=32 2>/dev/null
`;

const CASES_DOCKERFILE = `ARG BASE
FROM \${BASE}
RUN echo v1 > /srv-file && dd if=/dev/zero of=/big bs=1k count=64 2>/dev/null
RUN echo v2 >> /srv-file
RUN mkdir -p /d/sub && echo a > /d/a && echo b > /d/sub/b && echo gone > /gone
RUN rm /gone && rm -rf /d
RUN mkdir -p /o && echo 1 > /o/one && echo 2 > /o/two
RUN rm -rf /o && mkdir /o && echo 3 > /o/three
RUN echo h > /h1 && ln /h1 /h2 && ln /opt/data/one /opt/data/one-link
RUN ln -s /srv-file /sl && ln -s dangling /sl2 && rm /h1
RUN chmod 600 /big
RUN rm /etc/base-release /opt/data/blob
`;

test('our tree and last writer per path match GNU tar unpacking Docker-built layers', async (t) => {
  const skip = await missing();
  if (skip) return t.skip(skip);
  const store = await Store.open(tempDir());
  const id = `${process.pid}`;
  const busybox = `layerwise-oracle/busybox:${id}`;
  const base = `layerwise-oracle/base:${id}`;
  const cases = `layerwise-oracle/cases:${id}`;
  const linked = `layerwise-oracle/link:${id}`;
  const tags = [busybox, base, cases, linked];
  try {
    await makeBusyboxImage(store, busybox);
    const bbTar = path.join(tempDir(), 'busybox.tar');
    await saveDockerArchive(store, [await store.resolve(busybox)], bbTar);
    run(DOCKER, ['load', '-i', bbTar]);
    const baseCtx = contextWith({ Dockerfile: BASE_DOCKERFILE, 'base.txt': 'from the base image\n' });
    let r = spawnSync(DOCKER, ['build', '--build-arg', `BUSYBOX=${busybox}`, '-t', base, baseCtx], { env: ENV, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const casesCtx = contextWith({ Dockerfile: CASES_DOCKERFILE });
    r = spawnSync(DOCKER, ['build', '--build-arg', `BASE=${base}`, '-t', cases, casesCtx], { env: ENV, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);

    await t.test('modified, deleted file and folder, opaque folder, hard links, symlinks, chmod copy-up, multi-layer base', async () => {
      const archive = path.join(tempDir(), 'cases.tar');
      run(DOCKER, ['save', '-o', archive, cases, base]);
      const image = await analyzeArchive(archive, cases);
      const problems = compare(image, oracle(archive, cases));
      assert.deepEqual(problems, [], problems.join('\n'));
      // The base is the FROM image's four layers (busybox + three), found in the same archive.
      // Named by Docker's image ID for the base (a legacy archive has no manifest digest).
      assert.deepEqual(image.base, { layers: 4, how: 'image', ref: base, digest: run(DOCKER, ['image', 'inspect', '-f', '{{.Id}}', base]).trim() });
      const kinds = (layer: number) => image.layers[layer].files.filter((f) => f.type !== 'directory' || f.kind !== 'modified').map((f) => `${f.kind} ${f.path}`).sort();
      // The opaque folder is what Docker's overlay2 diff writes for rm -rf + mkdir.
      assert.ok(kinds(9).includes('opaque /o'), kinds(9).join(', '));
      assert.ok(kinds(7).includes('deleted /d') && kinds(7).includes('deleted /gone'), kinds(7).join(', '));
      const big = image.tree.children!.find((c) => c.name === 'big')!;
      assert.deepEqual(big.history.map((h) => [h.layer, h.kind, h.size, h.mode, h.live ?? false]), [[4, 'added', 65536, 0o644, false], [12, 'modified', 65536, 0o600, true]]);
      assert.equal(big.wasted, 65536);
      // The hard link to a base file copied it up; the base copy is hidden (by a user layer).
      const one = image.waste!.find((w) => w.path === '/opt/data/one')!;
      assert.deepEqual(one.copies.map((c) => [c.layer, c.hiddenBy]), [[2, 10], [10, undefined]]);
      assert.equal(image.efficiency!.baseBytesHiddenByUser, 4 + 5 + 32768);
      // With only the image in the archive, the Dockerfile tells where the base ends and which line made each layer.
      const alone = path.join(tempDir(), 'alone.tar');
      run(DOCKER, ['save', '-o', alone, cases]);
      const matched = await analyzeArchive(alone, cases, { dockerfile: path.join(casesCtx, 'Dockerfile') });
      assert.deepEqual(matched.base, { layers: 4, how: 'dockerfile' });
      assert.deepEqual(matched.layers.slice(4).map((l) => l.source?.range.start.line), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    });

    await t.test('COPY --link layers (built by Layerwise, loaded into and saved by Docker)', async () => {
      const ctx = contextWith({
        Dockerfile: `FROM ${busybox}\nCOPY --link a.txt /linked/a.txt\nCOPY --link --chmod=700 tool /usr/local/bin/tool\nCOPY --link a.txt /bin/\nCOPY --link b.txt /linked/\n`,
        'a.txt': 'linked a\n',
        'b.txt': 'linked b\n',
        tool: '#!/bin/sh\necho tool\n',
      });
      await build({ context: ctx, store, tag: linked, sourceDateEpoch: 1700000000 });
      const ourTar = path.join(tempDir(), 'ours.tar');
      await saveDockerArchive(store, [await store.resolve(linked)], ourTar);
      run(DOCKER, ['load', '-i', ourTar]);
      const archive = path.join(tempDir(), 'link.tar');
      run(DOCKER, ['save', '-o', archive, linked]);
      const image = await analyzeArchive(archive, linked);
      const problems = compare(image, oracle(archive, linked));
      assert.deepEqual(problems, [], problems.join('\n'));
      assert.equal(image.layers.length, 5);

      // What BuildKit's --link writes and ours does not yet: parent folders made afresh (their own
      // mode, whatever the lower layer had) and never following a lower symlink (a link to a
      // folder is replaced by a real folder). Such layers, made by hand, loaded and saved by Docker.
      const manifest = await store.readJSON<Manifest>((await store.resolve(busybox)).descriptor.digest);
      const lower = await layerTar([{ dir: '/usr' }, { dir: '/usr/lib' }, { file: '/usr/lib/libc.so', data: 'libc' }, { symlink: '/lib', target: 'usr/lib' }]);
      const linkLayer = await layerTar([{ dir: '/root', mode: 0o755 }, { file: '/root/.profile', data: 'export A=1\n' }, { dir: '/lib' }, { file: '/lib/extra.so', data: 'extra' }]);
      const handMade = `layerwise-oracle/handlink:${id}`;
      tags.push(handMade);
      const handTar = await legacyDockerArchive([{ tags: [handMade], layers: [await store.readBlob(manifest.layers[0].digest), lower, linkLayer] }], path.join(tempDir(), 'hand.tar'));
      run(DOCKER, ['load', '-i', handTar]);
      const handSaved = path.join(tempDir(), 'hand-saved.tar');
      run(DOCKER, ['save', '-o', handSaved, handMade]);
      const hand = await analyzeArchive(handSaved, handMade);
      const handProblems = compare(hand, oracle(handSaved, handMade));
      assert.deepEqual(handProblems, [], handProblems.join('\n'));
      const lib = hand.tree.children!.find((c) => c.name === 'lib')!;
      assert.deepEqual([lib.type, lib.children!.map((c) => c.name), lib.history.map((h) => h.kind)], ['directory', ['extra.so'], ['added', 'modified']]);
      assert.equal(hand.tree.children!.find((c) => c.name === 'root')!.mode, 0o755);
    });
  } finally {
    spawnSync(DOCKER, ['rmi', '-f', ...tags], { stdio: 'ignore' });
  }
});
