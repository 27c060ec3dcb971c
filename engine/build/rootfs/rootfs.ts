import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { applyLayer } from '../../layer/apply';
import { layerDecompressor } from '../../layer/compression';
import type { Descriptor } from '../../image/oci';
import type { Store } from '../../image/store';
import { snapshot, type Snapshot } from './snapshot';

/**
 * A stage's root filesystem unpacked in a work folder of the store, so RUN can execute in it.
 * It is made only when a stage first needs it, follows the stage's later layers, and keeps its
 * last snapshot so each RUN walks the tree once, not twice.
 */
export class Rootfs {
  private current: Snapshot | undefined;

  private constructor(readonly dir: string) {}

  /** Unpacks `layers` into a fresh folder under the store's work area. */
  static async create(store: Store, layers: Descriptor[]): Promise<Rootfs> {
    const work = path.join(store.dir, 'layerwise', 'work');
    await fs.mkdir(work, { recursive: true });
    const dir = path.join(work, `rootfs-${process.pid}-${randomBytes(6).toString('hex')}`);
    await fs.mkdir(dir, { mode: 0o755 });
    const rootfs = new Rootfs(dir);
    for (const layer of layers) await rootfs.apply(store, layer);
    return rootfs;
  }

  /** Stacks one more layer from the store. */
  async apply(store: Store, layer: Descriptor): Promise<void> {
    const decompress = layerDecompressor(layer.mediaType);
    const blob = store.openBlob(layer.digest);
    await applyLayer(this.dir, decompress ? blob.pipe(decompress) : blob);
    this.current = undefined;
  }

  /** The snapshot of the tree as it is now (walked only if something changed it). */
  snapshot(): Snapshot {
    this.current ??= snapshot(this.dir, process.getuid?.() !== 0);
    return this.current;
  }

  /** Records that the tree was changed behind our back (a RUN) and what it looks like now. */
  refresh(): Snapshot {
    this.current = undefined;
    return this.snapshot();
  }

  async dispose(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
