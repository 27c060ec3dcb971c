import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { EngineError } from '../errors';
import { cleanMemberPath, secureJoin } from './secure-path';
import { parseWhiteout } from './whiteout';

export interface ApplyResult {
  /** Members that could not be reproduced here (devices, fifos as non-root). */
  skipped: string[];
}

/**
 * Unpacks a layer tar onto a root folder the way a container runtime stacks it: whiteouts
 * delete, opaque markers empty a folder, entries replace what was there. Every path is
 * resolved inside `root` (symlinks included), and a member naming a path outside it fails
 * the whole layer: a hostile layer cannot write anywhere else. Ownership is applied when
 * running as root.
 */
export async function applyLayer(root: string, input: Readable, options: { gzip?: boolean } = {}): Promise<ApplyResult> {
  const asRoot = process.getuid?.() === 0;
  const extract = tar.extract();
  const source = options.gzip ? input.pipe(createGunzip()) : input;
  // The first failure of the input (a truncated gzip, a read error) is the one worth reporting.
  let streamError: Error | undefined;
  const fail = (e: Error) => {
    streamError ??= e;
    extract.destroy(e);
  };
  input.on('error', fail);
  source.on('error', fail);
  source.pipe(extract as unknown as NodeJS.WritableStream);
  const skipped: string[] = [];
  // Folder times are set last: adding children would change them again.
  const dirTimes: [string, Date][] = [];
  for await (const entry of extract) {
    try {
      await applyEntry(entry);
    } catch (e) {
      if (e instanceof EngineError) throw e;
      throw new EngineError('UNSUPPORTED', `layer entry "${entry.header.name}": ${(streamError ?? (e as Error)).message}`, { cause: e });
    }
  }
  for (const [dir, time] of dirTimes.reverse()) await fs.utimes(dir, time, time).catch(() => undefined);
  return { skipped };

  async function applyEntry(entry: { header: tar.Header; resume(): unknown } & AsyncIterable<unknown>): Promise<void> {
    const h = entry.header;
    const imagePath = cleanMemberPath(h.name);
    if (imagePath === undefined) {
      entry.resume();
      throw new EngineError('UNSUPPORTED', `refusing layer: member "${h.name}" points outside the image root`);
    }
    if (imagePath === '/') {
      entry.resume();
      return;
    }
    const wh = parseWhiteout(imagePath);
    if (wh) {
      entry.resume();
      if (wh.kind === 'opaque') await emptyDir(secureJoin(root, wh.dir));
      else await fs.rm(secureJoin(root, wh.target, false), { recursive: true, force: true });
      return;
    }
    const parent = secureJoin(root, path.posix.dirname(imagePath));
    await fs.mkdir(parent, { recursive: true });
    const dest = path.join(parent, path.posix.basename(imagePath));
    const existing = await fs.lstat(dest).catch(() => undefined);
    const mode = (h.mode ?? 0o644) & 0o7777;
    const mtime = h.mtime ?? new Date(0);
    switch (h.type) {
      case 'directory':
        if (existing && !existing.isDirectory()) await fs.rm(dest, { force: true });
        if (!existing || !existing.isDirectory()) await fs.mkdir(dest);
        await own(dest, h, asRoot);
        await fs.chmod(dest, mode);
        dirTimes.push([dest, mtime]);
        entry.resume();
        break;
      case 'file':
      case 'contiguous-file':
        if (existing) await fs.rm(dest, { recursive: true, force: true });
        await writeEntry(entry, dest);
        await own(dest, h, asRoot);
        await fs.chmod(dest, mode);
        await fs.utimes(dest, mtime, mtime);
        break;
      case 'symlink':
        if (existing) await fs.rm(dest, { recursive: true, force: true });
        await fs.symlink(h.linkname ?? '', dest);
        if (asRoot) await fs.lchown(dest, h.uid ?? 0, h.gid ?? 0);
        await fs.lutimes(dest, mtime, mtime);
        entry.resume();
        break;
      case 'link': {
        const targetPath = cleanMemberPath(h.linkname ?? '');
        if (!targetPath) throw new EngineError('UNSUPPORTED', `refusing layer: hard link "${h.name}" points outside the image root`);
        const target = secureJoin(root, targetPath, false);
        if (existing) await fs.rm(dest, { recursive: true, force: true });
        await fs.link(target, dest);
        entry.resume();
        break;
      }
      default:
        skipped.push(imagePath);
        entry.resume();
    }
  }
}

// Reads the entry with its own iterator (streamx errors, such as a truncated tar, surface here;
// Node's pipeline would wait forever for them).
async function writeEntry(entry: AsyncIterable<unknown>, dest: string): Promise<void> {
  const handle = await fs.open(dest, 'wx', 0o600);
  try {
    for await (const chunk of entry) await handle.write(chunk as Uint8Array);
  } finally {
    await handle.close();
  }
}

async function own(file: string, h: tar.Header, asRoot: boolean): Promise<void> {
  if (asRoot) await fs.lchown(file, h.uid ?? 0, h.gid ?? 0);
}

async function emptyDir(dir: string): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.map((n) => fs.rm(path.join(dir, n), { recursive: true, force: true })));
}
