/** One process to run in a root filesystem, isolated from the host. */
export interface RunSpec {
  rootfs: string;
  argv: string[];
  /** The complete environment, `K=V`. */
  env: string[];
  cwd: string;
  uid: number;
  gid: number;
  network: 'none' | 'host';
  /** Host files bind-mounted over /etc/hosts and /etc/resolv.conf. */
  hostsFile: string;
  resolvConfFile: string;
  /** Extra mounts (RUN --mount); `target` is already resolved to a host path inside the root. */
  mounts: { kind: 'bind' | 'tmpfs'; source?: string; target: string; readonly: boolean }[];
  signal?: AbortSignal;
  onOutput: (text: string, stream: 'stdout' | 'stderr') => void;
}

export interface Sandbox {
  readonly name: 'chroot' | 'bubblewrap';
  /** Runs the process; resolves to its exit status (128+n for a signal). */
  run(spec: RunSpec): Promise<number>;
}
