import type { Manifest } from '../../image/oci';
import { shortDigest } from '../../image/digest';
import { familiarReference, parseReference } from '../../image/reference';
import { openStore, parseCommand, STORE_OPTION } from '../args';
import { humanSize } from '../../analyze/format';

/** `layerwise images`: the store's tagged images. */
export async function imagesCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { ...STORE_OPTION, json: { type: 'boolean', default: false } });
  const store = await openStore(values.store as string | undefined);
  const rows = [];
  for (const img of await store.images()) {
    const manifest = await store.readJSON<Manifest>(img.descriptor.digest);
    const size = manifest.layers.reduce((n, l) => n + l.size, 0);
    rows.push({ ref: img.ref, digest: img.descriptor.digest, layers: manifest.layers.length, size });
  }
  if (values.json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return 0;
  }
  process.stdout.write(`${'IMAGE'.padEnd(40)} ${'DIGEST'.padEnd(12)} LAYERS  SIZE\n`);
  for (const r of rows) {
    process.stdout.write(`${familiarReference(parseReference(r.ref)).padEnd(40)} ${shortDigest(r.digest)} ${String(r.layers).padStart(6)}  ${humanSize(r.size)}\n`);
  }
  return 0;
}
