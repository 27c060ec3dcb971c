import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Descriptor } from '../image/oci';
import type { Store } from '../image/store';
import { analyzeManifest } from './analyze-image';
import type { ImageAnalysis } from './model';
import { readProvenance } from './provenance';

/**
 * The analyses a long-lived process made lately, so a rebuild that gives the same image is not
 * analysed again. An analysis depends on the image (its digest: blobs never change), its name,
 * our build's record of it (Dockerfile lines, cached steps) and the store's other images (the
 * base is found among them): all four are in the key. Callers must treat results as read-only.
 */
export class AnalysisMemo {
  private readonly entries = new Map<string, ImageAnalysis>();
  private readonly keys = new WeakMap<ImageAnalysis, string>();

  // An analysis of a 50,000-file image is tens of megabytes: a few are enough for rebuilds.
  constructor(private readonly capacity = 3) {}

  /** analyzeManifest's answer, from memory when nothing it depends on changed. */
  async analyze(store: Store, descriptor: Descriptor, ref?: string): Promise<ImageAnalysis> {
    const [provenance, index] = await Promise.all([
      readProvenance(store, descriptor.digest),
      fs.readFile(path.join(store.dir, 'index.json')).catch(() => Buffer.alloc(0)),
    ]);
    const key = createHash('sha256')
      .update(JSON.stringify([store.dir, descriptor.digest, ref ?? '', provenance ?? null]))
      .update(index)
      .digest('hex');
    const known = this.entries.get(key);
    if (known) {
      this.entries.delete(key);
      this.entries.set(key, known);
      return known;
    }
    const analysis = await analyzeManifest(store, descriptor, ref);
    this.entries.set(key, analysis);
    this.keys.set(analysis, key);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return analysis;
  }

  /** The key an analysis this memo made is known by: equal keys, equal analyses. */
  keyOf(analysis: ImageAnalysis): string | undefined {
    return this.keys.get(analysis);
  }
}
