import { EngineError } from '../../errors';
import { parseExportCompression, type ExportCompression } from '../../image/export-form';
import { parseReference } from '../../image/reference';
import { formatBytes, progressPrinter, type ProgressMode } from '../../image/registry/progress-text';
import { pushImage } from '../../image/registry/push';
import { openStore, parseCommand, STORE_OPTION } from '../args';

export const PUSH_HELP = `layerwise push [options] IMAGE [DEST]

Pushes an image of the local store to a registry: to IMAGE's own name (e.g.
localhost:5000/app:1), or to DEST. Blobs the registry has are skipped, blobs another
repository of the same registry has are mounted, the rest are uploaded (large ones in
chunks), then the manifest. Uncompressed layers are gzipped first, in parallel and once per
layer (the store remembers the result), so the pushed manifest digest differs from the
store's while the image ID (config) stays; --compression uncompressed pushes them as stored
(valid OCI, and the same manifest digest). Logins come from Docker's config.json and
credential helpers.

  --compression gzip|uncompressed  how uncompressed layers travel (default gzip; --compress = gzip)
  --insecure-registry HOST      plain HTTP for HOST or HOST:PORT (repeatable)
  --progress MODE               auto | plain | json (one event per line) | quiet
  -q, --quiet                   print only the pushed reference with its digest
  --store DIR                   image store (default $LAYERWISE_STORE or ~/.cache/layerwise)`;

const MODES = ['auto', 'plain', 'json', 'quiet'];

/** `layerwise push`: progress on stderr, REF@DIGEST on stdout. */
export async function pushCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    ...STORE_OPTION,
    compress: { type: 'boolean', default: false },
    compression: { type: 'string' },
    'insecure-registry': { type: 'string', multiple: true },
    progress: { type: 'string', default: 'auto' },
    quiet: { type: 'boolean', short: 'q', default: false },
  });
  if (positionals.length < 1 || positionals.length > 2) throw new EngineError('USAGE', `push takes an IMAGE of the store and an optional DEST\n\n${PUSH_HELP}`);
  const mode = (values.quiet ? 'quiet' : values.progress) as ProgressMode;
  if (!MODES.includes(mode)) throw new EngineError('USAGE', `--progress must be auto, plain, json or quiet, not ${mode}`);
  if (positionals[1] !== undefined) parseReference(positionals[1]);
  let compression: ExportCompression;
  try {
    compression = parseExportCompression(values.compression as string | undefined, 'push');
  } catch (e) {
    throw new EngineError('USAGE', (e as Error).message);
  }
  const store = await openStore(values.store as string | undefined);
  const printer = progressPrinter(mode, 'push');
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const r = await pushImage({
      store,
      source: positionals[0],
      destination: positionals[1],
      compress: values.compress === true || compression === 'gzip',
      insecure: values['insecure-registry'] as string[] | undefined,
      signal: controller.signal,
      onEvent: printer.onEvent,
    });
    printer.finish();
    const ref = `${r.ref.replace(/@sha256:[a-f0-9]+$/, '')}@${r.digest}`;
    if (values.quiet) process.stdout.write(ref + '\n');
    else {
      const b = r.blobs;
      process.stdout.write(`${ref}  ${formatBytes(r.uploaded)} uploaded (${b.uploaded} uploaded, ${b.mounted} mounted, ${b.existed} already there) in ${(r.durationMs / 1000).toFixed(2)}s\n`);
    }
    return 0;
  } finally {
    printer.finish();
    process.off('SIGINT', onSigint);
  }
}
