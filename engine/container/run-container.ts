import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeSource } from '../analyze/analyze-image';
import type { ImageAnalysis } from '../analyze/model';
import { openStoreImage } from '../analyze/sources/store-source';
import { diffSnapshots } from '../build/rootfs/diff';
import { Rootfs } from '../build/rootfs/rootfs';
import { withMountStubs } from '../build/run/mount-stubs';
import type { RunSpec, Sandbox } from '../build/run/sandbox';
import { selectSandbox } from '../build/run/select-sandbox';
import { resolveUser, userDatabaseFromRootfs } from '../build/run/users';
import { HOSTS, hostResolvConf } from '../build/steps/run';
import { EngineError } from '../errors';
import { acquireLease, verifyImage } from '../image/store-maintenance';
import type { Store } from '../image/store';
import { secureJoin } from '../layer/secure-path';
import { containerChanges } from './changes';
import { containerArgv, containerEnv, type CommandOverrides } from './command';
import { commitContainer } from './commit';
import type { ContainerRun } from './model';
import { preflight, StartError } from './preflight';

// The name the sandboxes give the container (the hosts file they mount says the same).
const HOSTNAME = 'buildkitsandbox';

export interface RunContainerOptions extends CommandOverrides {
  store: Store;
  /** An image of the store: reference, digest or digest prefix. */
  image: string;
  /** Stop the container (SIGKILL, as docker kill) after this many milliseconds. */
  timeoutMs?: number;
  /** Off by default, as the issue asks; 'host' shares the host's network. */
  network?: 'none' | 'host';
  /** Stops the container (Ctrl-C, a cancelled request); its changes are still reported. */
  signal?: AbortSignal;
  /** Tag the writable layer as a new image. */
  commit?: string;
  sandbox?: Sandbox;
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** Called once the preflight passed, just before the process starts. */
  onStart?: (argv: string[]) => void;
}

/** A finished run, and the image analysis its provenance was read from (for views that show the image too). */
export interface RunContainerResult {
  run: ContainerRun;
  image: ImageAnalysis;
}

/**
 * `docker run` without a daemon: unpacks the image into a scratch root (the store's blobs are
 * only read), explains up front why the command could not start, runs it in the same sandbox
 * as RUN (network off by default) until it exits, times out or is stopped, then reports the
 * writable layer as changes with provenance and proves the image unchanged (same digest, its
 * blobs re-hashed). With `commit` the writable layer becomes a new image.
 */
export async function runContainer(options: RunContainerOptions): Promise<RunContainerResult> {
  const started = Date.now();
  const { store } = options;
  const source = await openStoreImage(store, options.image).catch((e: unknown) => {
    if (!(e instanceof EngineError && e.code === 'NOT_FOUND')) throw e;
    // Only store images run (the root is unpacked from its blobs): say so, not the archive forms inspect takes.
    throw new EngineError('NOT_FOUND', `${e.message.split('; pull or load')[0]}; build, pull or load it first`, { cause: e });
  });
  let image: ImageAnalysis;
  try {
    image = await analyzeSource(source, { signal: options.signal });
  } finally {
    await source.close();
  }
  const { manifest, config } = source;
  const runtime = config.config ?? {};
  const argv = containerArgv(runtime, options);
  const sandbox = options.sandbox ?? selectSandbox();
  const release = await acquireLease(store);
  let rootfs: Rootfs | undefined;
  try {
    rootfs = await Rootfs.create(store, manifest.layers);
    const user = resolveStartUser(rootfs.dir, runtime.User ?? '');
    const env = containerEnv(runtime, HOSTNAME, user.home);
    const cwd = runtime.WorkingDir || '/';
    const before = rootfs.snapshot();
    // runc creates a missing working directory (it stays in the writable layer).
    const cwdAbs = secureJoin(rootfs.dir, cwd);
    if (!fs.existsSync(cwdAbs)) fs.mkdirSync(cwdAbs, { recursive: true, mode: 0o755 });
    preflight(rootfs.dir, argv, env, cwd, user);
    const network = options.network ?? 'none';
    // As Docker: each VOLUME is a separate (anonymous) volume seeded from the image, so what
    // the container writes there is not in its writable layer.
    const volumes = Object.keys(runtime.Volumes ?? {}).map((v) => path.posix.resolve('/', v));
    const ended = await execute(rootfs.dir, sandbox, { argv, env, cwd, uid: user.uid, gid: user.gid, network }, volumes, options);
    const entries = diffSnapshots(before, rootfs.refresh(), rootfs.dir);
    const { changes, summary } = containerChanges(entries, image);
    const committed = options.commit
      ? await commitContainer(store, manifest, config, entries, {
          ref: options.commit,
          createdBy: argv.join(' '),
          entrypoint: options.entrypoint !== undefined ? (options.entrypoint === '' ? [] : [options.entrypoint]) : undefined,
          cmd: options.command && options.command.length > 0 ? options.command : undefined,
          created: new Date().toISOString(),
        })
      : null;
    const after = await store.resolve(image.ref ?? image.digest).catch(() => undefined);
    const afterDigest = after?.descriptor.digest ?? image.digest;
    const problems = after ? await verifyImage(store, after.descriptor) : [`${image.name} is no longer in the store`];
    const run: ContainerRun = {
      image: { name: image.name, ref: image.ref ?? null, digest: image.digest, layers: image.layers.length, instructions: image.layers.map((l) => l.instruction) },
      command: argv,
      sandbox: sandbox.name,
      network,
      volumes,
      exitCode: ended.exitCode,
      stopped: ended.stopped,
      durationMs: Date.now() - started,
      changes,
      summary,
      imageAfter: { digest: afterDigest, unchanged: afterDigest === image.digest && problems.length === 0, problems },
      committed,
    };
    return { run, image };
  } finally {
    await rootfs?.dispose();
    await release();
  }
}

