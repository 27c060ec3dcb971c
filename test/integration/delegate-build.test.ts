/**
 * What a delegate build reports while it runs, through each real delegate (docker with
 * BuildKit, buildah): the embedded builder's step numbers and ranges, failures at the failing
 * instruction's range, and cancellation that stops the delegate's processes.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from '../../engine/build/builder';
import { buildWith, parseBuilder, resolveBuilder, type BuilderKind } from '../../engine/build/delegate/select';
import type { BuildEvent } from '../../engine/build/types';
import { readProvenance } from '../../engine/analyze/provenance';
import { parseDockerfile } from '../../engine/dockerfile/parser';
import { EngineError } from '../../engine/errors';
import { saveDockerArchive } from '../../engine/image/docker-archive';
import { Store } from '../../engine/image/store';
import { makeBusyboxImage, runSkipReason } from '../helpers/busybox';
import { buildahDelegateSkipReason, dockerDelegateSkipReason } from '../helpers/delegates';
import { contextWith, tempDir } from '../helpers/fixtures';
import { projectRoot } from '../helpers/paths';
import { run } from '../helpers/tools';

type Delegate = Exclude<BuilderKind, 'embedded'>;

interface DelegateTool {
  name: Delegate;
  skip: () => Promise<string | undefined>;
  load: (archive: string, ref: string) => void;
  remove: (refs: string[]) => void;
  /** What a build may not leave behind: running containers (docker), working containers (buildah). */
  leftovers: () => string[];
}

const DELEGATES: DelegateTool[] = [
  {
    name: 'docker',
    skip: dockerDelegateSkipReason,
    load: (archive) => run(process.env.LAYERWISE_DOCKER || 'docker', ['load', '-i', archive]),
    remove: (refs) => spawnSync(process.env.LAYERWISE_DOCKER || 'docker', ['rmi', '-f', ...refs], { stdio: 'ignore' }),
    leftovers: () => run(process.env.LAYERWISE_DOCKER || 'docker', ['ps', '-aq', '--filter', 'status=running']).split('\n').filter(Boolean),
  },
  {
    name: 'buildah',
    skip: buildahDelegateSkipReason,
    load: (archive, ref) => run('buildah', ['pull', '--quiet', `docker-archive:${archive}`]) && run('buildah', ['tag', `localhost/${ref}`, ref]),
    remove: (refs) => spawnSync('buildah', ['rmi', '-f', ...refs.map((r) => `localhost/${r}`)], { stdio: 'ignore' }),
    leftovers: () => run('buildah', ['containers', '-q']).split('\n').filter(Boolean),
  },
];

/** A store with the busybox base, loaded into the delegate too; removed from it when the test ends. */
async function setup(t: TestContext, d: DelegateTool): Promise<{ store: Store; base: string } | undefined> {
  const skip = (await d.skip()) ?? runSkipReason();
  if (skip) {
    t.skip(skip);
    return undefined;
  }
  const store = await Store.open(tempDir());
  const base = `layerwise-delegate/busybox-${d.name}:${process.pid}`;
  await makeBusyboxImage(store, base);
  const archive = path.join(tempDir(), 'busybox.tar');
  await saveDockerArchive(store, [await store.resolve(base)], archive);
  d.load(archive, base);
  t.after(() => d.remove([base]));
  return { store, base };
}

function rangeOf(dockerfile: string, line: number) {
  const ins = parseDockerfile(fs.readFileSync(dockerfile, 'utf8')).instructions.find((i) => i.range.start.line === line - 1);
  assert.ok(ins, `no instruction on line ${line}`);
  return ins.range;
}

