import { EngineError } from '../../errors';
import { familiarReference, parseReference } from '../../image/reference';
import { formatPlatform, parsePlatform } from '../../image/registry/platform';
import { formatBytes, progressPrinter, type ProgressMode } from '../../image/registry/progress-text';
import { pullImage } from '../../image/registry/pull';
import { openStore, parseCommand, STORE_OPTION } from '../args';

export const PULL_HELP = `layerwise pull [options] REF

Pulls an image from its registry into the local store (an OCI image layout), no daemon needed:
the manifest (the host's platform, or --platform, from a multi-platform index), then config
and layers in parallel, each checked against its digest. Logins come from Docker's
config.json (\`docker login\`) and credential helpers. localhost and 127.0.0.0/8 registries
are spoken to over plain HTTP, as Docker does; so are those in --insecure-registry and
$LAYERWISE_INSECURE_REGISTRIES.

  --platform OS/ARCH[/VARIANT]  e.g. linux/arm64, linux/arm/v7 (default: the host's)
  --insecure-registry HOST      plain HTTP for HOST or HOST:PORT (repeatable)
  --progress MODE               auto | plain | json (one event per line) | quiet
  -q, --quiet                   print only the manifest digest
  --store DIR                   image store (default $LAYERWISE_STORE or ~/.cache/layerwise)`;

const MODES = ['auto', 'plain', 'json', 'quiet'];

/** `layerwise pull`: progress on stderr, the result on stdout. */
export async function pullCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    ...STORE_OPTION,
    platform: { type: 'string' },
    'insecure-registry': { type: 'string', multiple: true },
    progress: { type: 'string', default: 'auto' },
    quiet: { type: 'boolean', short: 'q', default: false },
  });
  if (positionals.length !== 1) throw new EngineError('USAGE', `pull takes exactly one image reference\n\n${PULL_HELP}`);
  const mode = (values.quiet ? 'quiet' : values.progress) as ProgressMode;
  if (!MODES.includes(mode)) throw new EngineError('USAGE', `--progress must be auto, plain, json or quiet, not ${mode}`);
  const platform = values.platform === undefined ? undefined : parsePlatform(values.platform as string);
  parseReference(positionals[0]);
  const store = await openStore(values.store as string | undefined);
  const printer = progressPrinter(mode, 'pull');
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const r = await pullImage({
      store,
      ref: positionals[0],
      platform,
      insecure: values['insecure-registry'] as string[] | undefined,
      signal: controller.signal,
      onEvent: printer.onEvent,
    });
    printer.finish();
    if (values.quiet) process.stdout.write(r.manifest.digest + '\n');
    else {
      const name = familiarReference(parseReference(r.ref));
      process.stdout.write(`${name}  ${r.manifest.digest}  ${formatPlatform(r.platform)}  ${formatBytes(r.size)} in ${r.layers} layer(s), ${formatBytes(r.downloaded)} downloaded in ${(r.durationMs / 1000).toFixed(2)}s\n`);
    }
    return 0;
  } finally {
    printer.finish();
    process.off('SIGINT', onSigint);
  }
}
