import { argsNoFlags, argValues, cmdHasArgs, hasAnyFlag, type ShellCommand } from '../../shell/commands';
import { runInfos, type RunInfo } from '../../shell/run-scripts';
import type { Rule } from '../../types';
import { commandRule, dlRule, hasCacheMount, insertAfterWord, renameCommand, runRule, stagesUsedAsBase, type DLMeta, type Hit } from './define';

/** The package arguments of `<tool> <verbs...>` commands, after flags and the values of `valueFlags`. */
function packagesOf(cmd: ShellCommand, tools: string[], verbs: string[], valueFlags: string[] = []): string[] {
  if (!cmdHasArgs(cmd, tools, verbs)) return [];
  return argsNoFlags(cmd, valueFlags).filter((a) => !verbs.includes(a));
}

/** Reports each install command with a package `pinned` rejects. */
function pinRule(meta: DLMeta, tool: string, packages: (cmd: ShellCommand) => string[], pinned: (pkg: string) => boolean): Rule {
  return commandRule(meta, tool, (cmd) => packages(cmd).some((p) => !pinned(p)));
}

/** Reports a RUN that installs with a tool but does not clean its cache in the same RUN (a cache mount counts as clean). */
function cleanRule(meta: DLMeta, installs: (c: ShellCommand) => boolean, cleans: (c: ShellCommand) => boolean, cacheDirs: string[], cleanMustFollow = false): Rule {
  return runRule(meta, (run) => {
    const install = run.commands.findIndex(installs);
    if (install < 0 || hasCacheMount(run.instruction, cacheDirs)) return [];
    const clean = run.commands.findIndex(cleans);
    const ok = clean >= 0 && (!cleanMustFollow || clean > install);
    return ok ? [] : [run.commands[install].range];
  });
}

const aptInstall = (c: ShellCommand) => cmdHasArgs(c, 'apt-get', ['install']);

export const DL3005: Rule = commandRule(
  { id: 'DL3005', name: 'no-apt-get-upgrade', severity: 'error', message: 'Do not use apt-get dist-upgrade' },
  'apt-get',
  (c) => cmdHasArgs(c, 'apt-get', ['dist-upgrade']),
);

export const DL3008: Rule = pinRule(
  { id: 'DL3008', name: 'pin-apt-get', severity: 'warning', message: 'Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`' },
  'apt-get',
  (c) => packagesOf(c, ['apt-get'], ['install'], ['t', 'target-release']),
  (p) => p.includes('=') || p.includes('/') || p.endsWith('.deb'),
);

const removesAptLists = (c: ShellCommand) => c.name === 'rm' && argValues(c).some((a) => a === '/var/lib/apt/lists/*' || a === '/var/lib/apt/lists') && hasAnyFlag(c, ['r', 'R', 'recursive']);

export const DL3009: Rule = dlRule(
  { id: 'DL3009', name: 'apt-lists-cleanup', severity: 'info', message: 'Delete the apt-get lists after installing something' },
  ({ dockerfile }) => {
    // Only what reaches the image counts: the last stage and stages a later FROM builds on.
    const reaching = stagesUsedAsBase(dockerfile.stages);
    const last = dockerfile.stages[dockerfile.stages.length - 1];
    const hits: Hit[] = [];
    for (const run of runInfos(dockerfile)) {
      if (run.stage && run.stage !== last && !reaching.has(run.stage)) continue;
      const update = run.commands.find((c) => cmdHasArgs(c, 'apt-get', ['update']));
      if (!update || run.commands.some(removesAptLists)) continue;
      const ins = run.instruction;
      if (hasCacheMount(ins, ['/var/lib/apt/lists']) || (hasCacheMount(ins, ['/var/lib/apt']) && hasCacheMount(ins, ['/var/cache/apt']))) continue;
      hits.push(update.range);
    }
    return hits;
  },
);

