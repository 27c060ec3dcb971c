import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Descriptor } from '../../image/oci';
import type { Store } from '../../image/store';

/** What a cached layer step produced. */
export interface CachedStep {
  layer: Descriptor;
  history: string;
  /** When the layer was first built: a cached step keeps it, so a no-op rebuild gives the same image. */
  created?: string;
}

/** A cache key: sha256 over the parts, each length-prefixed so parts cannot run together. */
export function cacheKey(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${Buffer.byteLength(p)}:${p}`);
  return h.digest('hex');
}

/**
 * Layer steps remembered by key (parent chain + expanded instruction + content of its inputs).
 * A record counts only while its layer blob is still in the store; records are written to a
 * temp file and renamed, so a killed build never leaves a half record.
 */
export class StepCache {
  private readonly dir: string;

  constructor(private readonly store: Store) {
    this.dir = path.join(store.dir, 'layerwise', 'cache');
  }

  async get(key: string): Promise<CachedStep | undefined> {
    let record: CachedStep;
    try {
      record = JSON.parse(await fs.promises.readFile(path.join(this.dir, `${key}.json`), 'utf8')) as CachedStep;
    } catch {
      return undefined;
    }
    return (await this.store.hasBlob(record.layer.digest)) ? record : undefined;
  }

  async put(key: string, step: CachedStep): Promise<void> {
    await fs.promises.mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, `${key}.json`);
    const temp = `${file}.${process.pid}.tmp`;
    await fs.promises.writeFile(temp, JSON.stringify(step));
    await fs.promises.rename(temp, file);
  }
}
