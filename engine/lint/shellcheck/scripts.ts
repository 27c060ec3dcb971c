import type { Dockerfile, Instruction } from '../../dockerfile/types';
import { runInfos, type RunScript } from '../shell/run-scripts';

/** A RUN script as ShellCheck gets it: its shell, the variables it may use, and its text. */
export interface CheckedScript {
  script: RunScript;
  instruction: Instruction;
  /** The interpreter for the `#!` line (`/bin/sh`, `/bin/bash`...). */
  shell: string;
  /** ARG and ENV names set before it in its stage, plus the proxy variables Docker predefines. */
  variables: string[];
}

/** Docker's predefined proxy build args, which hadolint tells ShellCheck about too. */
const PREDEFINED = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy'];
/** What ShellCheck reads; others (zsh, pwsh, cmd, python) are skipped as hadolint skips pwsh. */
const SHELL_PRAGMA = /^hadolint\s+shell\s*=\s*(\S+)\s*(?:#.*)?$/;
const SUPPORTED = /^(?:.*\/)?(?:sh|bash|dash|ksh|ash|busybox)$/;

/**
 * The scripts of shell-form RUNs and shell heredocs, with the SHELL, ARG and ENV in effect
 * where they run (reset at each FROM, as hadolint does). Scripts for shells ShellCheck
 * cannot read are left out.
 */
export function checkedScripts(dockerfile: Dockerfile): CheckedScript[] {
  const runs = new Map(runInfos(dockerfile).map((r) => [r.listed, r]));
  const out: CheckedScript[] = [];
  // `# hadolint shell=bash` declares the shell RUNs use where no SHELL instruction says.
  let defaultShell = '/bin/sh';
  let shell = defaultShell;
  let variables = new Set(PREDEFINED);
  for (const ins of dockerfile.instructions) {
    const pragma = ins.comments.map((c) => SHELL_PRAGMA.exec(c.trim())).find(Boolean);
    if (pragma) shell = defaultShell = pragma[1];
    if (ins.keyword === 'FROM') {
      shell = defaultShell;
      variables = new Set(PREDEFINED);
    } else if (ins.keyword === 'ARG' || ins.keyword === 'ENV') {
      ins.keyValues.forEach((kv) => variables.add(kv.key.value));
    } else if (ins.keyword === 'SHELL') {
      shell = ins.args[0]?.value ?? '/bin/sh';
    }
    const run = runs.get(ins);
    if (!run) continue;
    for (const script of run.scripts) {
      const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(script.text);
      // `#!/usr/bin/env bash` names the shell in its second word.
      const own = shebang ? (shebang[1].endsWith('/env') ? (shebang[2] ?? '') : shebang[1]) : shell;
      if (SUPPORTED.test(own)) out.push({ script, instruction: run.instruction, shell: own, variables: [...variables].filter((v) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) });
    }
  }
  return out;
}
