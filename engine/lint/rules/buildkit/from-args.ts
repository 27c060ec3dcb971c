import { ExpansionError, ShellLex, type ExpandResult } from '../../../dockerfile/expand';
import type { DockerfileScope } from '../../../dockerfile/scope';
import type { Dockerfile, Stage, Word } from '../../../dockerfile/types';
import { hostArchitecture } from '../../../image/platform';
import { parseReference } from '../../../image/reference';
import { buildkitRule } from './check';
import { defaultScope } from '../../scope-cache';
import { suggestName } from './suggest';

// What FROM sees: the platform ARGs and the global ARGs, with their defaults.
function expandInFrom(dockerfile: Dockerfile, scope: DockerfileScope, word: string): ExpandResult | undefined {
  try {
    return new ShellLex(dockerfile.escapeChar).processWordWithMatches(word, { get: (name) => scope.global.get(name)?.value });
  } catch (e) {
    if (e instanceof ExpansionError) return undefined;
    throw e;
  }
}

function platformFlag(stage: Stage) {
  return stage.from.flags.find((f) => f.name === 'platform' && f.value !== undefined);
}

/** Each FROM --platform with its expansion in the global scope (skipping ones that fail to expand). */
function* platformFlags(dockerfile: Dockerfile) {
  const scope = defaultScope(dockerfile);
  for (const stage of dockerfile.stages) {
    const flag = platformFlag(stage);
    const result = flag?.value ? expandInFrom(dockerfile, scope, flag.value) : undefined;
    if (flag?.value && result) yield { stage, flag, value: flag.value, result, target: scope.global.get('TARGETPLATFORM')?.value };
  }
}

