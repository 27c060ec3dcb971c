import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { build } from '../../engine/build/builder';
import type { Digest, Manifest } from '../../engine/image/oci';
import { RegistryError } from '../../engine/image/registry/errors';
import type { RegistryEvent } from '../../engine/image/registry/events';
import { pullImage, type PullOptions } from '../../engine/image/registry/pull';
import { pushImage } from '../../engine/image/registry/push';
import { Store } from '../../engine/image/store';
import { makeBusyboxImage } from '../helpers/busybox';
import { contextWith } from '../helpers/fixtures';
import { assertStoreSound, scratchDir, freePort, layerwise, registrySkipReason, startFaultProxy, startRegistry, type Fault, type FaultProxy, type RunningRegistry } from '../helpers/registry';

const skip = registrySkipReason({ busybox: true });
let reg: RunningRegistry;
let source: Store;
let layer: Digest;
let configDigest: Digest;
const proxies: FaultProxy[] = [];

before(async () => {
  if (skip) return;
  reg = await startRegistry();
  source = await Store.open(scratchDir());
  await makeBusyboxImage(source);
  // Two layers: busybox's, and one of ~600 kB so a body can break halfway.
  const ctx = contextWith({ Dockerfile: 'FROM busybox\nCOPY data /data\n', data: Array.from({ length: 20000 }, (_, i) => `line ${i}\n`).join('') });
  const { image } = await build({ context: ctx, store: source, tag: `${reg.host}/app:1` });
  await pushImage({ store: source, source: `${reg.host}/app:1` });
  const manifest = await source.readJSON<Manifest>(image.digest);
  layer = manifest.layers[1].digest;
  configDigest = manifest.config.digest;
});
after(async () => {
  for (const p of proxies) await p.stop();
  await reg?.stop();
});

/** A proxy with this plan, stopped at the end. */
async function proxy(plan: (method: string, path: string, n: number) => Fault): Promise<FaultProxy> {
  const p = await startFaultProxy(reg.port, plan);
  proxies.push(p);
  return p;
}

/** Pulls app:1 through a proxy into a fresh store, quick retries, collecting events. */
async function pullVia(p: FaultProxy, extra: Partial<PullOptions> = {}): Promise<{ store: Store; events: RegistryEvent[]; result?: Awaited<ReturnType<typeof pullImage>>; error?: unknown }> {
  const store = await Store.open(scratchDir());
  const events: RegistryEvent[] = [];
  try {
    const result = await pullImage({ store, ref: `${p.host}/app:1`, backoffMs: 5, retries: 4, onEvent: (e) => events.push(e), ...extra });
    return { store, events, result };
  } catch (error) {
    return { store, events, error };
  }
}

const isBlob = (path: string, digest: string) => path.endsWith(`/blobs/${digest}`);
const retries = (events: RegistryEvent[]) => events.filter((e) => e.type === 'retry') as Extract<RegistryEvent, { type: 'retry' }>[];

test('500s and 503s on the manifest and a blob, connections reset before an answer: retried with backoff, then the image is whole', async (t) => {
  if (skip) return t.skip(skip);
  const p = await proxy((method, path, n) => {
    if (path.includes('/manifests/') && n <= 2) return n === 1 ? '500' : '503';
    if (isBlob(path, layer) && n <= 2) return n === 1 ? 'reset' : '500';
    if (isBlob(path, configDigest) && n === 1) return 'reset';
    return 'pass';
  });
  const { store, events, result, error } = await pullVia(p);
  assert.equal(error, undefined, String(error));
  assert.equal(result!.layers, 2);
  const r = retries(events);
  assert.ok(r.length >= 5, JSON.stringify(r));
  assert.ok(r.some((e) => /500 Internal Server Error \(UNKNOWN: injected 500\)/.test(e.reason)));
  assert.ok(r.some((e) => /ECONNRESET|other side closed|socket/i.test(e.reason)), JSON.stringify(r));
  // Backoff doubles: 5 ms, then 10 ms (halved at most by jitter).
  const manifestRetries = r.filter((e) => e.what.startsWith('manifest'));
  assert.ok(manifestRetries[1].delayMs >= 5 && manifestRetries[1].delayMs <= 10);
  await assertStoreSound(store);
});

