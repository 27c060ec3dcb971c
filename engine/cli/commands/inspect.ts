import { analyzeSource, type AnalyzeOptions } from '../../analyze/analyze-image';
import { familiar } from '../../analyze/base';
import { evaluateCi, loadCiConfig, type CiVerdict } from '../../analyze/ci';
import type { ImageAnalysis } from '../../analyze/model';
import { writeReport } from '../../analyze/report';
import { openImage } from '../../analyze/sources/resolve';
import { parsePlatform } from '../../analyze/sources/select';
import type { ImageSource } from '../../analyze/sources/types';
import { EngineError } from '../../errors';
import type { Platform } from '../../image/oci';
import type { Store } from '../../image/store';
import { openStore, parseCommand, STORE_OPTION } from '../args';
import { ciToText, inspectToText } from '../format/inspect-text';

export const INSPECT_HELP = `layerwise inspect [options] IMAGE

Prints an image's layers (instruction, size, file count, wasted bytes, Dockerfile line), the
figures (efficiency and waste, ours and dive's), the paths whose bytes are wasted, and the merged
file tree, each file with its size and the layer and Dockerfile line that wrote it.

IMAGE is a reference or digest in the store, or an image on disk: a docker save / docker-archive
tar, an OCI archive tar, an OCI layout folder (gzip-compressed archives too). Name one image of
several with docker-archive:FILE:REF, oci-archive:FILE:REF or oci:DIR:REF.

  --json                the full analysis as JSON (docs/analysis.md describes it)
  --dockerfile FILE     match the image's history to this Dockerfile's lines
  --target STAGE        the stage of that Dockerfile the image was built from (default: the last)
  --platform OS/ARCH    which image of a multi-platform index (default: this machine's)
  --digests             hash every file (sha256) for content digests; reads every byte
  --base IMAGE|N        the base image (an image whose layers start this one), or its layer count
  --depth N             folder levels of the file tree to print (default: all; 0: no tree)
  --store DIR           image store

CI mode (exit 1 when a rule fails, printing which):
  --ci                          evaluate the rules instead of printing the tree
  --ci-config FILE              rules file (default: .layerwise-ci, else .dive-ci, in this folder)
  --lowest-efficiency R         fail below this efficiency (0-1; dive's default 0.9)
  --highest-wasted-bytes B      fail above this many wasted bytes (20MB, 1GiB; default disabled)
  --highest-user-wasted-percent R
                                fail when user-layer waste / user-layer size exceeds R (default 0.1)
  --ci-figures ours|dive        which figures the rules read (default ours)
Any rule may be "disabled".`;

const OPTIONS = {
  ...STORE_OPTION,
  json: { type: 'boolean', default: false },
  dockerfile: { type: 'string' },
  target: { type: 'string' },
  platform: { type: 'string' },
  digests: { type: 'boolean', default: false },
  base: { type: 'string' },
  depth: { type: 'string' },
  ci: { type: 'boolean', default: false },
  'ci-config': { type: 'string' },
  'lowest-efficiency': { type: 'string' },
  'highest-wasted-bytes': { type: 'string' },
  'highest-user-wasted-percent': { type: 'string' },
  'ci-figures': { type: 'string' },
} as const;

/** `layerwise inspect`. */
export async function inspectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS);
  if (positionals.length !== 1) throw new EngineError('USAGE', `inspect takes exactly one IMAGE\n\n${INSPECT_HELP}`);
  let depth = Infinity;
  if (values.depth !== undefined) {
    depth = Number(values.depth);
    if (!Number.isInteger(depth) || depth < 0) throw new EngineError('USAGE', `--depth wants a whole number, not "${values.depth}"`);
  }
  const ciConfig = values.ci
    ? loadCiConfig({
        config: values['ci-config'],
        figures: values['ci-figures'],
        lowestEfficiency: values['lowest-efficiency'],
        highestWastedBytes: values['highest-wasted-bytes'],
        highestUserWastedPercent: values['highest-user-wasted-percent'],
      })
    : undefined;
  const platform = values.platform ? parsePlatform(values.platform) : undefined;
  const storeOnce = lazyStore(values.store);
  const image = await inspectImage(positionals[0], {
    store: storeOnce,
    platform,
    base: values.base,
    analyze: { digests: values.digests, dockerfile: values.dockerfile, target: values.target },
  });
  const verdict: CiVerdict | undefined = ciConfig ? evaluateCi(image, ciConfig) : undefined;
  if (values.json) await writeReport(image, writeStdout, verdict ? { ci: verdict } : {});
  else if (verdict) await writeStdout(ciToText(image, verdict) + '\n');
  else await writeStdout(inspectToText(image, { depth }) + '\n');
  if (verdict && !verdict.pass) {
    const failed = verdict.results.filter((r) => r.status === 'fail' || r.status === 'misconfigured').map((r) => `${r.rule}${r.status === 'misconfigured' ? ' (misconfigured)' : ''}`);
    process.stderr.write(`layerwise inspect: CI failed: ${failed.join(', ')}\n`);
    return 1;
  }
  return 0;
}

/** The store, opened once and only if an image needs it. */
export function lazyStore(dir: string | undefined): () => Promise<Store> {
  let store: Promise<Store> | undefined;
  return () => (store ??= openStore(dir));
}

/** Opens and analyses an image named on the command line; `--base` names another image or a layer count. */
export async function inspectImage(
  spec: string,
  options: { store: () => Promise<Store>; platform?: Platform; base?: string; analyze: AnalyzeOptions },
): Promise<ImageAnalysis> {
  const source = await openImage(spec, { store: options.store, platform: options.platform });
  try {
    const analyze: AnalyzeOptions = { ...options.analyze };
    if (options.base !== undefined) analyze.base = await baseOption(options.base, source, options);
    return await analyzeSource(source, analyze);
  } finally {
    await source.close();
  }
}

async function baseOption(text: string, image: ImageSource, options: { store: () => Promise<Store>; platform?: Platform }): Promise<NonNullable<AnalyzeOptions['base']>> {
  if (/^\d+$/.test(text)) return { layers: Number(text) };
  const base = await openImage(text, { store: options.store, platform: options.platform });
  try {
    const ours = image.config.rootfs?.diff_ids ?? [];
    const theirs = base.config.rootfs?.diff_ids ?? [];
    if (theirs.length > ours.length || !theirs.every((d, i) => d === ours[i])) {
      throw new EngineError('USAGE', `--base ${text} is not this image's base: its ${theirs.length} layer(s) are not the first layers of ${image.ref ?? image.digest}`);
    }
    return { layers: theirs.length, ref: base.ref ? familiar(base.ref) : text, digest: base.digest };
  } finally {
    await base.close();
  }
}

let stdoutClosed = false;

/**
 * Writes to stdout, waiting when the pipe is full (big JSON documents). A reader that goes away
 * (`| head`) ends the output quietly instead of crashing with EPIPE.
 */
export function writeStdout(chunk: string | Buffer): Promise<void> {
  if (stdoutClosed) return Promise.resolve();
  if (process.stdout.listenerCount('error') === 0) {
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      stdoutClosed = true;
      process.stdout.emit('drain');
    });
  }
  return new Promise((resolve) => {
    if (process.stdout.write(chunk)) resolve();
    else process.stdout.once('drain', resolve);
  });
}