/** UndefinedArgInFrom: FROM (image or --platform) names a variable no global ARG declares. */
export const undefinedArgInFrom = buildkitRule({
  name: 'UndefinedArgInFrom',
  description: 'FROM command must use declared ARGs',
  run({ dockerfile }, report) {
    const scope = defaultScope(dockerfile);
    const declared = [...scope.global.keys()];
    for (const stage of dockerfile.stages) {
      const platform = platformFlag(stage);
      const words: { text: string; word: Word | undefined }[] = [];
      if (stage.base) words.push({ text: stage.base.value, word: stage.base });
      if (platform?.value) words.push({ text: platform.value, word: undefined });
      for (const { text, word } of words) {
        const result = expandInFrom(dockerfile, scope, text);
        for (const name of result?.unmatched ?? []) {
          const suggestion = suggestName(name, declared);
          const range = word?.range ?? platform?.valueRange ?? stage.from.keywordRange;
          report(range, `FROM argument '${name}' is not declared${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
        }
      }
    }
  },
});

/** InvalidDefaultArgInFrom: with no --build-arg given, the FROM image expands to an invalid or empty name. */
export const invalidDefaultArgInFrom = buildkitRule({
  name: 'InvalidDefaultArgInFrom',
  description: 'Default value for global ARG results in an empty or invalid base image name',
  run({ dockerfile }, report) {
    const scope = defaultScope(dockerfile);
    for (const stage of dockerfile.stages) {
      // A constant name is either valid or a build error of its own; this check is about ARG defaults.
      if (!stage.base || !stage.base.value.includes('$')) continue;
      const result = expandInFrom(dockerfile, scope, stage.base.value);
      if (!result) continue;
      try {
        parseReference(result.value);
      } catch {
        report(stage.base.range, `Default value for ARG ${stage.base.value} results in empty or invalid base image name`);
      }
    }
  },
});

/** RedundantTargetPlatform: `FROM --platform=$TARGETPLATFORM`, which is what FROM does anyway. */
export const redundantTargetPlatform = buildkitRule({
  name: 'RedundantTargetPlatform',
  description: 'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior',
  run({ dockerfile }, report) {
    for (const { flag, value, result, target } of platformFlags(dockerfile)) {
      if (result.matched.size !== 1 || result.unmatched.size !== 0 || !result.matched.has('TARGETPLATFORM') || result.value !== target) continue;
      report(flag.range, `Setting platform to predefined ${value} in FROM is redundant as this is the default behavior`, [
        { title: 'Remove --platform', edits: [{ range: flag.range, newText: '' }], preferred: true },
      ]);
    }
  },
});

const KNOWN_OS = new Set(['linux', 'windows', 'darwin', 'freebsd', 'netbsd', 'openbsd', 'solaris', 'illumos', 'aix', 'android', 'ios', 'plan9', 'js', 'wasip1', 'dragonfly']);
const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386', i686: '386' };
const KNOWN_ARCH = new Set(['amd64', 'arm64', 'arm', '386', 'ppc64le', 'ppc64', 's390x', 'riscv64', 'mips64le', 'mips64', 'mipsle', 'mips', 'loong64', 'wasm']);

/** containerd's platforms.Parse, reduced to what the checks need; undefined where it would fail. */
export function parsePlatform(text: string): { os: string; architecture: string } | undefined {
  const parts = text.toLowerCase().split('/');
  if (parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p))) return undefined;
  const arch = (a: string) => ARCH_ALIASES[a] ?? a;
  if (parts.length === 1) {
    if (KNOWN_OS.has(parts[0])) return { os: parts[0], architecture: hostArchitecture() };
    if (KNOWN_ARCH.has(arch(parts[0]))) return { os: 'linux', architecture: arch(parts[0]) };
    return undefined;
  }
  if (!KNOWN_OS.has(parts[0]) && !KNOWN_ARCH.has(arch(parts[1]))) return undefined;
  return { os: parts[0], architecture: arch(parts[1]) };
}

/**
 * FromPlatformFlagConstDisallowed: `FROM --platform=linux/amd64` pins a stage to one platform
 * for every build; allowed when the stage name says so (`AS build-amd64`), as in BuildKit.
 */
export const fromPlatformFlagConstDisallowed = buildkitRule({
  name: 'FromPlatformFlagConstDisallowed',
  description: 'FROM --platform flag should not use a constant value',
  run({ dockerfile }, report) {
    for (const { stage, flag, result } of platformFlags(dockerfile)) {
      if (result.matched.size > 0 || result.unmatched.size > 0) continue;
      const platform = parsePlatform(result.value);
      if (!platform) continue;
      const name = stage.name ?? '';
      if (name.includes(platform.os) || name.includes(platform.architecture)) continue;
      report(flag.valueRange ?? flag.range, `FROM --platform flag should not use constant value ${JSON.stringify(result.value)}`);
    }
  },
});

/**
 * InvalidBaseImagePlatform: the base image in the local store is for another OS or
 * architecture than the stage builds for (its --platform, else this machine's).
 */
export const invalidBaseImagePlatform = buildkitRule({
  name: 'InvalidBaseImagePlatform',
  description: 'Base image platform does not match expected target platform',
  run({ dockerfile, bases }, report) {
    const scope = defaultScope(dockerfile);
    for (const stage of dockerfile.stages) {
      const actual = stage.base && bases.get(stage.base.value)?.platform;
      if (!stage.base || !actual) continue;
      const flag = platformFlag(stage);
      const wanted = flag?.value ? expandInFrom(dockerfile, scope, flag.value)?.value : `linux/${hostArchitecture()}`;
      const expected = wanted === undefined ? undefined : parsePlatform(wanted);
      if (!expected || (expected.os === actual.os && expected.architecture === actual.architecture)) continue;
      const format = (p: { os: string; architecture: string; variant?: string }) => [p.os, p.architecture, p.variant].filter(Boolean).join('/');
      report(stage.base.range, `Base image ${stage.base.value} was pulled with platform ${JSON.stringify(format(actual))}, expected ${JSON.stringify(format(expected))} for current build`);
    }
  },
});
