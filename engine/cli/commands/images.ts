import { shortDigest } from '../../image/digest';
import { familiarReference, parseReference } from '../../image/reference';
import { openStore, parseCommand, STORE_OPTION } from '../args';
import { humanSize } from '../../analyze/format';
import { storeSharing } from '../../analyze/sharing';

export const IMAGES_HELP = `layerwise images [--json] [--store DIR]

Lists the images in the local store: layers, size, and how many of those bytes are unique to the
image or shared with other images (same layer digests, stored once); then the sum of the image
sizes against what their layers take on disk, and every blob the store holds.
--json: { "images": [ { ref, digest, layers, size, uniqueBytes, sharedBytes, sharedWith } ],
          "store": { imageBytes, layerBytes, savedBytes, blobBytes, blobs } }`;

/** \`layerwise images\`: the store's tagged images, with the bytes each shares with the others. */
export async function imagesCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { ...STORE_OPTION, json: { type: 'boolean', default: false } });
  const store = await openStore(values.store as string | undefined);
  const report = await storeSharing(store);
  if (values.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return 0;
  }
  const name = (ref: string) => familiarReference(parseReference(ref));
  const rows = [['IMAGE', 'DIGEST', 'LAYERS', 'SIZE', 'UNIQUE', 'SHARED'], ...report.images.map((r) => [name(r.ref), shortDigest(r.digest), String(r.layers), humanSize(r.size), humanSize(r.uniqueBytes), humanSize(r.sharedBytes)])];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  // Names and digests left-aligned, figures right-aligned, as docker images prints them.
  for (const r of rows) process.stdout.write(r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd() + '\n');
  const s = report.store;
  process.stdout.write(`\n${humanSize(s.imageBytes)} in image sizes; ${humanSize(s.layerBytes)} of layers on disk (each shared layer once: ${humanSize(s.savedBytes)} saved by sharing).\n`);
  process.stdout.write(`The store holds ${humanSize(s.blobBytes)} in ${s.blobs} blob${s.blobs === 1 ? '' : 's'} (configs, manifests and blobs no tag needs included; prune frees those).\n`);
  return 0;
}