export const DL3014: Rule = commandRule(
  { id: 'DL3014', name: 'apt-get-yes', severity: 'warning', message: 'Use the `-y` switch to avoid manual input `apt-get -y install <package>`' },
  'apt-get',
  (c) => aptInstall(c) && !hasAnyFlag(c, ['y', 'yes', 'q', 'assume-yes']),
  (c) => insertAfterWord(c, ['install'], ' -y', 'Add -y'),
);

export const DL3015: Rule = commandRule(
  { id: 'DL3015', name: 'apt-get-no-recommends', severity: 'info', message: 'Avoid additional packages by specifying `--no-install-recommends`' },
  'apt-get',
  (c) => aptInstall(c) && !hasAnyFlag(c, ['no-install-recommends']) && !argValues(c).includes('APT::Install-Recommends=false'),
  (c) => insertAfterWord(c, ['install'], ' --no-install-recommends', 'Add --no-install-recommends'),
);

export const DL3018: Rule = pinRule(
  { id: 'DL3018', name: 'pin-apk', severity: 'warning', message: 'Pin versions in apk add. Instead of `apk add <package>` use `apk add <package>=<version>`' },
  'apk',
  (c) => packagesOf(c, ['apk'], ['add'], ['t', 'virtual', 'repository', 'X']),
  (p) => p.includes('=') || p.includes('~') || p.endsWith('.apk'),
);

export const DL3019: Rule = runRule(
  { id: 'DL3019', name: 'apk-no-cache', severity: 'info', message: 'Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*` when done installing packages' },
  (run: RunInfo) =>
    hasCacheMount(run.instruction, ['/var/cache/apk'])
      ? []
      : run.commands
          .filter((c) => cmdHasArgs(c, 'apk', ['add']) && !hasAnyFlag(c, ['no-cache']))
          .map((c) => ({ range: c.range, fixes: [insertAfterWord(c, ['add'], ' --no-cache', 'Add --no-cache')!] })),
);

export const DL3027: Rule = commandRule(
  { id: 'DL3027', name: 'no-apt', severity: 'warning', message: 'Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead' },
  'apt',
  (c) => c.name === 'apt',
  (c) => renameCommand(c, 'apt-get', 'Use apt-get'),
);

const yumInstall = (c: ShellCommand) => cmdHasArgs(c, 'yum', ['install', 'groupinstall', 'localinstall']);
export const DL3030: Rule = commandRule(
  { id: 'DL3030', name: 'yum-yes', severity: 'warning', message: 'Use the -y switch to avoid manual input `yum install -y <package`' },
  'yum',
  (c) => yumInstall(c) && !hasAnyFlag(c, ['y', 'assumeyes']),
  (c) => insertAfterWord(c, ['install', 'groupinstall', 'localinstall'], ' -y', 'Add -y'),
);

export const DL3032: Rule = cleanRule(
  { id: 'DL3032', name: 'yum-clean', severity: 'warning', message: '`yum clean all` missing after yum command.' },
  (c) => cmdHasArgs(c, 'yum', ['install']),
  (c) => cmdHasArgs(c, 'yum', ['clean']) && argValues(c).includes('all'),
  ['/var/cache/yum'],
);

/** yum/dnf packages pin with `name-version`; `module install` streams with `name:stream`. */
function rpmPinRule(meta: DLMeta, tools: string[], pinned: (pkg: string) => boolean): Rule {
  return commandRule(meta, tools, (c) => {
    if (!cmdHasArgs(c, tools, ['install'])) return false;
    const isModule = argValues(c).includes('module');
    if (!isModule && argValues(c).includes('group')) return false;
    const pkgs = argsNoFlags(c).filter((a) => a !== 'install' && a !== 'module');
    return pkgs.some((p) => (isModule ? !p.includes(':') : !pinned(p)));
  });
}

export const DL3033: Rule = rpmPinRule(
  { id: 'DL3033', name: 'pin-yum', severity: 'warning', message: 'Specify version with `yum install -y <package>-<version>`.' },
  ['yum'],
  (p) => p.includes('-') || p.endsWith('.rpm'),
);