function resolveStartUser(root: string, spec: string) {
  try {
    return resolveUser(userDatabaseFromRootfs(root), spec);
  } catch (e) {
    // runc's words, before the process starts.
    throw new StartError((e as Error).message, 126);
  }
}

type Process = Pick<RunSpec, 'argv' | 'env' | 'cwd' | 'uid' | 'gid' | 'network'>;

/** Runs the process until it exits, the timeout passes or the caller stops it; never throws for a stop. */
async function execute(root: string, sandbox: Sandbox, p: Process, volumes: string[], options: RunContainerOptions): Promise<{ exitCode: number; stopped: ContainerRun['stopped'] }> {
  const controller = new AbortController();
  let stopped: ContainerRun['stopped'] = null;
  const stop = (why: NonNullable<ContainerRun['stopped']>) => {
    stopped ??= why;
    controller.abort();
  };
  const onAbort = () => stop('interrupted');
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = options.timeoutMs !== undefined ? setTimeout(() => stop('timeout'), options.timeoutMs) : undefined;
  const side = fs.mkdtempSync(path.join(path.dirname(root), 'container-'));
  try {
    const hostsFile = path.join(side, 'hosts');
    const resolvConfFile = path.join(side, 'resolv.conf');
    fs.writeFileSync(hostsFile, HOSTS);
    fs.writeFileSync(resolvConfFile, p.network === 'host' ? hostResolvConf() : '');
    const mounts = volumeMounts(root, side, volumes);
    const stubs = [
      { path: '/proc', kind: 'dir' as const },
      { path: '/dev', kind: 'dir' as const },
      { path: '/etc/hosts', kind: 'file' as const },
      { path: '/etc/resolv.conf', kind: 'file' as const },
      ...volumes.map((v) => ({ path: v, kind: 'dir' as const })),
    ];
    options.onStart?.(p.argv);
    const exitCode = await withMountStubs(root, stubs, () =>
      sandbox.run({ rootfs: root, ...p, hostsFile, resolvConfFile, mounts, signal: controller.signal, onOutput: (text, stream) => options.onOutput?.(text, stream) }),
    );
    return { exitCode, stopped };
  } catch (e) {
    // Killed on purpose: exit status 137, as Docker reports a container killed by SIGKILL.
    if (stopped && e instanceof EngineError && e.code === 'CANCELLED') return { exitCode: 137, stopped };
    throw e;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    fs.rmSync(side, { recursive: true, force: true });
  }
}

/** A private copy of each volume's image content, bind-mounted over it (discarded with the run). */
function volumeMounts(root: string, side: string, volumes: string[]): RunSpec['mounts'] {
  return volumes.map((v, i) => {
    const source = path.join(side, `volume-${i}`);
    const inImage = secureJoin(root, v);
    if (fs.existsSync(inImage) && fs.statSync(inImage).isDirectory()) fs.cpSync(inImage, source, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    else fs.mkdirSync(source, { mode: 0o755 });
    return { kind: 'bind', source, target: inImage, readonly: false };
  });
}