test('a body cut off halfway (reset, or a short Content-Length) is resumed with a Range request, and the blob verifies', async (t) => {
  if (skip) return t.skip(skip);
  for (const fault of ['reset-mid-body', 'short-body'] as const) {
    const ranges: string[] = [];
    const p = await proxy((method, path, n) => {
      if (method === 'GET' && isBlob(path, layer)) {
        ranges.push(String(n));
        return n === 1 ? fault : 'pass';
      }
      return 'pass';
    });
    const { store, events, error } = await pullVia(p);
    assert.equal(error, undefined, `${fault}: ${error}`);
    const resumed = retries(events).filter((e) => /resuming at byte (\d+)/.test(e.reason));
    assert.equal(resumed.length, 1, `${fault}: ${JSON.stringify(retries(events))}`);
    assert.ok(Number(/resuming at byte (\d+)/.exec(resumed[0].reason)![1]) > 0);
    assert.equal(ranges.length, 2);
    await assertStoreSound(store);
  }
});

test('content that does not match its digest: tried again, then a clear error; never a wrong blob in the store, no tag', async (t) => {
  if (skip) return t.skip(skip);
  // Once: the next attempt gets good bytes.
  const once = await proxy((method, path, n) => (method === 'GET' && isBlob(path, layer) && n === 1 ? 'corrupt' : 'pass'));
  const ok = await pullVia(once);
  assert.equal(ok.error, undefined, String(ok.error));
  assert.ok(retries(ok.events).some((e) => /do not match/.test(e.reason)));
  await assertStoreSound(ok.store);

  // Always: an error that says what happened.
  const always = await proxy((method, path) => (method === 'GET' && isBlob(path, layer) ? 'corrupt' : 'pass'));
  const bad = await pullVia(always);
  assert.ok(bad.error instanceof RegistryError, String(bad.error));
  assert.equal((bad.error as RegistryError).reason, 'digest');
  assert.match((bad.error as Error).message, new RegExp(`layer ${layer} of app: the registry sent \\d+ bytes that do not match ${layer} \\(3 attempts\\); nothing was stored`));
  assert.equal(await bad.store.hasBlob(layer), false);
  assert.deepEqual(await bad.store.images(), []);
  await assertStoreSound(bad.store);
  assert.deepEqual(fs.readdirSync(`${bad.store.dir}/ingest`).filter((f) => !f.endsWith('.lock')), [], 'no temp file left behind');

  // A manifest whose bytes are not what its digest says.
  const manifestLies = await proxy((method, path) => (method === 'GET' && path.includes('/manifests/') ? 'corrupt' : 'pass'));
  const lie = await pullVia(manifestLies);
  assert.ok(lie.error instanceof RegistryError);
  assert.match((lie.error as Error).message, /(is not JSON|digest .* is not the sha256:\w+ the registry announced)/);
});

test('4xx is not retried: a missing blob is one request and a clear not found; a 5xx that persists gives up after the retries', async (t) => {
  if (skip) return t.skip(skip);
  const gone = await proxy((method, path) => (method === 'GET' && isBlob(path, layer) ? '404' : 'pass'));
  const missing = await pullVia(gone);
  assert.ok(missing.error instanceof RegistryError);
  assert.equal((missing.error as RegistryError).reason, 'not-found');
  assert.match((missing.error as Error).message, new RegExp(`not found: blob ${layer} of app on ${gone.host}: BLOB_UNKNOWN: injected 404`));
  assert.equal(gone.log.filter((l) => l.includes(layer)).length, 1);
  assert.equal(retries(missing.events).length, 0);

  const down = await proxy((method, path) => (path.includes('/manifests/') ? '503' : 'pass'));
  const failing = await pullVia(down, { retries: 2 });
  assert.ok(failing.error instanceof RegistryError);
  assert.equal((failing.error as RegistryError).reason, 'server');
  assert.match((failing.error as Error).message, /manifest app:1 from 127\.0\.0\.1:\d+: 503 Service Unavailable \(UNKNOWN: injected 503\) \(after 3 attempts\)/);
  assert.equal(down.log.length, 3);

  // The CLI says the same, on one line, exit 1.
  const cli = await layerwise(['pull', '--store', scratchDir(), `${down.host}/app:1`], { LAYERWISE_REGISTRY_RETRIES: '1', LAYERWISE_REGISTRY_BACKOFF_MS: '5' });
  assert.equal(cli.code, 1);
  assert.match(cli.err, /^layerwise pull: 127\.0\.0\.1:\d+ failed on manifest app:1|^layerwise pull: manifest app:1 from .*503 Service Unavailable/m);
});