for (const d of DELEGATES) {
  test(`${d.name}: progress events number and locate steps as the embedded builder does`, async (t) => {
    const env = await setup(t, d);
    if (!env) return;
    const dir = path.join(projectRoot(), 'test', 'integration', 'equivalence', '17-onbuild');
    const native: BuildEvent[] = [];
    await build({ context: dir, store: env.store, buildArgs: { BASE: env.base }, onEvent: (e) => native.push(e) });
    const events: BuildEvent[] = [];
    const built = await buildWith({ builder: d.name, context: dir, store: env.store, buildArgs: { BASE: env.base }, noCache: true, onEvent: (e) => events.push(e) });
    const steps = (list: BuildEvent[]) => list.flatMap((e) => (e.type === 'step' ? [JSON.stringify([e.step, e.steps, e.stage, e.instruction, e.range])] : [])).sort();
    assert.deepEqual(events[0], native[0], 'the same start event');
    assert.deepEqual(steps(events), steps(native), 'every step once, with the native numbers and ranges');
    const layers = events.filter((e) => e.type === 'layer');
    // The two ONBUILD triggers' layers are attributed to the FROM that ran them (step 5), the RUN to step 6.
    assert.deepEqual(layers.map((e) => e.step), [5, 5, 6]);
    assert.deepEqual(events.at(-1), { type: 'done', digest: built.manifest.digest, ref: undefined, durationMs: built.durationMs });
    const provenance = await readProvenance(env.store, built.manifest.digest);
    assert.equal(provenance?.dockerfile, path.join(dir, 'Dockerfile'));
  });

  test(`${d.name}: a failing instruction is reported at its range`, async (t) => {
    const env = await setup(t, d);
    if (!env) return;
    const before = d.leftovers();
    const cases: [string, number, RegExp][] = [
      [`FROM ${env.base}\nENV A=1\nRUN echo about to fail; exit 3\n`, 3, /exit (code|status):? 3/],
      [`FROM ${env.base}\nWORKDIR /app\nCOPY not-there.txt ./\nRUN true\n`, 3, /not-there\.txt|no such file|not found/],
      ['FROM localhost:1/layerwise-missing/base:1\nRUN true\n', 1, /./],
    ];
    for (const [text, line, message] of cases) {
      const ctx = contextWith({ Dockerfile: text, 'present.txt': 'x' });
      const dockerfile = path.join(ctx, 'Dockerfile');
      const logs: string[] = [];
      const error: unknown = await buildWith({ builder: d.name, context: ctx, store: env.store, onEvent: (e) => e.type === 'log' && logs.push(e.message) }).then(
        () => assert.fail(`${text} built`),
        (e: unknown) => e,
      );
      assert.ok(error instanceof EngineError, String(error));
      assert.equal(error.code, 'BUILD', error.message);
      assert.deepEqual(error.location, { file: dockerfile, range: rangeOf(dockerfile, line) }, error.message);
      assert.match(error.message, new RegExp(`\\(line ${line}\\): `));
      assert.match(error.message, message);
      if (line === 3 && text.includes('about to fail')) assert.ok(logs.includes('about to fail'), `the RUN's output is streamed: ${logs.join(' | ')}`);
    }
    assert.deepEqual(d.leftovers().filter((c) => !before.includes(c)), [], 'failed builds leave nothing running or behind');
  });

  test(`${d.name}: cancelling stops the delegate and its RUN`, async (t) => {
    const env = await setup(t, d);
    if (!env) return;
    // The shell execs its last command, so the RUN shows in ps as this sleep, with an unusual length.
    const marker = `sleep ${3000 + (process.pid % 5000)}`;
    const ctx = contextWith({ Dockerfile: `FROM ${env.base}\nRUN echo started; ${marker}\n` });
    const before = d.leftovers();
    const controller = new AbortController();
    const running = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').some((l) => l.trim().endsWith(marker));
    const done = buildWith({ builder: d.name, context: ctx, store: env.store, noCache: true, signal: controller.signal, tag: `cancelled-${d.name}` });
    for (let i = 0; i < 600 && !running(); i++) await sleep(100);
    assert.ok(running(), 'the RUN started');
    const cancelled = Date.now();
    controller.abort();
    await assert.rejects(done, (e: unknown) => e instanceof EngineError && e.code === 'CANCELLED');
    for (let i = 0; i < 150 && running(); i++) await sleep(100);
    assert.equal(running(), false, 'the RUN is gone');
    assert.deepEqual(d.leftovers().filter((c) => !before.includes(c)), [], 'nothing of the build is left behind');
    assert.ok(Date.now() - cancelled < 20_000, 'cancelled promptly');
    await assert.rejects(env.store.resolve(`cancelled-${d.name}`), /not in the store/);
  });

  test(`${d.name}: the editor's unsaved text is built, and provenance names the file`, async (t) => {
    const env = await setup(t, d);
    if (!env) return;
    const ctx = contextWith({ Dockerfile: 'FROM scratch\n', 'a.txt': 'a' });
    const dockerfile = path.join(ctx, 'Dockerfile');
    const text = `FROM ${env.base}\n\nCOPY a.txt /a.txt\n`;
    const built = await buildWith({ builder: d.name, context: ctx, dockerfile, dockerfileText: text, store: env.store, tag: `unsaved-${d.name}:1` });
    assert.equal(built.ref, `docker.io/library/unsaved-${d.name}:1`);
    const provenance = await readProvenance(env.store, built.manifest.digest);
    assert.equal(provenance?.dockerfile, dockerfile);
    assert.deepEqual(provenance?.steps.map((s) => s.range), [parseDockerfile(text).instructions[1].range]);
    d.remove([`unsaved-${d.name}:1`]);
  });
}

test('builder names are checked, and auto keeps the embedded builder where it can run', async () => {
  assert.equal(parseBuilder(undefined), 'auto');
  assert.equal(parseBuilder(' Docker '), 'docker');
  assert.throws(() => parseBuilder('podman'), (e: unknown) => e instanceof EngineError && e.code === 'USAGE' && /auto, embedded, docker, buildah/.test(e.message));
  // Without RUN nothing needs a sandbox, whatever this machine has.
  assert.equal(await resolveBuilder('auto', parseDockerfile('FROM scratch\nCOPY a /\n')), 'embedded');
  assert.equal(await resolveBuilder('buildah', parseDockerfile('FROM scratch\nRUN true\n')), 'buildah');
  if (!runSkipReason()) assert.equal(await resolveBuilder('auto', parseDockerfile('FROM scratch\nRUN true\n')), 'embedded');
});
