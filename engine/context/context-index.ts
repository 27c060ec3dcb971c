import * as fs from 'node:fs';
import * as path from 'node:path';
import { PatternMatcher } from './dockerignore';
import { gitIndexModes } from './git-modes';

export interface ContextFile {
  /** Path relative to the context root, forward slashes. */
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** Permission bits on disk. */
  mode: number;
  size: number;
  /** Permission bits in git's index, when the file is tracked. */
  gitMode?: number;
}

/**
 * What lint rules and the builder know of a build context: file types, modes and sizes,
 * with git's index modes beside the disk's. Stat results are cached for the index's life;
 * make a new index when the context may have changed.
 */
export class ContextIndex {
  private matcher: PatternMatcher | null | undefined;

  private constructor(
    readonly root: string,
    private readonly gitModes: Map<string, number>,
    /** The .dockerignore patterns that apply (see withDockerignore); undefined when not loaded. */
    readonly dockerignore?: readonly string[],
    private readonly cache = new Map<string, ContextFile | undefined>(),
  ) {}

  /** The same index (sharing its stat cache) with the .dockerignore patterns of one Dockerfile's build. */
  withDockerignore(patterns: readonly string[] | undefined): ContextIndex {
    return new ContextIndex(this.root, this.gitModes, patterns, this.cache);
  }

  /** Docker's matcher for the .dockerignore patterns; undefined when there are none or they are malformed (the build fails on those). */
  ignoreMatcher(): PatternMatcher | undefined {
    if (this.matcher === undefined) {
      try {
        this.matcher = this.dockerignore && this.dockerignore.length > 0 ? new PatternMatcher([...this.dockerignore]) : null;
      } catch {
        this.matcher = null;
      }
    }
    return this.matcher ?? undefined;
  }

  /** Indexes the context folder `root` (reads git's index once). */
  static async open(root: string): Promise<ContextIndex> {
    const abs = path.resolve(root);
    return new ContextIndex(abs, await gitIndexModes(abs));
  }

  /** An index that knows only the disk (tests, or contexts outside git). */
  static withoutGit(root: string): ContextIndex {
    return new ContextIndex(path.resolve(root), new Map());
  }

  /** The file at a context-relative path, or undefined when it does not exist or leaves the context. */
  stat(relPath: string): ContextFile | undefined {
    const rel = normalizeContextPath(relPath);
    if (rel === undefined) return undefined;
    if (this.cache.has(rel)) return this.cache.get(rel);
    let file: ContextFile | undefined;
    try {
      const st = fs.lstatSync(path.join(this.root, rel));
      const type = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : 'other';
      const git = this.gitModes.get(rel);
      file = { path: rel, type, mode: st.mode & 0o7777, size: st.size, gitMode: git === undefined ? undefined : git & 0o7777 };
    } catch {
      file = undefined;
    }
    this.cache.set(rel, file);
    return file;
  }

  /** Names in a context directory, sorted; [] when it is not one. */
  list(relDir: string): string[] {
    const rel = normalizeContextPath(relDir);
    if (rel === undefined) return [];
    try {
      return fs.readdirSync(path.join(this.root, rel)).sort();
    } catch {
      return [];
    }
  }

  /** The first bytes of a context file (for shebangs), or undefined. */
  head(relPath: string, bytes = 256): Buffer | undefined {
    const rel = normalizeContextPath(relPath);
    if (rel === undefined) return undefined;
    let fd: number | undefined;
    try {
      fd = fs.openSync(path.join(this.root, rel), 'r');
      const buf = Buffer.alloc(bytes);
      return buf.subarray(0, fs.readSync(fd, buf, 0, bytes, 0));
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
}

/**
 * Cleans a COPY source path the way Docker does: relative to the context root, `..` cannot
 * climb above it. Returns '.' for the root itself.
 */
export function normalizeContextPath(p: string): string | undefined {
  const cleaned = path.posix.normalize('/' + p.replace(/\\/g, '/')).replace(/^\/+/, '');
  return cleaned === '' ? '.' : cleaned.replace(/\/+$/, '');
}

/** Whether a context file is executable on disk and, when git tracks it, in git's index (what CI checks out). */
export function executeBits(file: ContextFile): { disk: boolean; git: boolean | undefined } {
  return { disk: (file.mode & 0o111) !== 0, git: file.gitMode === undefined ? undefined : (file.gitMode & 0o111) !== 0 };
}
