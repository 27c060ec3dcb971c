import type { Stage } from '../../../dockerfile/types';
import { argsNoFlags, argValues, cmdHasArgs, hasAnyFlag, type ShellCommand } from '../../shell/commands';
import { runInfos } from '../../shell/run-scripts';
import type { Rule } from '../../types';
import { commandRule, dlRule, hasCacheMount, insertAfterWord, parentStage, runRule, type Hit } from './define';

/** `pip install`, `pip3.12 install`, `python -m pip install`. */
function isPipInstall(c: ShellCommand): boolean {
  const args = argValues(c);
  if (/^pip[0-9.]*$/.test(c.name)) return args.includes('install');
  if (!/^python[0-9.]*$/.test(c.name)) return false;
  const m = args.indexOf('-m');
  return m >= 0 && /^pip[0-9.]*$/.test(args[m + 1] ?? '') && args.slice(m + 2).includes('install');
}

const PIP_VALUE_FLAGS = ['abi', 'b', 'build', 'e', 'editable', 'extra-index-url', 'f', 'find-links', 'i', 'index-url', 'implementation', 'no-binary', 'only-binary', 'platform', 'prefix', 'progress-bar', 'proxy', 'python-version', 'root', 'src', 't', 'target', 'trusted-host', 'upgrade-strategy', 'c', 'constraint', 'r', 'requirement'];
const VCS = /^(git|hg|svn|bzr)(\+[a-z]+)?(:|$)/;

function pipPackages(c: ShellCommand): string[] {
  const words = argsNoFlags(c, PIP_VALUE_FLAGS);
  const install = words.indexOf('install');
  return install < 0 ? [] : words.slice(install + 1);
}

const pipPinned = (p: string) =>
  ['==', '>=', '<=', '>', '<', '!=', '~=', '==='].some((s) => p.includes(s)) ||
  (VCS.test(p) && p.includes('@')) ||
  p.endsWith('.whl') ||
  p.endsWith('.tar.gz') ||
  (!VCS.test(p) && p.includes('/'));

export const DL3013: Rule = commandRule(
  { id: 'DL3013', name: 'pin-pip', severity: 'warning', message: 'Pin versions in pip. Instead of `pip install <package>` use `pip install <package>==<version>` or `pip install --requirement <requirements file>`' },
  (n) => /^(pip[0-9.]*|python[0-9.]*)$/.test(n),
  (c) => {
    if (!isPipInstall(c) || hasAnyFlag(c, ['constraint', 'c'])) return false;
    const args = argValues(c);
    if (args.includes('-r') || args.includes('--requirement') || args.includes('.')) return false;
    return pipPackages(c).some((p) => !pipPinned(p));
  },
);

const truthy = new Set(['1', 'true', 'True', 'TRUE', 'on', 'On', 'ON', 'yes', 'Yes', 'YES']);

export const DL3042: Rule = dlRule(
  { id: 'DL3042', name: 'pip-no-cache-dir', severity: 'warning', message: 'Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`' },
  ({ dockerfile }) => {
    // PIP_NO_CACHE_DIR set by ENV in the stage, or in a stage it builds on, turns the cache off.
    const off = new Map<Stage, boolean>();
    for (const stage of dockerfile.stages) {
      const own = stage.instructions.some((i) => i.keyword === 'ENV' && i.keyValues.some((kv) => kv.key.value === 'PIP_NO_CACHE_DIR' && truthy.has(kv.value?.value ?? '')));
      const parent = parentStage(stage, dockerfile.stages);
      off.set(stage, own || (parent !== undefined && off.get(parent) === true));
    }
    const hits: Hit[] = [];
    for (const run of runInfos(dockerfile)) {
      if ((run.stage && off.get(run.stage)) || hasCacheMount(run.instruction, ['/root/.cache/pip', '/root/.cache'])) continue;
      if (/PIP_NO_CACHE_DIR=(1|true|on|yes)\b/i.test(run.text)) continue;
      for (const c of run.commands) {
        if (!isPipInstall(c) || argValues(c).includes('--no-cache-dir')) continue;
        if (/pipx|pipenv/.test(c.name) || (c.name.startsWith('python') && /-m (pipx|pipenv)/.test(argValues(c).join(' ')))) continue;
        const fix = insertAfterWord(c, ['install'], ' --no-cache-dir', 'Add --no-cache-dir');
        hits.push(fix ? { range: c.range, fixes: [fix] } : c.range);
      }
    }
    return hits;
  },
);

export const DL3016: Rule = commandRule(
  { id: 'DL3016', name: 'pin-npm', severity: 'warning', message: 'Pin versions in npm. Instead of `npm install <package>` use `npm install <package>@<version>`' },
  'npm',
  (c) => {
    if (!cmdHasArgs(c, 'npm', ['install'])) return false;
    const words = argsNoFlags(c);
    if (words[0] !== 'install') return false;
    return words.slice(1).some((p) => {
      if (/^git(\+ssh|\+https?)?:\/\//.test(p)) return !p.includes('#');
      if (/\.(tar|tar\.gz|tgz)$/.test(p) || /^(\/|\.\/|\.\.\/|~\/)/.test(p)) return false;
      const unscoped = p.startsWith('@') ? p.slice(p.indexOf('/') + 1) : p;
      return !unscoped.includes('@');
    });
  },
);

export const DL3028: Rule = commandRule(
  { id: 'DL3028', name: 'pin-gem', severity: 'warning', message: 'Pin versions in gem install. Instead of `gem install <gem>` use `gem install <gem>:<version>`' },
  'gem',
  (c) => {
    if (!cmdHasArgs(c, 'gem', ['install', 'i'])) return false;
    const args = argValues(c);
    if (args.includes('-v') || args.includes('--version') || args.some((a) => a.startsWith('--version='))) return false;
    return argsNoFlags(c).filter((a) => a !== 'install' && a !== 'i').some((g) => !g.includes(':'));
  },
);

export const DL3060: Rule = runRule(
  { id: 'DL3060', name: 'yarn-cache-clean', severity: 'info', message: '`yarn cache clean` missing after `yarn install` was run.' },
  (run) => {
    const install = run.commands.find((c) => cmdHasArgs(c, 'yarn', ['install']));
    if (!install || hasCacheMount(run.instruction, ['/usr/local/share/.cache/yarn'])) return [];
    const clean = run.commands.some((c) => c.name === 'yarn' && argValues(c).includes('cache') && argValues(c).includes('clean'));
    return clean ? [] : [install.range];
  },
);

export const DL3062: Rule = commandRule(
  { id: 'DL3062', name: 'pin-go-install', severity: 'warning', message: 'Pin versions in go install. Instead of `go install <package>` use `go install <package>@<version>`' },
  'go',
  (c) => {
    if (c.name !== 'go') return false;
    const words = argsNoFlags(c);
    if (words[0] !== 'install') return false;
    return words.slice(1).some((p) => !p.includes('@') && !p.startsWith('.') && !p.startsWith('/'));
  },
);

/** hadolint's rules about language package managers (pip, npm, gem, yarn, go). */
export const LANGUAGE_PACKAGE_RULES: readonly Rule[] = [DL3013, DL3016, DL3028, DL3042, DL3060, DL3062];
