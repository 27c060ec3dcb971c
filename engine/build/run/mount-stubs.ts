import * as fs from 'node:fs';
import * as path from 'node:path';
import { secureJoin } from '../../layer/secure-path';

export interface Stub {
  path: string;
  kind: 'dir' | 'file';
}

/**
 * Creates the mount points a sandbox needs (/proc, /dev, /etc/hosts...) where the image lacks
 * them, runs `fn`, then removes exactly what it created and restores the parent folders'
 * times, so the step's layer holds only what the command changed (BuildKit does the same).
 */
export async function withMountStubs<T>(root: string, stubs: Stub[], fn: () => Promise<T>): Promise<T> {
  const created: string[] = [];
  const times = new Map<string, fs.Stats>();
  const remember = (dir: string) => {
    if (!times.has(dir)) times.set(dir, fs.lstatSync(dir));
  };
  try {
    for (const stub of stubs) {
      const abs = secureJoin(root, stub.path);
      if (fs.existsSync(abs)) continue;
      const missing: string[] = [];
      for (let p = abs; !fs.existsSync(p); p = path.dirname(p)) missing.unshift(p);
      remember(path.dirname(missing[0]));
      for (const [i, p] of missing.entries()) {
        const last = i === missing.length - 1;
        if (last && stub.kind === 'file') fs.writeFileSync(p, '');
        else fs.mkdirSync(p, { mode: 0o755 });
        created.push(p);
      }
    }
    return await fn();
  } finally {
    for (const p of created.reverse()) fs.rmSync(p, { recursive: true, force: true });
    for (const [dir, st] of times) fs.utimesSync(dir, st.atime, st.mtime);
  }
}
