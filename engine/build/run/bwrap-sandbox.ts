import * as path from 'node:path';
import type { RunSpec, Sandbox } from './sandbox';
import { spawnSandboxed } from './spawn-sandboxed';

/**
 * Unprivileged: bubblewrap in a user namespace where the caller plays the step's user. Files
 * it creates belong to the caller on disk; the snapshot maps them back to root.
 */
export const bwrapSandbox: Sandbox = {
  name: 'bubblewrap',
  run(spec: RunSpec): Promise<number> {
    const env = spec.env.flatMap((e) => {
      const eq = e.indexOf('=');
      return ['--setenv', e.slice(0, eq), e.slice(eq + 1)];
    });
    const args = [
      '--unshare-all',
      ...(spec.network === 'host' ? ['--share-net'] : []),
      '--die-with-parent',
      '--unshare-user',
      '--uid', String(spec.uid),
      '--gid', String(spec.gid),
      '--bind', spec.rootfs, '/',
      '--proc', '/proc',
      '--dev', '/dev',
      '--ro-bind', spec.hostsFile, '/etc/hosts',
      '--ro-bind', spec.resolvConfFile, '/etc/resolv.conf',
      '--hostname', 'buildkitsandbox',
      ...spec.mounts.flatMap((m) => {
        const inside = '/' + path.relative(spec.rootfs, m.target);
        return m.kind === 'tmpfs' ? ['--tmpfs', inside] : [m.readonly ? '--ro-bind' : '--bind', m.source!, inside];
      }),
      '--chdir', spec.cwd,
      '--clearenv',
      ...env,
      '--',
      ...spec.argv,
    ];
    return spawnSandboxed('bwrap', args, spec);
  },
};
