/**
 * The proof that a delegate build shows the same tree as a native one: every case under
 * equivalence/ is built by the embedded builder and by each delegate (docker with BuildKit,
 * buildah) from the same busybox base, imported into the store, and our own analysis of both
 * images must agree on every file (type, mode, owner, size, content, link) and on the
 * Dockerfile line each file and each layer is attributed to.
 *
 * The differences docs/builders.md documents are the only ones allowed, each named where it is
 * allowed: file times (never compared), and for buildah the files its RUN leaves behind and the
 * folders WORKDIR creates (buildah writes them in the next layer, not in a layer of their own).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileNode, ImageAnalysis } from '../../engine/analyze/model';
import { analyzeManifest } from '../../engine/analyze/analyze-image';
import { build } from '../../engine/build/builder';
import { parseDockerfile } from '../../engine/dockerfile/parser';
import { buildWith, type BuilderKind } from '../../engine/build/delegate/select';
import { saveDockerArchive } from '../../engine/image/docker-archive';
import { Store } from '../../engine/image/store';
import { makeBusyboxImage, runSkipReason } from '../helpers/busybox';
import { buildahDelegateSkipReason, dockerDelegateSkipReason } from '../helpers/delegates';
import { tempDir, prepareCase } from '../helpers/fixtures';
import { projectRoot } from '../helpers/paths';
import { run } from '../helpers/tools';

const CASES = path.join(projectRoot(), 'test', 'integration', 'equivalence');

interface Facts {
  type: string;
  mode: string;
  uid: number;
  gid: number;
  size: number;
  digest?: string;
  link?: string;
  /** The Dockerfile line (1-based) of the layer whose copy is visible; 0 for the base image. */
  line: number;
}

/** Every path of the merged tree with what a user sees of it, file times left out. */
function flatten(image: ImageAnalysis): Map<string, Facts> {
  const out = new Map<string, Facts>();
  const visit = (n: FileNode) => {
    if (n.path !== '/') {
      const layer = image.layers[n.layer];
      out.set(n.path, {
        type: n.type,
        mode: (n.mode & 0o7777).toString(8),
        uid: n.uid,
        gid: n.gid,
        size: n.type === 'directory' ? 0 : n.size,
        digest: n.digest,
        link: n.linkTarget,
        line: layer.base ? 0 : (layer.source?.range.start.line ?? -1) + 1,
      });
    }
    for (const c of n.children ?? []) visit(c);
  };
  visit(image.tree);
  return out;
}

/** The lines the layers after the base come from, in order, without the layers `skip` names. */
function layerLines(image: ImageAnalysis, skip: (line: number, files: number) => boolean = () => false): number[] {
  return image.layers
    .filter((l) => !l.base)
    .map((l) => [(l.source?.range.start.line ?? -1) + 1, l.files.length])
    .filter(([line, files]) => !skip(line, files))
    .map(([line]) => line);
}

/** Lines with a history entry after the base, in order. */
function historyLines(image: ImageAnalysis): number[] {
  return image.history.filter((h) => h.source).map((h) => h.source!.range.start.line + 1);
}

/** A difference docs/builders.md documents, by builder; `n` is the native copy, `d` the delegate's. */
type Allowance = (path: string, n: Facts | undefined, d: Facts | undefined, workdirLines: Set<number>) => boolean;

const isEmptyDir = (f: Facts | undefined) => f?.type === 'directory' && f.mode === '755' && f.uid === 0 && f.gid === 0;
const isEmptyFile = (f: Facts | undefined) => f?.type === 'file' && f.size === 0;
const sameButLine = (n: Facts | undefined, d: Facts | undefined) => !!n && !!d && JSON.stringify({ ...n, line: 0 }) === JSON.stringify({ ...d, line: 0 });

// A RUN layer of BuildKit and of buildah keeps the mount points its container needed, and so
// records /etc again; the embedded builder leaves them out.
const runMountPoints: Allowance = (p, n, d) =>
  (['/dev', '/proc', '/sys'].includes(p) && !n && isEmptyDir(d)) || (p === '/etc' && sameButLine(n, d));

const ALLOWED: Record<'docker' | 'buildah', Allowance> = {
  docker: runMountPoints,
  buildah: (p, n, d, workdirLines) =>
    runMountPoints(p, n, d, workdirLines) ||
    // buildah's RUN also leaves /run and empty /etc/hostname, /etc/hosts, /etc/resolv.conf.
    (p === '/run' && !n && isEmptyDir(d)) ||
    (['/etc/hostname', '/etc/hosts', '/etc/resolv.conf'].includes(p) && !n && isEmptyFile(d)) ||
    // WORKDIR makes no layer in buildah: its folder is written by the next step that needs it, or never.
    (!!n && workdirLines.has(n.line) && (!d || sameButLine(n, d))) ||
    // buildah's RUN gets the user's supplementary groups from /etc/group: `id` prints groups=.
    (p === '/home/app/work/whoami' && !!d && d.uid === n?.uid),
};

