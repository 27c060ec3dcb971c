import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { humanSize } from '../../analyze/format';
import { analyzeManifest } from '../../analyze/analyze-image';
import type { BuiltImage } from '../../build/builder';
import { buildWith, parseBuilder } from '../../build/delegate/select';
import type { BuildEvent } from '../../build/types';
import { EngineError } from '../../errors';
import { shortDigest } from '../../image/digest';
import { saveDockerArchive } from '../../image/docker-archive';
import type { Manifest } from '../../image/oci';
import { exportForm, parseExportCompression, type ExportCompression } from '../../image/export-form';
import { writeOciLayout } from '../../image/oci-layout-export';
import type { Store, StoreImage } from '../../image/store';
import { keyValues, openStore, parseCommand, STORE_OPTION } from '../args';

export const BUILD_HELP = `layerwise build [options] CONTEXT

Builds the Dockerfile into the local image store (an OCI image layout), without a daemon,
or through Docker (BuildKit) or buildah, whose image is imported into the store.

  --builder NAME           auto | embedded | docker | buildah (default $LAYERWISE_BUILDER,
                           else auto: embedded when RUN can be sandboxed, else docker, else
                           buildah); see docs/builders.md
  --isolation MODE         buildah's RUN isolation (default $BUILDAH_ISOLATION, else chroot)
  -f, --file FILE          Dockerfile (default CONTEXT/Dockerfile)
  -t, --tag REF            tag the image, e.g. hello or hello:1.0
  --build-arg K=V          set a build argument (repeatable)
  --target STAGE           build up to this stage
  --no-cache               run every step again (results are still cached)
  -o, --output SPEC        also write the image out: type=oci,dest=DIR|FILE.tar
                           or type=docker,dest=FILE.tar (docker load -i FILE.tar); layers are
                           gzipped (once; the store remembers), compression=uncompressed keeps them
  --iidfile FILE           write the image ID (config digest) to FILE
  --metadata-file FILE     write the build's digests and name to FILE as JSON
  --progress MODE          auto | plain | json (one event per line) | quiet
  --secret id=ID,src=FILE  a secret for RUN --mount=type=secret (repeatable; never in a layer)
  --ssh default[=SOCKET]   the ssh agent for RUN --mount=type=ssh (default $SSH_AUTH_SOCK)
  --json                   print the build result (layers, files, provenance) as JSON
  -q, --quiet              print only the image digest
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
    output: { type: 'string', short: 'o', multiple: true },
    iidfile: { type: 'string' },
    'metadata-file': { type: 'string' },
    progress: { type: 'string', default: 'auto' },
    secret: { type: 'string', multiple: true },
    ssh: { type: 'string' },
    builder: { type: 'string', default: process.env.LAYERWISE_BUILDER },
    isolation: { type: 'string' },
  });
  if (positionals.length !== 1) throw new EngineError('USAGE', `build takes exactly one CONTEXT folder\n\n${BUILD_HELP}`);
  const outputs = ((values.output as string[] | undefined) ?? []).map(parseOutput);
  const progress = values.quiet || values.json ? 'quiet' : (values.progress as string);
  if (!['auto', 'plain', 'json', 'quiet'].includes(progress)) throw new EngineError('USAGE', `--progress must be auto, plain, json or quiet, not ${progress}`);
  const builder = parseBuilder(values.builder as string | undefined);
  const store = await openStore(values.store as string | undefined);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const options = {
      context: positionals[0],
      dockerfile: values.file as string | undefined,
      tag: values.tag as string | undefined,
      target: values.target as string | undefined,
      buildArgs: keyValues(values['build-arg'] as string[] | undefined),
      store,
      noCache: values['no-cache'] as boolean,
      secrets: parseSecrets(values.secret as string[] | undefined),
      sshSocket: parseSsh(values.ssh as string | undefined),
      signal: controller.signal,
      builder,
      isolation: values.isolation as string | undefined,
      onEvent: progress === 'quiet' ? undefined : progress === 'json' ? printJson : printPlain,
    };
    const built = await buildWith(options);
    if (values.json) {
      const image = await analyzeManifest(store, built.manifest, built.ref);
      process.stdout.write(JSON.stringify({ image, durationMs: built.durationMs }, null, 2) + '\n');
    } else {
      if (values.quiet) process.stdout.write(built.manifest.digest + '\n');
      else {
        const name = built.ref ?? shortDigest(built.manifest.digest);
        process.stdout.write(`${name}  ${built.manifest.digest}  ${humanSize(built.size)} in ${built.layers} layer(s), ${(built.durationMs / 1000).toFixed(2)}s\n`);
      }
    }
    await writeOutputs(store, built, outputs, values.iidfile as string | undefined, values['metadata-file'] as string | undefined);
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** `--secret id=npm,src=~/.npmrc` (also `id=x,env=VAR`), as docker build takes them. */
function parseSecrets(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of list ?? []) {
    const f = Object.fromEntries(spec.split(',').map((kv) => kv.split('=', 2) as [string, string]));
    const id = f.id;
    const src = f.src ?? f.source;
    if (!id || !src) throw new EngineError('USAGE', `--secret needs id=ID,src=FILE, not "${spec}"`);
    out[id] = path.resolve(src.replace(/^~(?=\/)/, process.env.HOME ?? '~'));
  }
  return out;
}

function parseSsh(spec: string | undefined): string | undefined {
  if (spec === undefined) return undefined;
  const [id, socket] = spec.split('=', 2);
  if (id !== 'default') throw new EngineError('USAGE', `only --ssh default[=SOCKET] is supported, not "${spec}"`);
  return socket ?? process.env.SSH_AUTH_SOCK;
}

interface Output {
  type: 'oci' | 'docker';
  dest: string;
  compression: ExportCompression;
}

/** `type=oci,dest=out.tar` as buildx spells it. */
function parseOutput(spec: string): Output {
  const fields = Object.fromEntries(spec.split(',').map((kv) => kv.split('=', 2) as [string, string]));
  const type = fields.type;
  if (type !== 'oci' && type !== 'docker') throw new EngineError('USAGE', `--output type must be oci or docker, not ${type ?? '(missing)'} in "${spec}"`);
  if (!fields.dest) throw new EngineError('USAGE', `--output needs dest=PATH in "${spec}"`);
  if (type === 'docker' && !fields.dest.endsWith('.tar')) throw new EngineError('USAGE', `--output type=docker writes a tar: dest must end in .tar ("${spec}")`);
  let compression: ExportCompression;
  try {
    compression = parseExportCompression(fields.compression, `--output "${spec}"`);
  } catch (e) {
    throw new EngineError('USAGE', (e as Error).message);
  }
  return { type, dest: path.resolve(fields.dest), compression };
}

async function writeOutputs(store: Store, built: BuiltImage, outputs: Output[], iidfile: string | undefined, metadataFile: string | undefined): Promise<void> {
  if (outputs.length === 0 && !iidfile && !metadataFile) return;
  const image: StoreImage = built.ref ? await store.resolve(built.ref) : { ref: `docker.io/library/layerwise-build:${shortDigest(built.manifest.digest)}`, descriptor: built.manifest };
  const manifest = await store.readJSON<Manifest>(image.descriptor.digest);
  // The metadata names what was exported, as BuildKit's does: the first output's (gzip) manifest.
  let exported: StoreImage | undefined;
  for (const out of outputs) {
    const form = await exportForm(store, image, out.compression);
    exported ??= form;
    if (out.type === 'oci' && !out.dest.endsWith('.tar')) await writeOciLayout(store, [form], out.dest);
    // One tar serves both: docker load reads its manifest.json, OCI tools its index.json.
    else await saveDockerArchive(store, [form], out.dest);
  }
  if (iidfile) await fs.writeFile(iidfile, manifest.config.digest);
  if (metadataFile) {
    const meta = { 'containerimage.digest': (exported ?? image).descriptor.digest, 'containerimage.config.digest': manifest.config.digest, ...(built.ref ? { 'image.name': built.ref } : {}) };
    await fs.writeFile(metadataFile, JSON.stringify(meta, null, 2) + '\n');
  }
}

function printPlain(e: BuildEvent): void {
  if (e.type === 'step') process.stderr.write(`[${e.step}/${e.steps}] ${e.instruction}\n`);
  else if (e.type === 'layer') process.stderr.write(`      layer ${shortDigest(e.digest)}  ${humanSize(e.size)}  ${e.files} file(s)\n`);
  else if (e.type === 'cached') process.stderr.write(`      CACHED ${shortDigest(e.digest)}\n`);
  else if (e.type === 'log') process.stderr.write(`      ${e.message}\n`);
}

function printJson(e: BuildEvent): void {
  process.stderr.write(JSON.stringify(e) + '\n');
}
