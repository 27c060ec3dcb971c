import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Instruction } from '../../dockerfile/types';
import type { Store } from '../../image/store';
import type { LayerEntry } from '../../layer/entry';
import { secureJoin } from '../../layer/secure-path';
import { diffSnapshots } from '../rootfs/diff';
import { Rootfs } from '../rootfs/rootfs';
import { withMountStubs } from '../run/mount-stubs';
import type { Sandbox } from '../run/sandbox';
import { resolveUser, userDatabaseFromRootfs } from '../run/users';
import { parseMount, resolveMounts, type MountSpec } from '../run/mounts';
import { DEFAULT_PATH, type StageState } from '../stage-state';
import type { StepContext } from './step-context';

/** /etc/hosts inside the sandbox. */
export const HOSTS = '127.0.0.1\tlocalhost buildkitsandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n';

export interface RunOutcome {
  entries: LayerEntry[];
  /** The command as BuildKit writes it into history (`|1 A=b /bin/sh -c ...`). */
  history: string;
}

/**
 * RUN: executes the command in the stage's root filesystem inside the sandbox and returns
 * what it changed as layer entries. The host filesystem is invisible to the command;
 * /etc/hosts and /etc/resolv.conf are provided for the run and left out of the layer.
 */
/** What a RUN can reach beyond its stage: mount sources, secrets, the ssh agent. */
export interface RunResources {
  /** The folder a bind mount reads: the context, or with from= a stage or image, unpacked. */
  mountRoot(from: string | undefined): Promise<string>;
  secrets: Record<string, string>;
  sshSocket: string | undefined;
}

export async function runStep(ins: Instruction, state: StageState, ctx: StepContext, store: Store, sandbox: Sandbox, resources: RunResources, log: (line: string) => void): Promise<RunOutcome> {
  checkFlags(ins, ctx);
  const specs = mountSpecs(ins, ctx);
  state.rootfs ??= await Rootfs.create(store, state.layers);
  const rootfs = state.rootfs;
  const cfg = state.config.config;
  const argv = commandLine(ins, cfg.Shell ?? ['/bin/sh', '-c']);
  const user = resolveUser(userDatabaseFromRootfs(rootfs.dir), cfg.User ?? '');
  const roots = new Map<string | undefined, string>();
  for (const spec of specs) if (spec.type === 'bind' && !roots.has(spec.from)) roots.set(spec.from, await resources.mountRoot(spec.from));
  let resolved: ReturnType<typeof resolveMounts>;
  try {
    resolved = resolveMounts(specs, { storeDir: store.dir, workDir: ctx.workDir, bindRoot: (s) => roots.get(s.from)!, secrets: resources.secrets, sshSocket: resources.sshSocket });
  } catch (e) {
    throw ctx.fail(ins, (e as Error).message);
  }
  const env = [...runEnv(cfg.Env ?? [], state.vars.declaredArgs(), user.home), ...resolved.env];
  const cwd = cfg.WorkingDir || '/';
  const network = ins.flags.find((f) => f.name === 'network')?.value === 'none' ? 'none' : 'host';
  checkExecutable(rootfs.dir, argv[0], env, cwd, ins, ctx);
  const before = rootfs.snapshot();
  // The working directory is created if missing, as runc does (and it stays in the layer).
  const cwdAbs = secureJoin(rootfs.dir, cwd);
  if (!fs.existsSync(cwdAbs)) fs.mkdirSync(cwdAbs, { recursive: true, mode: 0o755 });
  const side = fs.mkdtempSync(path.join(path.dirname(rootfs.dir), 'run-'));
  try {
    const hostsFile = path.join(side, 'hosts');
    const resolvConfFile = path.join(side, 'resolv.conf');
    fs.writeFileSync(hostsFile, HOSTS);
    fs.writeFileSync(resolvConfFile, hostResolvConf());
    const script = scriptFile(ins, rootfs.dir);
    const stubs = [
      { path: '/proc', kind: 'dir' as const },
      { path: '/dev', kind: 'dir' as const },
      { path: '/etc/hosts', kind: 'file' as const },
      { path: '/etc/resolv.conf', kind: 'file' as const },
      ...(script ? [{ path: script.path, kind: 'file' as const }] : []),
      ...resolved.mounts.map((m) => ({ path: path.posix.resolve(cwd, m.target), kind: m.file ? ('file' as const) : ('dir' as const) })),
    ];
    let pending = '';
    const code = await withMountStubs(rootfs.dir, stubs, async () => {
      if (script) {
        fs.writeFileSync(secureJoin(rootfs.dir, script.path), script.content, { mode: 0o755 });
        fs.chmodSync(secureJoin(rootfs.dir, script.path), 0o755);
      }
      return sandbox.run({
        rootfs: rootfs.dir,
        argv: script ? [script.path] : argv,
        env,
        cwd,
        uid: user.uid,
        gid: user.gid,
        network,
        hostsFile,
        resolvConfFile,
        mounts: resolved.mounts.map((m) => ({ ...m, target: secureJoin(rootfs.dir, path.posix.resolve(cwd, m.target)) })),
        signal: ctx.signal,
        onOutput: (text) => {
          pending += text;
          const lines = pending.split('\n');
          pending = lines.pop()!;
          for (const l of lines) log(l);
        },
      });
    });
    if (pending) log(pending);
    if (code !== 0) {
      throw ctx.fail(ins, `process "${argv.join(' ')}" did not complete successfully: exit code: ${code}`);
    }
  } finally {
    fs.rmSync(side, { recursive: true, force: true });
  }
  const after = rootfs.refresh();
  return { entries: diffSnapshots(before, after, rootfs.dir), history: runHistory(argv, state) };
}