function compareTrees(native: Map<string, Facts>, delegate: Map<string, Facts>, allowed: (p: string, n?: Facts, d?: Facts) => boolean): string[] {
  const out: string[] = [];
  for (const [p, n] of native) {
    const d = delegate.get(p);
    if (JSON.stringify(n) === JSON.stringify(d) || allowed(p, n, d)) continue;
    if (!d) out.push(`missing: ${p} ${JSON.stringify(n)}`);
    else out.push(`differs: ${p}\n  native:   ${JSON.stringify(n)}\n  delegate: ${JSON.stringify(d)}`);
  }
  for (const [p, d] of delegate) if (!native.has(p) && !allowed(p, undefined, d)) out.push(`extra: ${p} ${JSON.stringify(d)}`);
  return out;
}

/** 1-based lines of the Dockerfile's instructions with this keyword. */
function linesOf(dockerfile: string, keyword: string): Set<number> {
  return new Set(parseDockerfile(fs.readFileSync(dockerfile, 'utf8')).instructions.filter((i) => i.keyword === keyword).map((i) => i.range.start.line + 1));
}

async function equivalence(t: import('node:test').TestContext, builder: Exclude<BuilderKind, 'embedded'>, skip: string | undefined, loadBase: (archive: string, ref: string) => void, unloadAll: (refs: string[]) => void) {
  if (skip) return t.skip(skip);
  const store = await Store.open(tempDir());
  const base = `layerwise-eq/busybox-${builder}:${process.pid}`;
  await makeBusyboxImage(store, base);
  const baseTar = path.join(tempDir(), 'busybox.tar');
  await saveDockerArchive(store, [await store.resolve(base)], baseTar);
  loadBase(baseTar, base);
  const refs = [base];
  try {
    for (const name of fs.readdirSync(CASES).sort()) {
      await t.test(name, async () => {
        const dir = path.join(CASES, name);
        prepareCase(dir);
        const delegateTag = `layerwise-eq/${builder}-${name}:${process.pid}`;
        refs.push(delegateTag);
        const native = await build({ context: dir, store, tag: `layerwise-eq/native-${name}:${process.pid}`, buildArgs: { BASE: base } });
        const built = await buildWith({ builder, context: dir, store, tag: delegateTag, buildArgs: { BASE: base } });
        assert.equal(built.builder, builder);
        const theirs = await analyzeManifest(store, built.manifest, built.ref, { digests: true });
        const ours = await analyzeManifest(store, (await store.resolve(native.image.digest)).descriptor, undefined, { digests: true });
        const workdirs = linesOf(path.join(dir, 'Dockerfile'), 'WORKDIR');
        const onbuilds = builder === 'buildah' ? linesOf(path.join(dir, 'Dockerfile'), 'ONBUILD') : new Set<number>();
        const diff = compareTrees(flatten(ours), flatten(theirs), (p, n, d) => ALLOWED[builder](p, n, d, workdirs));
        assert.deepEqual(diff, [], `file trees differ:\n${diff.join('\n')}`);
        // Docker 20.10 writes an empty layer for a WORKDIR whose folder exists (ours: an empty_layer
        // history entry, as newer BuildKit); buildah writes no WORKDIR layer at all.
        assert.deepEqual(
          layerLines(theirs, (line, files) => files === 0 && workdirs.has(line)),
          layerLines(ours, (line) => builder === 'buildah' && workdirs.has(line)),
          'layers come from the same lines',
        );
        // buildah records ONBUILD in history (BuildKit does not).
        assert.deepEqual(historyLines(theirs).filter((l) => !onbuilds.has(l)), historyLines(ours), 'history entries come from the same lines');
      });
    }
  } finally {
    unloadAll(refs);
  }
}

test('docker (BuildKit) delegate builds give the native tree and provenance', async (t) => {
  const skip = (await dockerDelegateSkipReason()) ?? runSkipReason();
  const docker = process.env.LAYERWISE_DOCKER || 'docker';
  await equivalence(
    t,
    'docker',
    skip,
    (archive) => run(docker, ['load', '-i', archive]),
    (refs) => spawnSync(docker, ['rmi', '-f', ...refs], { stdio: 'ignore' }),
  );
});

test('buildah delegate builds give the native tree and provenance', async (t) => {
  const skip = (await buildahDelegateSkipReason()) ?? runSkipReason();
  await equivalence(
    t,
    'buildah',
    skip,
    (archive, ref) => run('buildah', ['pull', '--quiet', `docker-archive:${archive}`]) && run('buildah', ['tag', `localhost/${ref}`, ref]),
    (refs) => spawnSync('buildah', ['rmi', '-f', ...refs.map((r) => `localhost/${r}`)], { stdio: 'ignore' }),
  );
});
