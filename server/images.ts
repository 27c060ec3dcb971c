import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { WorkDoneProgressReporter } from 'vscode-languageserver';
import { analyzeSource } from '../engine/analyze/analyze-image';
import { diffImages } from '../engine/analyze/diff';
import { humanSize } from '../engine/analyze/format';
import { storeSharing } from '../engine/analyze/sharing';
import type { ImageAnalysis } from '../engine/analyze/model';
import { readLayerFile } from '../engine/analyze/sources/read-file';
import { looksLikeImagePath, openImage } from '../engine/analyze/sources/resolve';
import { diffToText } from '../engine/cli/format/diff-text';
import { EngineError } from '../engine/errors';
import { saveDockerArchive } from '../engine/image/docker-archive';
import { exportForm } from '../engine/image/export-form';
import type { Digest } from '../engine/image/oci';
import { writeOciLayout } from '../engine/image/oci-layout-export';
import { familiarReference, parseReference } from '../engine/image/reference';
import { pullImage } from '../engine/image/registry/pull';
import { pushImage } from '../engine/image/registry/push';
import type { RegistryEvent } from '../engine/image/registry/events';
import type { Store } from '../engine/image/store';
import type { CompareResult, ExportParams, FileContent, FileContentParams, ImageSummary, ImagesResult, InspectParams, PullParams, PullResult, PushParams, PushResult } from './protocol';

/** The sidecar kind holding an image's figures from its last analysis. */
const FIGURES = 'figures';

interface StoredFigures {
  efficiency: number;
  wastedBytes: number;
}

/** Files larger than this are described, not shown (an editor tab is no place for 100 MB). */
const MAX_TEXT_BYTES = 2 << 20;

/**
 * The image requests of the server: list, inspect (any source), pull, push, export, compare,
 * and a file's content from a layer. It remembers where each analysed image was read, so a
 * later file request can open the same source again.
 */
export class ImageService {
  /** Where each analysed image was read, and its figures (not the analysis: a big image's is tens of MB). */
  private readonly seen = new Map<string, { spec: string; figures?: StoredFigures }>();

  constructor(private readonly store: () => Promise<Store>) {}

  /**
   * Records an image analysed elsewhere (a build) so its files can be read; a store image's
   * efficiency is kept beside it so the Images view can show it in later sessions too.
   */
  remember(image: ImageAnalysis, spec: string = image.digest): void {
    const figures: StoredFigures | undefined = image.efficiency && { efficiency: image.efficiency.efficiency, wastedBytes: image.efficiency.wastedBytes };
    this.seen.set(image.digest, { spec, figures });
    if (image.source?.kind === 'store' && figures) {
      void this.store().then((s) => s.writeSidecar(FIGURES, image.digest as Digest, figures)).catch(() => undefined);
    }
  }

  /** Forgets every analysis (the store folder changed). */
  reset(): void {
    this.seen.clear();
  }

  /**
   * The store's tagged images with the bytes each shares with the others and the store's totals,
   * plus efficiency and waste for images analysed before (built or inspected, in any session).
   */
  async images(): Promise<ImagesResult> {
    const store = await this.store();
    const sharing = await storeSharing(store);
    const images: ImageSummary[] = [];
    for (const img of sharing.images) {
      const figures = this.seen.get(img.digest)?.figures ?? (await store.readSidecar<StoredFigures>(FIGURES, img.digest).catch(() => undefined));
      images.push({ ...img, name: familiarReference(parseReference(img.ref)), efficiency: figures?.efficiency, wastedBytes: figures?.wastedBytes });
    }
    return { images, store: sharing.store };
  }

  /** Analyses an image from the store, an archive file or an OCI layout folder. */
  async inspect(params: InspectParams, signal?: AbortSignal): Promise<ImageAnalysis> {
    const spec = looksLikeImagePath(params.ref) ? path.resolve(params.ref) : params.ref;
    const source = await openImage(spec, { store: this.store });
    try {
      const image = await analyzeSource(source, { dockerfile: params.dockerfile, signal });
      this.remember(image, source.kind === 'store' ? image.digest : spec);
      return image;
    } finally {
      await source.close();
    }
  }

  /** Pulls into the store, reporting bytes as they arrive. */
  async pull(params: PullParams, progress: WorkDoneProgressReporter, signal: AbortSignal): Promise<PullResult> {
    const meter = new TransferMeter(progress, 'Pulling');
    const r = await pullImage({ store: await this.store(), ref: params.ref, platform: params.platform, signal, onEvent: (e) => meter.onEvent(e) });
    return { ref: r.ref, digest: r.manifest.digest, size: r.size, downloaded: r.downloaded, layers: r.layers, durationMs: r.durationMs };
  }

