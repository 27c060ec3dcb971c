import * as fs from 'node:fs';
import * as path from 'node:path';

const DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The absolute path of a host program, or undefined when it is not installed. */
export function findHostBinary(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':').filter(Boolean), ...DIRS]) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // Next folder.
    }
  }
  return undefined;
}

/** The absolute path of a host program, or the bare name (to fail later with a clear error). */
export function hostBinary(name: string): string {
  return findHostBinary(name) ?? name;
}