const zypperInstall = (c: ShellCommand) => cmdHasArgs(c, 'zypper', ['install', 'in']);
export const DL3034: Rule = commandRule(
  { id: 'DL3034', name: 'zypper-non-interactive', severity: 'warning', message: 'Non-interactive switch missing from `zypper` command: `zypper install -y`' },
  'zypper',
  (c) => cmdHasArgs(c, 'zypper', ['install', 'in', 'remove', 'rm', 'source-install', 'si', 'patch']) && !hasAnyFlag(c, ['non-interactive', 'n', 'no-confirm', 'y']),
  (c) => insertAfterWord(c, ['zypper'], ' --non-interactive', 'Add --non-interactive'),
);

export const DL3035: Rule = commandRule(
  { id: 'DL3035', name: 'no-zypper-dist-upgrade', severity: 'warning', message: 'Do not use `zypper dist-upgrade`.' },
  'zypper',
  (c) => cmdHasArgs(c, 'zypper', ['dist-upgrade', 'dup']),
);

export const DL3036: Rule = cleanRule(
  { id: 'DL3036', name: 'zypper-clean', severity: 'warning', message: '`zypper clean` missing after zypper use.' },
  zypperInstall,
  (c) => cmdHasArgs(c, 'zypper', ['clean', 'cc']),
  ['/var/cache/zypp'],
  true,
);

export const DL3037: Rule = pinRule(
  { id: 'DL3037', name: 'pin-zypper', severity: 'warning', message: 'Specify version with `zypper install -y <package>=<version>`.' },
  'zypper',
  (c) => packagesOf(c, ['zypper'], ['install', 'in']),
  (p) => /[=<>]/.test(p) || p.endsWith('.rpm'),
);

const DNF = ['dnf', 'microdnf'];
export const DL3038: Rule = commandRule(
  { id: 'DL3038', name: 'dnf-yes', severity: 'warning', message: 'Use the -y switch to avoid manual input `dnf install -y <package`' },
  DNF,
  (c) => cmdHasArgs(c, DNF, ['install', 'groupinstall', 'localinstall']) && !hasAnyFlag(c, ['y', 'assumeyes']),
  (c) => insertAfterWord(c, ['install', 'groupinstall', 'localinstall'], ' -y', 'Add -y'),
);

export const DL3040: Rule = cleanRule(
  { id: 'DL3040', name: 'dnf-clean', severity: 'warning', message: '`dnf clean all` missing after dnf command.' },
  (c) => cmdHasArgs(c, DNF, ['install']),
  (c) => (cmdHasArgs(c, DNF, ['clean']) && argValues(c).includes('all')) || (c.name === 'rm' && argValues(c).some((a) => a.startsWith('/var/cache/dnf') || a.startsWith('/var/cache/yum'))),
  ['/var/cache/dnf', '/var/cache/yum'],
);

// hadolint: a dash followed by a version-like tail (`nginx-1.24.0`), not just any dash (`python3-pip`).
const rpmVersioned = (p: string) => {
  if (p.endsWith('.rpm')) return true;
  const parts = p.split('-').slice(1);
  return parts.length > 0 && parts.every((x) => /^[A-Za-z0-9.~^_:+]*$/.test(x)) && parts.some((x) => /^\d/.test(x));
};

export const DL3041: Rule = rpmPinRule(
  { id: 'DL3041', name: 'pin-dnf', severity: 'warning', message: 'Specify version with `dnf install -y <package>-<version>`.' },
  DNF,
  rpmVersioned,
);

/** hadolint's rules about OS package managers (apt, apk, yum, dnf, zypper). */
export const SYSTEM_PACKAGE_RULES: readonly Rule[] = [DL3005, DL3008, DL3009, DL3014, DL3015, DL3018, DL3019, DL3027, DL3030, DL3032, DL3033, DL3034, DL3035, DL3036, DL3037, DL3038, DL3040, DL3041];

