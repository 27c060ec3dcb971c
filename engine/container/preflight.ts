import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineError } from '../errors';
import { secureJoin } from '../layer/secure-path';

/** Who runs the program: execute permission depends on it. */
export interface Runner {
  uid: number;
  gid: number;
}

/**
 * Checks, before anything starts, what would make the container fail to start, and explains it
 * in Docker's words plus the reason: the program missing (`exec: "/x": stat /x: no such file or
 * directory`, `executable file not found in $PATH`), not executable (`exec: "/while.sh":
 * permission denied`), its `#!` interpreter or ELF loader missing (`exec /while.sh: no such file
 * or directory`), or neither a script nor a program (`exec format error`). Returns the program's
 * image path.
 */
export function preflight(root: string, argv: string[], env: string[], cwd: string, runner: Runner): string {
  const program = argv[0];
  const found = locate(root, program, env, cwd, runner);
  const host = secureJoin(root, found);
  const st = fs.statSync(host);
  if (st.isDirectory()) fail(`exec: "${program}": permission denied: ${found} is a directory`);
  if (!canExecute(st, runner)) {
    fail(`exec: "${program}": permission denied: ${found} has mode ${modeText(st.mode)} and no execute bit for uid ${runner.uid}. Add it in the Dockerfile (COPY --chmod=755, or RUN chmod +x ${found}).`);
  }
  const head = readHead(host);
  if (head.subarray(0, 2).toString('latin1') === '#!') checkInterpreter(root, found, head, runner);
  else if (head.subarray(0, 4).equals(ELF)) checkLoader(root, found, head);
  else fail(`exec ${found}: exec format error: it has no #! line and is not a program. Start it with #!/bin/sh (or run it as sh ${found}).`);
  return found;
}

const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** A container that cannot start; `exitStatus` is what docker run exits with (127: not found, 126: cannot be run). */
export class StartError extends EngineError {
  constructor(
    message: string,
    readonly exitStatus: 126 | 127,
  ) {
    super('START', message);
  }
}

function fail(message: string, exitStatus: 126 | 127 = 126): never {
  throw new StartError(message, exitStatus);
}

// Go's exec.LookPath as runc uses it: a name with a slash is a path, otherwise the first regular executable file on $PATH.
function locate(root: string, program: string, env: string[], cwd: string, runner: Runner): string {
  if (program.includes('/')) {
    const abs = path.posix.resolve(cwd, program);
    if (!exists(root, abs)) fail(`exec: "${program}": stat ${program}: no such file or directory`, 127);
    return abs;
  }
  const PATH = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '';
  for (const dir of PATH.split(':')) {
    if (!dir) continue;
    const candidate = path.posix.resolve(cwd, dir, program);
    if (!exists(root, candidate)) continue;
    const st = fs.statSync(secureJoin(root, candidate));
    if (st.isFile() && canExecute(st, runner)) return candidate;
  }
  fail(`exec: "${program}": executable file not found in $PATH (${PATH || 'empty'})`, 127);
}

function exists(root: string, imagePath: string): boolean {
  try {
    fs.statSync(secureJoin(root, imagePath));
    return true;
  } catch {
    return false;
  }
}

function canExecute(st: fs.Stats, runner: Runner): boolean {
  if (!st.isFile()) return false;
  // root may run anything with at least one execute bit.
  if (runner.uid === 0) return (st.mode & 0o111) !== 0;
  if (st.uid === runner.uid) return (st.mode & 0o100) !== 0;
  if (st.gid === runner.gid) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

function readHead(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    return buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0));
  } finally {
    fs.closeSync(fd);
  }
}

// The kernel runs "#!interp [arg]": the interpreter must exist and be executable.
function checkInterpreter(root: string, script: string, head: Buffer, runner: Runner): void {
  const line = head.toString('latin1').split('\n')[0].slice(2).replace(/^[ \t]+/, '');
  const interp = line.split(/[ \t]/)[0];
  if (interp.endsWith('\r')) {
    fail(`exec ${script}: no such file or directory: its #! line names "${interp.slice(0, -1)}\\r" (Windows line endings). Convert it to LF (dos2unix).`, 127);
  }
  if (!interp) fail(`exec ${script}: exec format error: its #! line names no interpreter`);
  if (!exists(root, interp)) fail(`exec ${script}: no such file or directory: its #! line names ${interp}, which is not in the image. Use an interpreter the image has (#!/bin/sh), or install ${path.posix.basename(interp)} first.`, 127);
  const st = fs.statSync(secureJoin(root, interp));
  if (!canExecute(st, runner)) fail(`exec ${script}: permission denied: its interpreter ${interp} is not executable`);
}

// A dynamically linked program needs its loader (PT_INTERP), e.g. a glibc binary on busybox or alpine.
function checkLoader(root: string, program: string, head: Buffer): void {
  const loader = elfInterpreter(head);
  if (loader && !exists(root, loader)) fail(`exec ${program}: no such file or directory: it is dynamically linked and its loader ${loader} is not in the image (built for another libc?).`, 127);
}

/** The PT_INTERP path of a 64- or 32-bit little-endian ELF, when the headers are in `head`. */
export function elfInterpreter(head: Buffer): string | undefined {
  if (head.length < 52 || head[5] !== 1) return undefined;
  const is64 = head[4] === 2;
  const phoff = is64 ? Number(head.readBigUInt64LE(32)) : head.readUInt32LE(28);
  const phentsize = head.readUInt16LE(is64 ? 54 : 42);
  const phnum = head.readUInt16LE(is64 ? 56 : 44);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + phentsize > head.length) return undefined;
    if (head.readUInt32LE(at) !== 3) continue;
    const offset = is64 ? Number(head.readBigUInt64LE(at + 8)) : head.readUInt32LE(at + 4);
    const size = is64 ? Number(head.readBigUInt64LE(at + 32)) : head.readUInt32LE(at + 16);
    if (offset + size > head.length) return undefined;
    return head.subarray(offset, offset + size).toString('latin1').replace(/\0+$/, '');
  }
  return undefined;
}

function modeText(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
