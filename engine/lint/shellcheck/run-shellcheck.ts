import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Dockerfile, Position } from '../../dockerfile/types';
import type { Finding, Fix, Severity } from '../types';
import { checkedScripts, type CheckedScript } from './scripts';

/** hadolint's exclusions: ash is checked as dash (SC2187); `source` needs a directive a Dockerfile cannot hold (SC1090). */
export const SHELLCHECK_EXCLUSIONS = ['SC2187', 'SC1090'];
const TIMEOUT_MS = 30_000;

interface Json1Comment {
  file: string;
  line: number;
  endLine: number;
  column: number;
  endColumn: number;
  level: string;
  code: number;
  message: string;
  fix: { replacements: { line: number; column: number; endLine: number; endColumn: number; replacement: string }[] } | null;
}

/** ShellCheck's verdict on one script file: its comments, positions relative to that file. */
type Verdict = Omit<Json1Comment, 'file'>[];

/**
 * Verdicts by the exact text ShellCheck was given (and its binary): in the editor, a change
 * to one RUN re-checks that RUN only. Bounded; the oldest entries go first.
 */
const verdicts = new Map<string, Verdict>();
const MAX_VERDICTS = 2000;

/** Forgets cached ShellCheck verdicts (for benchmarks and tests that time cold runs). */
export function clearShellcheckCache(): void {
  verdicts.clear();
}

/**
 * ShellCheck's findings for every shell-form RUN and shell heredoc of a Dockerfile, at
 * their exact Dockerfile positions (continuation lines included), with ShellCheck's fixes
 * as edits. Scripts not seen before are checked by one ShellCheck process for the whole
 * file. `shellcheckPath` '' looks it up on PATH, 'off' disables it; when it is not
 * installed, or the file has syntax errors, there are no findings.
 */
export async function shellcheckFindings(dockerfile: Dockerfile, shellcheckPath: string, signal?: AbortSignal): Promise<Finding[]> {
  // As the DL rules: a file with syntax errors gets only those (a cut heredoc is no script).
  if (shellcheckPath === 'off' || dockerfile.errors.length > 0) return [];
  const bin = shellcheckPath || 'shellcheck';
  const scripts = checkedScripts(dockerfile).map((s) => ({ s, ...scriptFile(s) }));
  const unseen = [...new Set(scripts.map((x) => x.text).filter((t) => !verdicts.has(bin + '\0' + t)))];
  if (unseen.length > 0) {
    const fresh = await check(bin, unseen, signal);
    if (!fresh) return [];
    unseen.forEach((text, i) => remember(bin + '\0' + text, fresh[i]));
  }
  const found = scripts.flatMap((x) => (verdicts.get(bin + '\0' + x.text) ?? []).map((c) => toFinding(c, x.s, x.header)));
  return found.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

function remember(key: string, verdict: Verdict): void {
  verdicts.delete(key);
  verdicts.set(key, verdict);
  if (verdicts.size > MAX_VERDICTS) verdicts.delete(verdicts.keys().next().value!);
}

// The file is `#!shell`, one `export NAME=1` per known variable, then the script; header is its line count.
function scriptFile(s: CheckedScript): { text: string; header: number } {
  const header = [`#!${s.shell}`, ...s.variables.map((v) => `export ${v}=1`)];
  // A script's own shebang moved to the top; its line is kept, blank, so lines still match.
  const body = s.script.text.startsWith('#!') ? s.script.text.replace(/^#![^\n]*/, '') : s.script.text;
  return { text: header.join('\n') + '\n' + body, header: header.length };
}

/** Runs one ShellCheck over these script texts; their verdicts in order, or undefined when ShellCheck is absent. */
async function check(bin: string, texts: string[], signal?: AbortSignal): Promise<Verdict[] | undefined> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'layerwise-shellcheck-'));
  try {
    const files = texts.map((_, i) => path.join(dir, `${i}.sh`));
    await Promise.all(texts.map((t, i) => fs.writeFile(files[i], t)));
    const stdout = await runShellcheck(bin, ['--norc', '--format=json1', `--exclude=${SHELLCHECK_EXCLUSIONS.join(',')}`, ...files], signal);
    if (stdout === undefined) return undefined;
    const out: Verdict[] = texts.map(() => []);
    for (const { file, ...c } of (JSON.parse(stdout) as { comments: Json1Comment[] }).comments) out[files.indexOf(file)]?.push(c);
    return out;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** stdout of shellcheck (exit 0 or 1), undefined when it is not installed. */
function runShellcheck(bin: string, args: string[], signal?: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { maxBuffer: 64 * 1024 * 1024, timeout: TIMEOUT_MS, signal }, (error, stdout, stderr) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT') return resolve(undefined);
      if (error && (error as { code?: unknown }).code !== 1) return reject(new Error(`shellcheck failed: ${stderr.trim() || error.message}`));
      resolve(stdout);
    });
  });
}

const LEVELS: Record<string, Severity> = { error: 'error', warning: 'warning', info: 'info', style: 'style' };

function toFinding(c: Verdict[number], s: CheckedScript, header: number): Finding {
  const lineStarts = [0];
  for (let i = 0; i < s.script.text.length; i++) if (s.script.text[i] === '\n') lineStarts.push(i + 1);
  // ShellCheck's json1 positions are 1-based, a tab counting as one column.
  const offset = (line: number, column: number) => {
    const l = Math.min(Math.max(line - 1 - header, 0), lineStarts.length - 1);
    return Math.min(lineStarts[l] + column - 1, s.script.text.length);
  };
  const at = (line: number, column: number): Position => s.script.range(offset(line, column), offset(line, column)).start;
  const range = s.script.range(offset(c.line, c.column), offset(c.endLine, c.endColumn));
  const fixes: Fix[] = c.fix
    ? [{ title: `Apply ShellCheck's fix for SC${c.code}`, edits: c.fix.replacements.map((r) => ({ range: { start: at(r.line, r.column), end: at(r.endLine, r.endColumn) }, newText: r.replacement })) }]
    : [];
  return { rule: `SC${c.code}`, severity: LEVELS[c.level] ?? 'error', range, message: c.message, fixes, related: [] };
}
