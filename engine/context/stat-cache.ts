import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SourceStat } from '../layer/entry';

/**
 * Content hashes of files keyed by what stat says about them, kept between builds: a file
 * whose size, mtime, ctime and inode are unchanged is not read again. ctime catches a
 * rewrite that restored the mtime. The file is one compact JSON array, six values per file
 * (path relative to the root, size, mtime, ctime, inode, sha256), kept as loaded and indexed
 * by path: loading it is on the path of every no-op rebuild.
 */
export class StatCache {
  private dirty = false;
  private readonly prefix: string;

  private constructor(
    private readonly file: string,
    root: string,
    private readonly flat: (string | number)[],
    /** Path -> index of its six values in `flat`. */
    private readonly rows: Map<string, number>,
  ) {
    this.prefix = root.endsWith('/') ? root : `${root}/`;
  }

  /** The cache for files under `root`, kept in `cacheDir`. */
  static open(cacheDir: string, root: string): StatCache {
    const abs = path.resolve(root);
    const file = path.join(cacheDir, `${createHash('sha256').update(abs).digest('hex').slice(0, 32)}.json`);
    let flat: (string | number)[] = [];
    const rows = new Map<string, number>();
    try {
      const loaded = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      if (Array.isArray(loaded)) flat = loaded as (string | number)[];
      for (let i = 0; i + 5 < flat.length; i += 6) rows.set(flat[i] as string, i);
    } catch {
      // First build of this context, or an unreadable cache: start empty.
      flat = [];
      rows.clear();
    }
    return new StatCache(file, abs, flat, rows);
  }

  /** The sha256 (hex) of a file's content, reading it only when stat says it may have changed. */
  hash(abs: string, st: SourceStat): string {
    // Only files under the root are remembered (others, like downloads, are hashed each time).
    if (!abs.startsWith(this.prefix)) return createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
    const key = abs.slice(this.prefix.length);
    const at = this.rows.get(key);
    const f = this.flat;
    if (at !== undefined && f[at + 1] === st.size && f[at + 2] === st.mtimeMs && f[at + 3] === st.ctimeMs && f[at + 4] === st.ino) return f[at + 5] as string;
    const sha = createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
    if (at !== undefined) {
      f[at + 1] = st.size;
      f[at + 2] = st.mtimeMs;
      f[at + 3] = st.ctimeMs;
      f[at + 4] = st.ino;
      f[at + 5] = sha;
    } else {
      this.rows.set(key, f.length);
      f.push(key, st.size, st.mtimeMs, st.ctimeMs, st.ino, sha);
    }
    this.dirty = true;
    return sha;
  }

  /** Writes the cache back if it learned anything (atomically: a killed build leaves the old one). */
  save(): void {
    if (!this.dirty) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(this.flat));
    fs.renameSync(temp, this.file);
    this.dirty = false;
  }
}
