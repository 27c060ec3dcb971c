/**
 * What common base images have, known offline: enough to say "busybox has no /bin/bash"
 * before anything is pulled. `paths` lists programs present; anything else in `probe` is
 * known absent. Checked against the images' published contents (Dec 2026).
 */
export interface KnownBase {
  /** Repository names (normalized path, without tag) this entry covers. */
  match: RegExp;
  label: string;
  present: string[];
}

/** Interpreters and tools scripts name in shebangs; a known base either has them or not. */
export const PROBED = [
  '/bin/sh',
  '/bin/bash',
  '/bin/ash',
  '/bin/dash',
  '/bin/zsh',
  '/usr/bin/env',
  '/usr/bin/bash',
  '/usr/bin/python3',
  '/usr/bin/python',
  '/usr/local/bin/python3',
  '/usr/local/bin/python',
  '/usr/bin/perl',
  '/usr/local/bin/node',
  '/usr/bin/node',
];

export const KNOWN_BASES: KnownBase[] = [
  { match: /^library\/scratch$/, label: 'scratch', present: [] },
  { match: /^library\/busybox$/, label: 'busybox', present: ['/bin/sh', '/bin/ash', '/usr/bin/env'] },
  { match: /^library\/alpine$/, label: 'alpine', present: ['/bin/sh', '/bin/ash', '/usr/bin/env'] },
  { match: /^(distroless\/(static|base|cc)[^/]*|.*\/distroless\/(static|base|cc)[^/]*)$/, label: 'distroless', present: [] },
  { match: /^library\/(debian|ubuntu)$/, label: 'debian/ubuntu', present: ['/bin/sh', '/bin/bash', '/bin/dash', '/usr/bin/env', '/usr/bin/bash', '/usr/bin/perl'] },
  {
    match: /^library\/python$/,
    label: 'python',
    present: ['/bin/sh', '/bin/bash', '/bin/dash', '/usr/bin/env', '/usr/bin/bash', '/usr/local/bin/python3', '/usr/local/bin/python', '/usr/bin/perl'],
  },
  { match: /^library\/node$/, label: 'node', present: ['/bin/sh', '/bin/bash', '/bin/dash', '/usr/bin/env', '/usr/bin/bash', '/usr/local/bin/node', '/usr/bin/perl'] },
];
