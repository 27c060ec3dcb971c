import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SourceStat } from '../layer/entry';

type Row = [size: number, mtimeMs: number, ctimeMs: number, ino: number, sha256: string];

/**
 * Content hashes of files keyed by what stat says about them, kept between builds: a file
 * whose size, mtime, ctime and inode are unchanged is not read again. ctime catches a
 * rewrite that restored the mtime. Rows are keyed by path relative to the root, in one
 * compact JSON array, because loading it is on the path of every no-op rebuild.
 */
export class StatCache {
  private dirty = false;
  private readonly prefix: string;

  private constructor(
    private readonly file: string,
    root: string,
    private readonly rows: Map<string, Row>,
  ) {
    this.prefix = root.endsWith('/') ? root : `${root}/`;
  }

  /** The cache for files under `root`, kept in `cacheDir`. */
  static open(cacheDir: string, root: string): StatCache {
    const abs = path.resolve(root);
    const file = path.join(cacheDir, `${createHash('sha256').update(abs).digest('hex').slice(0, 32)}.json`);
    const rows = new Map<string, Row>();
    try {
      const flat = JSON.parse(fs.readFileSync(file, 'utf8')) as (string | number)[];
      for (let i = 0; i + 5 < flat.length; i += 6) {
        rows.set(flat[i] as string, [flat[i + 1] as number, flat[i + 2] as number, flat[i + 3] as number, flat[i + 4] as number, flat[i + 5] as string]);
      }
    } catch {
      // First build of this context, or an unreadable cache: start empty.
    }
    return new StatCache(file, abs, rows);
  }

  /** The sha256 (hex) of a file's content, reading it only when stat says it may have changed. */
  hash(abs: string, st: SourceStat): string {
    // Only files under the root are remembered (others, like downloads, are hashed each time).
    if (!abs.startsWith(this.prefix)) return createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
    const key = abs.slice(this.prefix.length);
    const row = this.rows.get(key);
    if (row && row[0] === st.size && row[1] === st.mtimeMs && row[2] === st.ctimeMs && row[3] === st.ino) return row[4];
    const sha = createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
    this.rows.set(key, [st.size, st.mtimeMs, st.ctimeMs, st.ino, sha]);
    this.dirty = true;
    return sha;
  }

  /** Writes the cache back if it learned anything (atomically: a killed build leaves the old one). */
  save(): void {
    if (!this.dirty) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const flat: (string | number)[] = [];
    for (const [k, r] of this.rows) flat.push(k, ...r);
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(flat));
    fs.renameSync(temp, this.file);
    this.dirty = false;
  }
}
