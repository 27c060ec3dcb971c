import { findHostBinary, hostBinary } from './host-binaries';
import type { RunSpec, Sandbox } from './sandbox';
import { spawnSandboxed } from './spawn-sandboxed';

// Runs on the host inside fresh mount/pid/uts/ipc (and net) namespaces: mounts /proc, a
// minimal /dev and the hosts/resolv.conf files into the rootfs, then chroots, changes to the
// working directory, drops to the user and runs the command with exactly the given env.
const SCRIPT = `set -e
R="$1"; HOSTS="$2"; RESOLV="$3"; CWD="$4"; U="$5"; G="$6"; N="$7"; M="$8"; shift 8
mount --make-rprivate /
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
mount -t tmpfs -o mode=755,size=65536k,nosuid tmpfs "$R/dev"
for d in null zero full random urandom tty; do : > "$R/dev/$d"; mount --bind "/dev/$d" "$R/dev/$d"; done
mkdir "$R/dev/shm" "$R/dev/pts"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/dev/shm"
ln -s /proc/self/fd "$R/dev/fd"; ln -s /proc/self/fd/0 "$R/dev/stdin"; ln -s /proc/self/fd/1 "$R/dev/stdout"; ln -s /proc/self/fd/2 "$R/dev/stderr"
mount --bind -o ro "$HOSTS" "$R/etc/hosts"
mount --bind -o ro "$RESOLV" "$R/etc/resolv.conf"
hostname buildkitsandbox
i=0
while [ "$i" -lt "$M" ]; do
  K="$1"; S="$2"; T="$3"; O="$4"; shift 4
  if [ "$K" = tmpfs ]; then mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$T"
  else mount --bind "$S" "$T"; if [ "$O" = ro ]; then mount -o remount,bind,ro "$T"; fi
  fi
  i=$((i+1))
done
# "$@" is now the N environment assignments, then the command that enters the root.
exec env -i "$@"
`;

/** As root: namespaces (unshare) + chroot, the way runc isolates a build step, without a daemon. */
export const chrootSandbox: Sandbox = {
  name: 'chroot',
  run(spec: RunSpec): Promise<number> {
    const ns = ['--mount', '--uts', '--ipc', '--pid', '--fork', '--kill-child', ...(spec.network === 'none' ? ['--net'] : [])];
    // After the env assignments, env(1) runs unshare(1) again to enter the root and drop privileges.
    const tail = [hostBinary('unshare'), `--root=${spec.rootfs}`, `--wd=${spec.cwd}`, '--setgid', String(spec.gid), '--setuid', String(spec.uid), '--', ...spec.argv];
    const args = [...ns, 'sh', '-c', SCRIPT, 'layerwise-run', spec.rootfs, spec.hostsFile, spec.resolvConfFile, spec.cwd, String(spec.uid), String(spec.gid), String(spec.env.length), String(spec.mounts.length), ...spec.mounts.flatMap((m) => [m.kind, m.source ?? '-', m.target, m.readonly ? 'ro' : 'rw']), ...spec.env, ...tail];
    // setpriv's parent-death signal kills unshare if this process dies (kill -9 included), and
    // unshare's --kill-child then takes the whole PID namespace: nothing outlives its build.
    const setpriv = findHostBinary('setpriv');
    return setpriv ? spawnSandboxed(setpriv, ['--pdeathsig', 'KILL', '--', hostBinary('unshare'), ...args], spec) : spawnSandboxed('unshare', args, spec);
  },
};
