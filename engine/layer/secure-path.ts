import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineError } from '../errors';

const MAX_LINKS = 255;

/**
 * Resolves an image path inside `root` the way the kernel would if `root` were `/`: `..`
 * stops at the root and symlinks (absolute or relative) are followed *within* the root.
 * The result always lies inside `root`, so a hostile layer cannot make us write elsewhere.
 * With `followLast` false the last component is not followed (to create, replace or lchown
 * the link itself).
 */
export function secureJoin(root: string, imagePath: string, followLast = true): string {
  const pending = imagePath.split('/').filter((p) => p !== '' && p !== '.');
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = path.join(root, ...resolved, part);
    const isLast = pending.length === 0;
    let target: string | undefined;
    if (!isLast || followLast) {
      try {
        if (fs.lstatSync(candidate).isSymbolicLink()) target = fs.readlinkSync(candidate);
      } catch {
        target = undefined;
      }
    }
    if (target === undefined) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw new EngineError('UNSUPPORTED', `too many levels of symbolic links resolving ${imagePath}`);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
  }
  return path.join(root, ...resolved);
}

/** A tar member name as a clean absolute image path; undefined for names that try to leave the root. */
export function cleanMemberPath(name: string): string | undefined {
  const parts: string[] = [];
  for (const p of name.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(p);
  }
  return '/' + parts.join('/');
}
