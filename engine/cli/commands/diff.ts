import { diffImages } from '../../analyze/diff';
import { parsePlatform } from '../../analyze/sources/select';
import { EngineError } from '../../errors';
import { parseCommand, STORE_OPTION } from '../args';
import { diffToText } from '../format/diff-text';
import { inspectImage, lazyStore, writeStdout } from './inspect';

export const DIFF_HELP = `layerwise diff [options] IMAGE_A IMAGE_B

What changed from image A to image B: files added, removed and changed (with sizes, and what
changed: content, size, mode, owner, link target), and which layers the two do not share.
Images are named as for inspect: the store, a docker-archive or OCI archive file, an OCI layout.

  --json               the comparison as JSON (docs/analysis.md describes it)
  --no-digests         compare content by size and mtime instead of hashing every file (faster)
  --platform OS/ARCH   which image of a multi-platform index (default: this machine's)
  --max-lines N        file lines to print (default 200)
  --store DIR          image store

Exit status: 0 when the filesystems are the same, 1 when they differ (as diff does), 2 on usage errors.`;

/** `layerwise diff`. */
export async function diffCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    ...STORE_OPTION,
    json: { type: 'boolean', default: false },
    'no-digests': { type: 'boolean', default: false },
    platform: { type: 'string' },
    'max-lines': { type: 'string' },
  });
  if (positionals.length !== 2) throw new EngineError('USAGE', `diff takes two images\n\n${DIFF_HELP}`);
  const maxLines = values['max-lines'] === undefined ? 200 : Number(values['max-lines']);
  if (!Number.isInteger(maxLines) || maxLines < 0) throw new EngineError('USAGE', `--max-lines wants a whole number, not "${values['max-lines']}"`);
  const store = lazyStore(values.store);
  const platform = values.platform ? parsePlatform(values.platform) : undefined;
  const analyze = { digests: !values['no-digests'] };
  const a = await inspectImage(positionals[0], { store, platform, analyze });
  const b = await inspectImage(positionals[1], { store, platform, analyze });
  const d = diffImages(a, b);
  if (values.json) await writeStdout(JSON.stringify(d, null, 1) + '\n');
  else await writeStdout(diffToText(d, { maxLines }) + '\n');
  return d.files.length === 0 ? 0 : 1;
}
