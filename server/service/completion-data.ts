/** What completion offers for flags and their values, after Docker's Dockerfile reference. */

/** A flag of an instruction, as completion and hover present it. */
export interface FlagInfo {
  name: string;
  doc: string;
  /** Fixed values to offer after `=`. */
  values?: string[];
  /** May be given more than once (`--mount`, `--exclude`). */
  repeatable?: boolean;
  /** A bare flag (`--link`), no `=value` needed. */
  bare?: boolean;
}

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/386', 'linux/ppc64le', 'linux/s390x', 'linux/riscv64', '$BUILDPLATFORM', '$TARGETPLATFORM'];

/** Flags each instruction accepts. */
export const FLAGS: Record<string, FlagInfo[]> = {
  FROM: [{ name: 'platform', doc: 'Platform of the base image (`linux/arm64`, `$BUILDPLATFORM`).', values: PLATFORMS }],
  RUN: [
    { name: 'mount', doc: 'Mounts a cache, bind, tmpfs, secret or ssh agent for this RUN only (not in the layer).', repeatable: true },
    { name: 'network', doc: 'Network for the command: `default`, `none` (no network) or `host`.', values: ['default', 'none', 'host'] },
    { name: 'security', doc: '`insecure` runs the command with extra privileges (needs an entitlement); `sandbox` is the default.', values: ['sandbox', 'insecure'] },
  ],
  COPY: [
    { name: 'from', doc: 'Copy from an earlier stage (name or index) or an image instead of the build context.' },
    { name: 'chown', doc: 'Owner of the copied files: `user`, `uid`, `user:group`, `uid:gid`.' },
    { name: 'chmod', doc: 'Permissions of the copied files (`755`, `u=rwx,go=rx`).', values: ['755', '644', '700', '600', '+x'] },
    { name: 'link', doc: 'Copy into an independent layer that does not depend on the layers below (rebases without rebuilding).', bare: true, values: ['true', 'false'] },
    { name: 'parents', doc: 'Keep the source paths\' parent folders at the destination.', bare: true, values: ['true', 'false'] },
    { name: 'exclude', doc: 'Leave out paths matching this pattern.', repeatable: true },
  ],
  ADD: [
    { name: 'chown', doc: 'Owner of the added files: `user`, `uid`, `user:group`, `uid:gid`.' },
    { name: 'chmod', doc: 'Permissions of the added files (`755`, `u=rwx,go=rx`).', values: ['755', '644', '700', '600'] },
    { name: 'checksum', doc: 'Expected digest of a URL source (`sha256:...`): the build fails when the download differs.' },
    { name: 'link', doc: 'Add into an independent layer that does not depend on the layers below.', bare: true, values: ['true', 'false'] },
    { name: 'keep-git-dir', doc: 'Keep the `.git` folder when adding a Git repository.', bare: true, values: ['true', 'false'] },
    { name: 'exclude', doc: 'Leave out paths matching this pattern.', repeatable: true },
  ],
  HEALTHCHECK: [
    { name: 'interval', doc: 'Time between checks (default 30s).', values: ['30s', '1m'] },
    { name: 'timeout', doc: 'A check taking longer fails (default 30s).', values: ['10s', '30s'] },
    { name: 'start-period', doc: 'Failures during this start-up time do not count (default 0s).', values: ['5s', '30s'] },
    { name: 'start-interval', doc: 'Time between checks during the start period (default 5s).', values: ['5s'] },
    { name: 'retries', doc: 'Consecutive failures before the container is unhealthy (default 3).', values: ['3'] },
  ],
};

/** A field of RUN --mount for one mount type. */
export interface MountOption {
  key: string;
  doc: string;
  values?: string[];
  /** A bare word (`readonly`), not `key=value`. */
  bare?: boolean;
}

const TARGET: MountOption = { key: 'target', doc: 'Where it is mounted in the container (also `dst`, `destination`).' };
const ID_OWNER: MountOption[] = [
  { key: 'mode', doc: 'File mode of the mount (octal).', values: ['0755', '0700', '0400'] },
  { key: 'uid', doc: 'User ID owning the mount.', values: ['0'] },
  { key: 'gid', doc: 'Group ID owning the mount.', values: ['0'] },
];

/** RUN --mount fields by mount type (BuildKit's runmount.go). */
export const MOUNT_OPTIONS: Record<string, MountOption[]> = {
  bind: [
    TARGET,
    { key: 'source', doc: 'Path in the `from` stage or image, or in the context (default its root).' },
    { key: 'from', doc: 'Stage or image to mount from (default the build context).' },
    { key: 'readwrite', doc: 'Allow writes; they are discarded after the RUN (also `rw`).', bare: true },
  ],
  cache: [
    TARGET,
    { key: 'id', doc: 'Cache name (default the target path).' },
    { key: 'sharing', doc: 'How concurrent builds share it: `shared`, `private` or `locked`.', values: ['shared', 'private', 'locked'] },
    { key: 'readonly', doc: 'Mount it read-only (also `ro`).', bare: true },
    { key: 'from', doc: 'Stage or image whose content seeds the cache.' },
    { key: 'source', doc: 'Path in `from` that seeds the cache.' },
    ...ID_OWNER,
  ],
  tmpfs: [TARGET, { key: 'size', doc: 'Size limit of the tmpfs (bytes, or with a unit: `64m`).' }],
  secret: [
    { key: 'id', doc: 'The secret\'s ID (`--secret id=...`); default the target file name.' },
    { key: 'target', doc: 'Where the secret file appears (default `/run/secrets/<id>`).' },
    { key: 'env', doc: 'Expose the secret as this environment variable instead of a file.' },
    { key: 'required', doc: 'Fail when the secret is not given (default false).', values: ['true', 'false'] },
    ...ID_OWNER,
  ],
  ssh: [
    { key: 'id', doc: 'The SSH agent socket or key ID (`--ssh id=...`); default `default`.' },
    { key: 'target', doc: 'Socket path in the container (default `/run/buildkit/ssh_agent.${N}`).' },
    { key: 'required', doc: 'Fail when no SSH agent is given (default false).', values: ['true', 'false'] },
    ...ID_OWNER,
  ],
};

/** Mount types with what each is for. */
export const MOUNT_TYPES: Record<string, string> = {
  bind: 'Mount a folder of the context, a stage or an image, read-only by default (the default type).',
  cache: 'A persistent cache folder shared between builds (package manager caches).',
  tmpfs: 'An empty in-memory folder.',
  secret: 'A secret file (or variable) that never lands in a layer.',
  ssh: 'The SSH agent socket, for `git clone` of private repositories.',
};

/** Instructions ONBUILD may not wrap. */
export const NOT_IN_ONBUILD = new Set(['ONBUILD', 'FROM', 'MAINTAINER']);
