import { Worker } from 'node:worker_threads';
import type { Digest } from './oci';

/**
 * The thread that hashes and writes large blobs, so the main thread only receives them: on a
 * 500 MB pull, sha256 and the page-cache copies were a third of the main thread's time. The
 * code is a string (no file to find next to a bundle); it needs only crypto and fs.
 */
const SINK_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const BATCH = 256 << 10;
const jobs = new Map();
function flush(job) {
  let buffers = job.batch;
  job.batch = [];
  job.bytes = 0;
  while (buffers.length > 0) {
    let skip = fs.writevSync(job.fd, buffers);
    const rest = [];
    for (const b of buffers) {
      if (skip >= b.length) skip -= b.length;
      else { rest.push(skip > 0 ? b.subarray(skip) : b); skip = 0; }
    }
    buffers = rest;
  }
}
parentPort.on('message', (m) => {
  if (m.t === 'open') {
    try {
      jobs.set(m.id, { fd: fs.openSync(m.file, 'wx'), hash: createHash('sha256'), size: 0, batch: [], bytes: 0, error: undefined });
    } catch (e) {
      jobs.set(m.id, { fd: -1, error: e });
    }
    return;
  }
  const job = jobs.get(m.id);
  if (!job) return;
  if (m.t === 'data') {
    if (!job.error) {
      try {
        const b = new Uint8Array(m.buf, m.off, m.len);
        job.hash.update(b);
        job.size += m.len;
        job.batch.push(b);
        job.bytes += m.len;
        if (job.bytes >= BATCH) flush(job);
      } catch (e) {
        job.error = e;
      }
    }
    parentPort.postMessage({ t: 'ack', id: m.id, len: m.len });
    return;
  }
  // end or abort
  jobs.delete(m.id);
  try {
    if (!job.error && m.t === 'end') flush(job);
  } catch (e) {
    job.error = job.error || e;
  }
  if (job.fd >= 0) fs.closeSync(job.fd);
  if (job.error) parentPort.postMessage({ t: 'done', id: m.id, error: String(job.error.message || job.error), code: job.error.code });
  else parentPort.postMessage({ t: 'done', id: m.id, digest: m.t === 'end' ? 'sha256:' + job.hash.digest('hex') : undefined, size: job.size });
});
`;

/** Bytes handed to the sink and not yet hashed and written, per blob, before the reader waits. */
const MAX_IN_FLIGHT = 8 << 20;
/** Chunks at least this large that own their whole memory are moved to the sink, not copied. */
const TRANSFER_MIN = 16 << 10;

interface Pending {
  inFlight: number;
  wake: (() => void) | undefined;
  done: (r: { digest?: Digest; size?: number; error?: string; code?: string }) => void;
}

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

function sink(): Worker {
  if (worker) return worker;
  const w = new Worker(SINK_SOURCE, { eval: true });
  w.on('message', (m: { t: string; id: number; len?: number; digest?: Digest; size?: number; error?: string; code?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.t === 'ack') {
      p.inFlight -= m.len!;
      if (p.wake && p.inFlight <= MAX_IN_FLIGHT / 2) {
        const wake = p.wake;
        p.wake = undefined;
        wake();
      }
      return;
    }
    pending.delete(m.id);
    if (pending.size === 0) w.unref();
    p.done(m);
  });
  w.on('error', (e) => {
    for (const p of pending.values()) {
      p.done({ error: `the blob writer thread failed: ${e.message}` });
      p.wake?.();
    }
    pending.clear();
    worker = undefined;
  });
  worker = w;
  return w;
}

/**
 * Writes a stream of bytes to a new file (`wx`) on the sink thread, hashing them there; returns
 * their sha256 and size. The reader waits when the sink is more than a few MiB behind.
 */
export async function sinkStream(file: string, source: AsyncIterable<Uint8Array>): Promise<{ digest: Digest; size: number }> {
  const w = sink();
  w.ref();
  const id = nextId++;
  let result: { digest?: Digest; size?: number; error?: string; code?: string } | undefined;
  const finished = new Promise<void>((resolve) => {
    pending.set(id, {
      inFlight: 0,
      wake: undefined,
      done: (r) => {
        result = r;
        resolve();
      },
    });
  });
  const p = pending.get(id)!;
  w.postMessage({ t: 'open', id, file });
  let ended = false;
  try {
    for await (const chunk of source) {
      if (result) break; // the sink failed: stop reading
      if (chunk.length === 0) continue;
      const buf = chunk.buffer as ArrayBuffer;
      const off = chunk.byteOffset;
      if (chunk.length >= TRANSFER_MIN && off === 0 && chunk.byteLength === buf.byteLength && buf instanceof ArrayBuffer) {
        try {
          w.postMessage({ t: 'data', id, buf, off, len: chunk.length }, [buf]);
        } catch {
          // Memory that cannot move (Node's own pools): send a copy.
          postCopy(w, id, chunk);
        }
      } else postCopy(w, id, chunk);
      p.inFlight += chunk.length;
      if (p.inFlight > MAX_IN_FLIGHT) await new Promise<void>((resolve) => (p.wake = resolve));
    }
    ended = true;
  } finally {
    w.postMessage({ t: ended ? 'end' : 'abort', id });
    await finished;
  }
  const r = result!;
  if (r.error !== undefined) throw Object.assign(new Error(r.error), r.code ? { code: r.code } : {});
  if (!r.digest) throw new Error('the blob writer thread stopped');
  return { digest: r.digest, size: r.size! };
}

/** Sends a copy of a chunk in memory of its own (`new Uint8Array(view)` copies; a Buffer's `slice` would not). */
function postCopy(w: Worker, id: number, chunk: Uint8Array): void {
  const copy = new Uint8Array(chunk);
  w.postMessage({ t: 'data', id, buf: copy.buffer, off: 0, len: copy.length }, [copy.buffer]);
}