test('push through faults: a 500 on the upload PUT, a reset PATCH and a 503 on the manifest are retried; the registry gets the same image', async (t) => {
  if (skip) return t.skip(skip);
  const store = await Store.open(scratchDir());
  await makeBusyboxImage(store);
  const ctx = contextWith({ Dockerfile: 'FROM busybox\nCOPY data /pushed\n', data: 'p'.repeat(2_500_000) });
  const { image } = await build({ context: ctx, store, tag: 'faulty:1' });
  let puts = 0;
  let patches = 0;
  const p = await proxy((method, path, n) => {
    if (method === 'PUT' && path.includes('/blobs/uploads/') && ++puts === 1) return '500';
    if (method === 'PATCH' && ++patches === 2) return 'reset';
    if (method === 'PUT' && path.includes('/manifests/') && n === 1) return '503';
    return 'pass';
  });
  const events: RegistryEvent[] = [];
  const r = await pushImage({ store, source: 'faulty:1', destination: `${p.host}/faulty:1`, backoffMs: 5, monolithicMax: 1 << 20, chunkSize: 1 << 20, onEvent: (e) => events.push(e) });
  assert.equal(r.digest, image.digest);
  assert.ok(retries(events).length >= 3, JSON.stringify(retries(events)));
  const back = await Store.open(scratchDir());
  const pulled = await pullImage({ store: back, ref: `${reg.host}/faulty:1` });
  assert.equal(pulled.manifest.digest, image.digest);
  await assertStoreSound(back);
});

test('nothing listening: a network error naming the address, after the retries', async (t) => {
  if (skip) return t.skip(skip);
  const port = await freePort();
  const store = await Store.open(scratchDir());
  await assert.rejects(pullImage({ store, ref: `127.0.0.1:${port}/x`, retries: 1, backoffMs: 5 }), (e: unknown) => {
    assert.ok(e instanceof RegistryError);
    assert.equal(e.reason, 'network');
    assert.match(e.message, new RegExp(`manifest x:latest: cannot reach http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.* \\(after 2 attempts\\)`));
    return true;
  });
});

test('cancelled halfway through a blob: a cancelled error, no half blob and no temp file in the store', async (t) => {
  if (skip) return t.skip(skip);
  const p = await proxy((method, path) => (method === 'GET' && isBlob(path, layer) ? 'stall-mid-body' : 'pass'));
  const controller = new AbortController();
  const events: RegistryEvent[] = [];
  const store = await Store.open(scratchDir());
  const pulling = pullImage({ store, ref: `${p.host}/app:1`, signal: controller.signal, onEvent: (e) => {
    events.push(e);
    if (e.type === 'progress' && e.digest === layer) setTimeout(() => controller.abort(), 100);
  } });
  const guard = setTimeout(() => controller.abort(), 10_000);
  await assert.rejects(pulling, (e: unknown) => e instanceof RegistryError && e.reason === 'cancelled' && e.code === 'CANCELLED');
  clearTimeout(guard);
  assert.ok(events.some((e) => e.type === 'progress' && e.digest === layer), 'the transfer had started');
  assert.equal(await store.hasBlob(layer), false);
  assert.deepEqual(await store.images(), []);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(fs.readdirSync(`${store.dir}/ingest`).filter((f) => !f.endsWith('.lock')), []);
  await assertStoreSound(store);
});
