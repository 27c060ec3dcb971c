import { build, buildImage } from '../../build/builder';
import type { BuildEvent } from '../../build/types';
import { EngineError } from '../../errors';
import { keyValues, openStore, parseCommand, STORE_OPTION } from '../args';
import { humanSize } from '../../analyze/format';
import { shortDigest } from '../../image/digest';

export const BUILD_HELP = `layerwise build [options] CONTEXT

Builds the Dockerfile into the local image store (an OCI image layout), without a daemon.

  -f, --file FILE          Dockerfile (default CONTEXT/Dockerfile)
  -t, --tag REF            tag the image, e.g. hello or hello:1.0
  --build-arg K=V          set a build argument (repeatable)
  --target STAGE           build up to this stage
  --json                   print the build result (layers, files, provenance) as JSON
  -q, --quiet              print only the image digest
  --no-cache               run every step again (results are still cached)
  --store DIR              image store (default $LAYERWISE_STORE or ~/.cache/layerwise)`;

/** `layerwise build`: progress on stderr, the result on stdout. */
export async function buildCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    ...STORE_OPTION,
    file: { type: 'string', short: 'f' },
    tag: { type: 'string', short: 't' },
    'build-arg': { type: 'string', multiple: true },
    target: { type: 'string' },
    json: { type: 'boolean', default: false },
    quiet: { type: 'boolean', short: 'q', default: false },
    'no-cache': { type: 'boolean', default: false },
  });
  if (positionals.length !== 1) throw new EngineError('USAGE', `build takes exactly one CONTEXT folder\n\n${BUILD_HELP}`);
  const store = await openStore(values.store as string | undefined);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const run = values.json ? build : buildImage;
    const result = await run({
      context: positionals[0],
      dockerfile: values.file as string | undefined,
      tag: values.tag as string | undefined,
      target: values.target as string | undefined,
      buildArgs: keyValues(values['build-arg'] as string[] | undefined),
      store,
      noCache: values['no-cache'] as boolean,
      signal: controller.signal,
      onEvent: values.quiet || values.json ? undefined : printEvent,
    });
    if ('image' in result) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else if (values.quiet) process.stdout.write(result.manifest.digest + '\n');
    else {
      const name = result.ref ?? shortDigest(result.manifest.digest);
      process.stdout.write(`${name}  ${result.manifest.digest}  ${humanSize(result.size)} in ${result.layers} layer(s), ${(result.durationMs / 1000).toFixed(2)}s\n`);
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function printEvent(e: BuildEvent): void {
  if (e.type === 'step') process.stderr.write(`[${e.step}/${e.steps}] ${e.instruction}\n`);
  else if (e.type === 'layer') process.stderr.write(`      layer ${shortDigest(e.digest)}  ${humanSize(e.size)}  ${e.files} file(s)\n`);
  else if (e.type === 'cached') process.stderr.write(`      CACHED ${shortDigest(e.digest)}\n`);
  else if (e.type === 'log') process.stderr.write(`      ${e.message}\n`);
}
