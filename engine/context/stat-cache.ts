import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

type Row = [size: number, mtimeNs: string, ctimeNs: string, ino: string, sha256: string];

/**
 * Content hashes of files keyed by what stat says about them, kept between builds: a file
 * whose size, mtime, ctime and inode are unchanged is not read again. ctime catches a
 * rewrite that restored the mtime.
 */
export class StatCache {
  private dirty = false;

  private constructor(
    private readonly file: string,
    private readonly rows: Map<string, Row>,
  ) {}

  /** The cache for files under `root`, kept in `cacheDir`. */
  static open(cacheDir: string, root: string): StatCache {
    const file = path.join(cacheDir, `${createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 32)}.json`);
    let rows = new Map<string, Row>();
    try {
      rows = new Map(Object.entries(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Row>));
    } catch {
      // First build of this context, or an unreadable cache: start empty.
    }
    return new StatCache(file, rows);
  }

  /** The sha256 (hex) of a file's content, reading it only when stat says it may have changed. */
  hash(abs: string, st: fs.BigIntStats): string {
    const row = this.rows.get(abs);
    const mtime = String(st.mtimeNs);
    const ctime = String(st.ctimeNs);
    const ino = String(st.ino);
    if (row && row[0] === Number(st.size) && row[1] === mtime && row[2] === ctime && row[3] === ino) return row[4];
    const sha = createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
    this.rows.set(abs, [Number(st.size), mtime, ctime, ino, sha]);
    this.dirty = true;
    return sha;
  }

  /** Writes the cache back if it learned anything (atomically: a killed build leaves the old one). */
  save(): void {
    if (!this.dirty) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(Object.fromEntries(this.rows)));
    fs.renameSync(temp, this.file);
    this.dirty = false;
  }
}