// Says up front, in runc's words, when the program to run is not in the image (RUN on scratch).
function checkExecutable(root: string, program: string, env: string[], cwd: string, ins: Instruction, ctx: StepContext): void {
  if (program.includes('/')) {
    const abs = secureJoin(root, path.posix.resolve(cwd, program));
    if (!fs.existsSync(abs)) throw ctx.fail(ins, `exec: "${program}": stat ${program}: no such file or directory`);
    return;
  }
  const PATH = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '';
  const found = PATH.split(':').some((dir) => dir && fs.existsSync(secureJoin(root, path.posix.join(dir, program))));
  if (!found) throw ctx.fail(ins, `exec: "${program}": executable file not found in $PATH`);
}

function checkFlags(ins: Instruction, ctx: StepContext): void {
  for (const f of ins.flags) {
    if (f.name === 'network') {
      if (!['none', 'default', 'host'].includes(f.value ?? '')) throw ctx.fail(ins, `unsupported network mode ${f.value}`);
      continue;
    }
    if (f.name === 'mount') continue;
    throw ctx.fail(ins, `--${f.name} is not supported by the embedded builder yet`);
  }
}

function mountSpecs(ins: Instruction, ctx: StepContext): MountSpec[] {
  return ins.flags
    .filter((f) => f.name === 'mount')
    .map((f) => {
      try {
        return parseMount(f.value ?? '');
      } catch (e) {
        throw ctx.fail(ins, `--mount=${f.value}: ${(e as Error).message}`);
      }
    });
}

/** The exec form as written, or the stage's SHELL around the shell form (heredocs included). */
function commandLine(ins: Instruction, shell: string[]): string[] {
  if (ins.json) return ins.args.map((a) => a.value);
  if (ins.heredocs.length === 0) return [...shell, ins.argsText];
  const onlyHeredoc = ins.heredocs.length === 1 && /^\d*<<-?\S+$/.test(ins.argsText.trim());
  const body = (i: number) => (ins.heredocs[i].chomp ? ins.heredocs[i].content.replace(/^\t+/gm, '') : ins.heredocs[i].content);
  if (onlyHeredoc) return [...shell, body(0)];
  // Heredocs feeding commands: hand the shell the whole script, which it parses natively.
  const script = [ins.argsText, ...ins.heredocs.map((h) => `${h.content}${h.name}`)].join('\n');
  return [...shell, script];
}

// `RUN <<EOF` whose body starts with #! runs the body as a program of its own.
function scriptFile(ins: Instruction, _root: string): { path: string; content: string } | undefined {
  if (ins.json || ins.heredocs.length !== 1 || !/^\d*<<-?\S+$/.test(ins.argsText.trim())) return undefined;
  const h = ins.heredocs[0];
  const content = h.chomp ? h.content.replace(/^\t+/gm, '') : h.content;
  if (!content.startsWith('#!')) return undefined;
  return { path: `/.layerwise-heredoc-${randomBytes(6).toString('hex')}`, content };
}

function runEnv(env: string[], args: [string, string | undefined][], home: string): string[] {
  const out = [...env];
  const has = (name: string) => out.some((e) => e.startsWith(`${name}=`));
  for (const [k, v] of args) if (v !== undefined && !has(k)) out.push(`${k}=${v}`);
  if (!has('PATH')) out.unshift(DEFAULT_PATH);
  if (!has('HOME')) out.push(`HOME=${home}`);
  return out;
}

/** The host's resolv.conf as the sandbox can use it (a loopback resolver replaced). */
export function hostResolvConf(): string {
  try {
    const text = fs.readFileSync('/etc/resolv.conf', 'utf8');
    // A loopback resolver on the host is unreachable from a separate network namespace.
    return /nameserver\s+127\./.test(text) ? 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n' : text;
  } catch {
    return '';
  }
}

/** BuildKit's runCommandString: declared ARGs prefixed as `|N K=V ...`. */
function runHistory(argv: string[], state: StageState): string {
  const args = state.vars.declaredArgs();
  const value = (k: string, v: string | undefined) => state.vars.get(k) ?? v ?? '';
  const prefix = args.length > 0 ? `|${args.length} ${args.map(([k, v]) => `${k}=${value(k, v)}`).join(' ')} ` : '';
  return `RUN ${prefix}${argv.join(' ')}`;
}
