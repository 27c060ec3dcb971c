import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { build } from '../../engine/build/builder';
import { selectSandbox } from '../../engine/build/run/select-sandbox';
import type { Store } from '../../engine/image/store';
import { tempDir } from './fixtures';

/** Debian's busybox-static binary, when installed. */
export function busyboxBinary(): string | undefined {
  for (const p of ['/bin/busybox', '/usr/bin/busybox']) {
    try {
      if (execFileSync('file', ['-L', p], { encoding: 'utf8' }).includes('statically linked')) return p;
    } catch {
      // Not there, or no file(1).
    }
  }
  return undefined;
}

/**
 * A busybox base image made from Debian's busybox-static (no registry needed): /bin/busybox,
 * a link per applet, /etc/passwd and /etc/group with root and nobody, /tmp. Built into the
 * store by our own builder and tagged `tag`.
 */
export async function makeBusyboxImage(store: Store, tag = 'busybox:latest'): Promise<string> {
  const binary = busyboxBinary();
  if (!binary) throw new Error('busybox-static is not installed (apt-get install busybox-static)');
  const ctx = tempDir('layerwise-busybox-');
  const root = path.join(ctx, 'rootfs');
  fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
  fs.copyFileSync(binary, path.join(root, 'bin', 'busybox'));
  fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
  const applets = execFileSync(binary, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox');
  for (const a of applets) fs.symlinkSync('busybox', path.join(root, 'bin', a));
  fs.mkdirSync(path.join(root, 'etc'));
  fs.writeFileSync(path.join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\napp:x:1000:1000:app:/home/app:/bin/sh\n');
  fs.writeFileSync(path.join(root, 'etc', 'group'), 'root:x:0:\nnobody:x:65534:\napp:x:1000:\n');
  fs.mkdirSync(path.join(root, 'root'), { mode: 0o700 });
  fs.mkdirSync(path.join(root, 'tmp'));
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  for (const f of walk(ctx)) fs.lutimesSync(f, 1700000000, 1700000000);
  fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY rootfs/ /\nCMD ["sh"]\n');
  const { image } = await build({ context: ctx, store, tag, sourceDateEpoch: 1700000000 });
  return image.digest;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? [...walk(p), p] : [p];
  });
}

/** Why RUN tests cannot run here (no busybox-static, no sandbox), or undefined when they can. */
export function runSkipReason(): string | undefined {
  if (!busyboxBinary()) return 'busybox-static is not installed (apt-get install busybox-static)';
  try {
    selectSandbox();
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}
