import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCsvRecord } from '../../dockerfile/csv';

/** One `RUN --mount=...` as written (after CSV parsing), BuildKit's field names and defaults. */
export interface MountSpec {
  type: 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
  target: string;
  source?: string;
  from?: string;
  id?: string;
  readonly: boolean;
  required: boolean;
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
}

/** What the sandbox mounts: a host path (or a tmpfs) at a path inside the root. */
export interface RunMount {
  kind: 'bind' | 'tmpfs';
  /** Host path for a bind mount. */
  source?: string;
  target: string;
  readonly: boolean;
  /** The mount point is a file (secrets, sockets), not a folder. */
  file: boolean;
}

const TYPES = new Set(['bind', 'cache', 'tmpfs', 'secret', 'ssh']);

/** Parses one --mount value; throws Error with a message naming the bad field. */
export function parseMount(value: string): MountSpec {
  const fields = readCsvRecord(value).map((f) => f.value);
  const kv = new Map<string, string>();
  for (const f of fields) {
    const eq = f.indexOf('=');
    const key = (eq < 0 ? f : f.slice(0, eq)).toLowerCase();
    kv.set(key, eq < 0 ? 'true' : f.slice(eq + 1));
  }
  const type = (kv.get('type') ?? 'bind') as MountSpec['type'];
  if (!TYPES.has(type)) throw new Error(`unsupported mount type "${type}"`);
  const target = kv.get('target') ?? kv.get('dst') ?? kv.get('destination');
  const id = kv.get('id');
  const bool = (k: string, dflt: boolean) => (kv.has(k) ? kv.get(k) !== 'false' : dflt);
  const num = (k: string, base = 10) => (kv.has(k) ? parseInt(kv.get(k)!, base) : undefined);
  const spec: MountSpec = {
    type,
    target: target ?? (type === 'secret' && id ? `/run/secrets/${id}` : type === 'ssh' ? '/run/buildkit/ssh_agent.0' : ''),
    source: kv.get('source') ?? kv.get('src'),
    from: kv.get('from'),
    id,
    readonly: kv.has('rw') || kv.has('readwrite') ? !bool(kv.has('rw') ? 'rw' : 'readwrite', true) : bool(kv.has('ro') ? 'ro' : 'readonly', type === 'bind' || type === 'secret' || type === 'ssh'),
    required: bool('required', false),
    mode: num('mode', 8),
    uid: num('uid'),
    gid: num('gid'),
    size: num('size'),
  };
  if (!spec.target) throw new Error(`mount type=${type} needs a target`);
  if (type === 'secret' && !spec.id && !spec.target) throw new Error('secret mount needs an id or a target');
  return spec;
}

/** The id of a cache mount (BuildKit: the id, else the target), as a safe folder name. */
export function cacheMountDir(storeDir: string, spec: MountSpec): string {
  const id = spec.id ?? spec.target;
  return path.join(storeDir, 'layerwise', 'cache-mounts', createHash('sha256').update(id).digest('hex').slice(0, 32));
}

/**
 * The host side of each mount: cache folders under the store (created with the asked owner and
 * mode), secrets from the build's --secret files, the ssh agent socket; a read-write bind gets
 * a private copy so the command cannot change the context.
 */
export function resolveMounts(
  specs: MountSpec[],
  opts: {
    storeDir: string;
    workDir: string;
    bindRoot: (spec: MountSpec) => string;
    secrets: Record<string, string>;
    sshSocket: string | undefined;
  },
): { mounts: RunMount[]; env: string[] } {
  const mounts: RunMount[] = [];
  const env: string[] = [];
  for (const [i, spec] of specs.entries()) {
    switch (spec.type) {
      case 'tmpfs':
        mounts.push({ kind: 'tmpfs', target: spec.target, readonly: false, file: false });
        break;
      case 'cache': {
        const dir = cacheMountDir(opts.storeDir, spec);
        if (!fs.existsSync(dir)) {
          fs.mkdirSync(dir, { recursive: true, mode: spec.mode ?? 0o755 });
          fs.chmodSync(dir, spec.mode ?? 0o755);
          if (process.getuid?.() === 0) fs.chownSync(dir, spec.uid ?? 0, spec.gid ?? 0);
        }
        mounts.push({ kind: 'bind', source: dir, target: spec.target, readonly: spec.readonly, file: false });
        break;
      }
      case 'bind': {
        const root = opts.bindRoot(spec);
        const source = path.join(root, path.posix.normalize('/' + (spec.source ?? '/')));
        if (!fs.existsSync(source)) throw new Error(`bind mount source "${spec.source ?? '/'}" does not exist`);
        let host = source;
        if (!spec.readonly) {
          host = path.join(opts.workDir, `bind-${i}-${Date.now()}`);
          fs.cpSync(source, host, { recursive: true, verbatimSymlinks: true });
        }
        mounts.push({ kind: 'bind', source: host, target: spec.target, readonly: spec.readonly, file: !fs.statSync(host).isDirectory() });
        break;
      }
      case 'secret': {
        const id = spec.id ?? path.posix.basename(spec.target);
        const file = opts.secrets[id];
        if (!file) {
          if (spec.required) throw new Error(`secret ${id} is required but was not given (--secret id=${id},src=FILE)`);
          break;
        }
        // A private copy with the asked mode: the command may not change the user's file.
        const copy = path.join(opts.workDir, `secret-${i}-${Date.now()}`);
        fs.copyFileSync(file, copy);
        fs.chmodSync(copy, spec.mode ?? 0o400);
        if (process.getuid?.() === 0) fs.chownSync(copy, spec.uid ?? 0, spec.gid ?? 0);
        mounts.push({ kind: 'bind', source: copy, target: spec.target, readonly: true, file: true });
        break;
      }
      case 'ssh': {
        if (!opts.sshSocket) {
          if (spec.required) throw new Error('mount type=ssh needs an SSH agent: set SSH_AUTH_SOCK or pass --ssh default=SOCKET');
          break;
        }
        mounts.push({ kind: 'bind', source: opts.sshSocket, target: spec.target, readonly: false, file: true });
        env.push(`SSH_AUTH_SOCK=${spec.target}`);
        break;
      }
    }
  }
  return { mounts, env };
}
