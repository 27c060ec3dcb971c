import * as path from 'node:path';
import { EngineError } from '../../errors';
import { saveDockerArchive } from '../../image/docker-archive';
import { openStore, parseCommand, STORE_OPTION } from '../args';

export const SAVE_HELP = `layerwise save [options] -o FILE IMAGE...

Writes images as a docker-archive tar, loadable with \`docker load -i FILE\` (it is also an
OCI archive: \`skopeo inspect oci-archive:FILE\`).

  -o, --output FILE   the tar to write
  --store DIR         image store`;

/** `layerwise save`. */
export async function saveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { ...STORE_OPTION, output: { type: 'string', short: 'o' } });
  if (positionals.length === 0 || !values.output) throw new EngineError('USAGE', `save needs -o FILE and at least one IMAGE\n\n${SAVE_HELP}`);
  const store = await openStore(values.store as string | undefined);
  const images = await Promise.all(positionals.map((p) => store.resolve(p)));
  await saveDockerArchive(store, images, path.resolve(values.output as string));
  return 0;
}
