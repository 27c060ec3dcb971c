/** The fields of a source file's stat that say whether its content may have changed. */
export interface SourceStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

/** One filesystem change in a layer, as it is written to (or read from) the layer's tar. */
export interface LayerEntry {
  /** Absolute path in the image, no trailing slash: `/app/main.sh`. */
  path: string;
  type: EntryType;
  /** Permission bits, including setuid/setgid/sticky (0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch. */
  mtime: number;
  size: number;
  linkTarget?: string;
  /** Files: the host file holding the content (read when the layer is written). */
  sourcePath?: string;
  /** Files: the content itself, when it is not on disk (heredocs). */
  data?: Buffer;
  /** What stat said of the source file, so nobody has to stat it again. */
  sourceStat?: SourceStat;
}

/** A tar member name for an image path: relative, directories with a trailing slash. */
export function tarName(entry: Pick<LayerEntry, 'path' | 'type'>): string {
  const rel = entry.path.replace(/^\/+/, '');
  return entry.type === 'directory' ? `${rel}/` : rel;
}

/** The image path for a tar member name (`./a/b/` -> `/a/b`). */
export function imagePath(name: string): string {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  return '/' + parts.join('/');
}

/** Byte order of paths, so every writer emits entries in one reproducible order. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
