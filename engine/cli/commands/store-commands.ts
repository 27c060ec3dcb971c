import * as path from 'node:path';
import { humanSize } from '../../analyze/format';
import { EngineError } from '../../errors';
import { importImages } from '../../image/archive-import';
import { familiarReference, parseReference } from '../../image/reference';
import { pruneStore, verifyStore } from '../../image/store-maintenance';
import { openStore, parseCommand, STORE_OPTION } from '../args';

export const LOAD_HELP = `layerwise load [-t REF] [--store DIR] (-i FILE | FILE | DIR)

Imports images from \`docker save\` output (legacy or Docker 25+), an oci-archive tar or an OCI
layout folder. Every blob is verified before it is kept. -t names the image (one image only).`;

export const TAG_HELP = 'layerwise tag SOURCE TARGET [--store DIR]\n\nGives an image of the store another name.';
export const RM_HELP = 'layerwise rm REF... [--store DIR]\n\nRemoves tags; run prune to free the blobs.';
export const PRUNE_HELP = 'layerwise prune [--grace MINUTES] [--store DIR]\n\nRemoves blobs no tagged image needs (not while a build holds the store; blobs younger than --grace stay).';
export const STORE_HELP = 'layerwise store verify [--store DIR]\n\nRe-hashes every blob and checks that every tagged image is complete.';

/** `layerwise load`. */
export async function loadCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { ...STORE_OPTION, input: { type: 'string', short: 'i' }, tag: { type: 'string', short: 't' } });
  const source = (values.input as string | undefined) ?? positionals[0];
  if (!source) throw new EngineError('USAGE', `load needs an archive or folder\n\n${LOAD_HELP}`);
  const store = await openStore(values.store as string | undefined);
  const images = await importImages(store, path.resolve(source), values.tag as string | undefined);
  for (const img of images) process.stdout.write(`Loaded image: ${img.ref.startsWith('sha256:') ? img.ref : familiarReference(parseReference(img.ref))}\n`);
  return 0;
}

/** `layerwise tag SOURCE TARGET`. */
export async function tagCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, STORE_OPTION);
  if (positionals.length !== 2) throw new EngineError('USAGE', 'tag takes SOURCE and TARGET: layerwise tag hello:latest hello:1.0');
  const store = await openStore(values.store as string | undefined);
  const src = await store.resolve(positionals[0]);
  await store.tag(positionals[1], src.descriptor);
  return 0;
}

/** `layerwise rm REF...`: untags; `prune` frees the blobs. */
export async function rmCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, STORE_OPTION);
  if (positionals.length === 0) throw new EngineError('USAGE', 'rm takes one or more image references');
  const store = await openStore(values.store as string | undefined);
  let status = 0;
  for (const ref of positionals) {
    if (await store.untag(ref)) process.stdout.write(`Untagged: ${ref}\n`);
    else {
      process.stderr.write(`layerwise rm: no such image: ${ref}\n`);
      status = 1;
    }
  }
  return status;
}

/** `layerwise prune [--grace MINUTES]`: removes blobs no tagged image needs. */
export async function pruneCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { ...STORE_OPTION, grace: { type: 'string', default: '10' } });
  const minutes = Number(values.grace);
  if (!(minutes >= 0)) throw new EngineError('USAGE', '--grace takes minutes (a number >= 0)');
  const store = await openStore(values.store as string | undefined);
  const report = await pruneStore(store, minutes * 60_000);
  if (report.busy) {
    process.stderr.write(`layerwise prune: a build or pull is using the store (pid ${report.busy.join(', ')}); nothing removed\n`);
    return 1;
  }
  process.stdout.write(`Removed ${report.removed} blob(s), ${humanSize(report.freedBytes)} freed\n`);
  return 0;
}

/** `layerwise store verify`: re-hashes every blob and checks every image. */
export async function storeCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') throw new EngineError('USAGE', 'usage: layerwise store verify [--store DIR]');
  const { values } = parseCommand(rest, STORE_OPTION);
  const store = await openStore(values.store as string | undefined);
  const report = await verifyStore(store);
  for (const p of report.problems) process.stdout.write(`${p}\n`);
  process.stdout.write(`${report.blobs} blob(s) checked, ${report.problems.length} problem(s)\n`);
  return report.problems.length === 0 ? 0 : 1;
}
