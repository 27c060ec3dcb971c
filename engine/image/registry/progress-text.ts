import { shortDigest } from '../digest';
import type { Digest } from '../oci';
import type { RegistryEvent } from './events';
import { formatPlatform } from './platform';

/**
 * Bytes in decimal units with three significant digits (12 B, 3.46 kB, 120 MB, 500 MB). Only
 * zeros after a decimal point are dropped.
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 999.5 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const text = unit === 0 ? String(value) : value.toPrecision(3).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return `${text} ${units[unit]}`;
}

export type ProgressMode = 'auto' | 'plain' | 'json' | 'quiet';

/**
 * Prints pull/push events for people: a line per blob as it finishes (and per retry), and on a
 * terminal a live line with the bytes moved so far. `json` prints each event as one line.
 */
export function progressPrinter(mode: ProgressMode, verb: 'pull' | 'push', out: NodeJS.WriteStream = process.stderr): { onEvent?: (e: RegistryEvent) => void; finish: () => void } {
  if (mode === 'quiet') return { finish: () => undefined };
  if (mode === 'json') return { onEvent: (e) => out.write(JSON.stringify(e) + '\n'), finish: () => undefined };
  const live = mode === 'auto' && out.isTTY === true;
  const active = new Map<Digest, { bytes: number; size: number }>();
  let done = 0;
  let total = 0;
  let status = '';
  let lastDraw = 0;
  const clear = () => {
    if (status) out.write('\r\x1b[K');
    status = '';
  };
  const line = (text: string) => {
    clear();
    out.write(text + '\n');
  };
  const draw = (force = false) => {
    if (!live || active.size === 0) return clear();
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    let bytes = done;
    for (const a of active.values()) bytes += a.bytes;
    const text = `${verb === 'pull' ? 'Downloading' : 'Uploading'} ${active.size} blob(s): ${formatBytes(bytes)} / ${formatBytes(total)}`;
    out.write(`\r\x1b[K${text}`);
    status = text;
  };
  const onEvent = (e: RegistryEvent) => {
    switch (e.type) {
      case 'resolved':
        line(`${verb === 'pull' ? 'Pulling' : 'Pushing'} ${e.ref} (${shortDigest(e.digest)})`);
        break;
      case 'platform':
        line(`Platform ${formatPlatform(e.platform)}: ${shortDigest(e.digest)} (of ${e.choices.join(', ')})`);
        break;
      case 'blob': {
        const id = shortDigest(e.digest);
        if (e.phase === 'start') {
          active.set(e.digest, { bytes: 0, size: e.size });
          total += e.size;
        } else if (e.phase === 'done') {
          active.delete(e.digest);
          done += e.size;
          line(`${id}: ${verb === 'pull' ? 'downloaded' : 'pushed'} ${e.kind} (${formatBytes(e.size)})`);
        } else if (e.phase === 'exists') {
          line(`${id}: ${verb === 'pull' ? 'already in the store' : 'already on the registry'}`);
        } else if (e.phase === 'mounted') {
          line(`${id}: mounted from ${e.from}`);
        }
        draw(true);
        break;
      }
      case 'progress': {
        const a = active.get(e.digest);
        if (a) a.bytes = e.bytes;
        draw();
        break;
      }
      case 'compress':
        if (e.phase === 'done') line(`${shortDigest(e.digest)}: gzipped ${formatBytes(e.size)} -> ${formatBytes(e.compressedSize ?? 0)}`);
        else if (e.phase === 'cached') line(`${shortDigest(e.digest)}: gzip form already made (${formatBytes(e.compressedSize ?? 0)})`);
        break;
      case 'retry':
        line(`retrying ${e.what} in ${(e.delayMs / 1000).toFixed(1)}s (attempt ${e.attempt + 1}): ${e.reason}`);
        break;
      case 'manifest':
        if (e.phase === 'pushed') line(`${e.ref}: digest: ${e.digest} size: ${e.size}`);
        break;
      case 'warning':
        line(`warning: ${e.message}`);
        break;
    }
  };
  return { onEvent, finish: clear };
}
