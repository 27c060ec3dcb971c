import { analyzeImage } from '../../analyze/analyze-image';
import { EngineError } from '../../errors';
import { openStore, parseCommand, STORE_OPTION } from '../args';
import { inspectToText } from '../format/inspect-text';

export const INSPECT_HELP = `layerwise inspect [options] IMAGE

Prints an image's layers (instruction, size, file count, Dockerfile line) and its merged
file tree, each file with its size and the layer and Dockerfile line that wrote it.

  --json        the full analysis as JSON
  --store DIR   image store`;

/** `layerwise inspect`. */
export async function inspectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { ...STORE_OPTION, json: { type: 'boolean', default: false } });
  if (positionals.length !== 1) throw new EngineError('USAGE', `inspect takes exactly one IMAGE\n\n${INSPECT_HELP}`);
  const store = await openStore(values.store as string | undefined);
  const image = await analyzeImage(store, positionals[0]);
  process.stdout.write((values.json ? JSON.stringify(image, null, 2) : inspectToText(image)) + '\n');
  return 0;
}