  /** Pushes a store image (layers gzipped once, as the CLI does by default). */
  async push(params: PushParams, progress: WorkDoneProgressReporter, signal: AbortSignal): Promise<PushResult> {
    const meter = new TransferMeter(progress, 'Pushing');
    const r = await pushImage({ store: await this.store(), source: params.image, destination: params.destination, compress: true, signal, onEvent: (e) => meter.onEvent(e) });
    return { ref: `${r.ref.replace(/@sha256:[a-f0-9]+$/, '')}@${r.digest}`, uploaded: r.uploaded, durationMs: r.durationMs };
  }

  /** Writes a store image as a docker-archive / OCI archive tar or an OCI layout folder. */
  async export(params: ExportParams): Promise<{ destination: string }> {
    if (!path.isAbsolute(params.destination)) throw new EngineError('USAGE', `export needs an absolute destination, not ${params.destination}`);
    const store = await this.store();
    const form = await exportForm(store, await store.resolve(params.image), 'gzip');
    if (params.format === 'oci-layout') {
      await fs.mkdir(params.destination, { recursive: true });
      await writeOciLayout(store, [form], params.destination);
    } else await saveDockerArchive(store, [form], params.destination);
    return { destination: params.destination };
  }

  /** The file-level comparison of two images (content hashed), and its text form. */
  async compare(a: string, b: string, signal?: AbortSignal): Promise<CompareResult> {
    const analyze = async (spec: string) => {
      const source = await openImage(looksLikeImagePath(spec) ? path.resolve(spec) : spec, { store: this.store });
      try {
        return await analyzeSource(source, { digests: true, signal });
      } finally {
        await source.close();
      }
    };
    const diff = diffImages(await analyze(a), await analyze(b));
    return { diff, text: diffToText(diff, { maxLines: 5000 }) };
  }

  /** A file's content as one layer of an analysed image stores it. */
  async fileContent(params: FileContentParams): Promise<FileContent> {
    const known = this.seen.get(params.image);
    const source = await openImage(known?.spec ?? params.image, { store: this.store });
    try {
      const layer = source.layers[params.layer];
      if (!layer) throw new EngineError('NOT_FOUND', `${params.image} has no layer ${params.layer}`);
      const file = await readLayerFile(layer.location, params.path, MAX_TEXT_BYTES);
      if (!file) return { kind: 'missing' };
      if (file.type !== 'file') return { kind: 'not-a-file', type: file.type, linkTarget: file.linkTarget };
      if (!file.content) return { kind: 'too-large', size: file.size };
      if (isBinary(file.content)) return { kind: 'binary', size: file.size };
      return { kind: 'text', text: file.content.toString('utf8'), size: file.size };
    } finally {
      await source.close();
    }
  }
}

/** Text has no NUL bytes and decodes as UTF-8 (what git and VS Code look at). */
function isBinary(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 8000);
  if (head.includes(0)) return true;
  return new TextDecoder('utf-8', { fatal: false }).decode(head).includes('\uFFFD');
}

/** Turns registry events into work-done progress: bytes moved out of bytes to move. */
class TransferMeter {
  private readonly sizes = new Map<string, number>();
  private readonly moved = new Map<string, number>();
  private lastReport = 0;

  constructor(private readonly progress: WorkDoneProgressReporter, private readonly verb: string) {
    progress.begin(verb, 0, undefined, true);
  }

  onEvent(e: RegistryEvent): void {
    if (e.type === 'resolved') this.progress.report(`${this.verb} ${e.ref}`);
    if (e.type === 'blob') {
      this.sizes.set(e.digest, e.size);
      if (e.phase !== 'start') this.moved.set(e.digest, e.size);
    }
    if (e.type === 'progress') {
      this.sizes.set(e.digest, e.size);
      this.moved.set(e.digest, e.bytes);
    }
    if (e.type === 'compress' && e.phase === 'start') this.progress.report(`compressing ${e.digest.slice(7, 19)}`);
    const now = Date.now();
    if (e.type !== 'progress' && e.type !== 'blob') return;
    if (now - this.lastReport < 100 && !(e.type === 'blob' && e.phase === 'done')) return;
    this.lastReport = now;
    const total = [...this.sizes.values()].reduce((a, b) => a + b, 0);
    const done = [...this.moved.values()].reduce((a, b) => a + b, 0);
    this.progress.report(total ? Math.floor((done / total) * 100) : 0, `${humanSize(done)} of ${humanSize(total)}`);
  }
}
