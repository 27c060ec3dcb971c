import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../engine/dockerfile/parser';
import { dockerfileScope, expandAt, expandInstruction, EXPANSION, platformArgs, DEFAULT_PATH, type DockerfileScope } from '../../../engine/dockerfile/scope';
import type { Dockerfile, Instruction, Range } from '../../../engine/dockerfile/types';

function slice(source: string, r: Range): string {
  const lines = source.split('\n');
  if (r.start.line === r.end.line) return lines[r.start.line].slice(r.start.character, r.end.character);
  return [lines[r.start.line].slice(r.start.character), ...lines.slice(r.start.line + 1, r.end.line), lines[r.end.line].slice(0, r.end.character)].join('\n');
}

/** The instruction starting on `line`. */
function at(df: Dockerfile, line: number): Instruction {
  const ins = df.instructions.find((i) => i.keywordRange.start.line === line);
  assert.ok(ins, `no instruction on line ${line}`);
  return ins;
}

function values(scope: DockerfileScope, ins: Instruction, ...names: string[]): (string | undefined)[] {
  const vars = scope.at(ins)?.vars;
  return names.map((n) => vars?.get(n)?.value);
}

function expanded(scope: DockerfileScope, df: Dockerfile, ins: Instruction): string[] {
  return expandAt(scope, ins, { escapeChar: df.escapeChar })?.parts.map((p) => p.value) ?? [];
}

test('ARG in FROM with a global default; the global ARG is not visible inside the stage until redeclared', () => {
  const src = 'ARG VERSION=3.20\nARG IMAGE=alpine:${VERSION}\nFROM ${IMAGE} AS base\nRUN echo $VERSION\nARG VERSION\nRUN echo $VERSION\n';
  const df = parseDockerfile(src);
  const scope = dockerfileScope(df);
  assert.deepEqual(scope.problems, []);
  assert.deepEqual(expanded(scope, df, at(df, 2)), ['alpine:3.20']);
  assert.deepEqual(values(scope, at(df, 3), 'VERSION', 'IMAGE'), [undefined, undefined]);
  // ARG without a value takes the global default.
  assert.deepEqual(values(scope, at(df, 5), 'VERSION'), ['3.20']);
  assert.equal(scope.at(at(df, 5))?.vars.get('VERSION')?.source, 'arg');
  // A build-arg overrides the global ARG, in FROM and where it is redeclared.
  const custom = dockerfileScope(df, { buildArgs: { VERSION: '3.19' } });
  assert.deepEqual(expanded(custom, df, at(df, 2)), ['alpine:3.19']);
  assert.deepEqual(values(custom, at(df, 5), 'VERSION'), ['3.19']);
});

test('a global ARG without a value is set-but-empty for FROM, and unset in a stage', () => {
  const src = 'ARG TAG\nFROM alpine:${TAG:-latest}\nFROM alpine${TAG-none}\nARG TAG\nRUN x\n';
  const df = parseDockerfile(src);
  const scope = dockerfileScope(df);
  assert.deepEqual(expanded(scope, df, at(df, 1)), ['alpine:latest']);
  assert.deepEqual(expanded(scope, df, at(df, 2)), ['alpine']);
  assert.deepEqual(values(scope, at(df, 4), 'TAG'), [undefined]);
  assert.deepEqual([...(scope.at(at(df, 4))?.declaredArgs ?? [])], ['TAG']);
});

test('ENV using an ARG; all pairs of one ENV see the scope before it; ARG pairs see each other', () => {
  const src = 'FROM alpine\nARG A=1 B=${A}2\nENV C=$B D=x E=$D\nENV D=$C\nRUN echo\n';
  const df = parseDockerfile(src);
  const scope = dockerfileScope(df);
  assert.deepEqual(values(scope, at(df, 3), 'A', 'B', 'C', 'D', 'E'), ['1', '12', '12', 'x', '']);
  assert.deepEqual(values(scope, at(df, 4), 'C', 'D'), ['12', '12']);
  assert.equal(scope.at(at(df, 4))?.vars.get('D')?.source, 'env');
});

test('${A:-$B} and the other modifiers resolve against the scope, with reference ranges', () => {
  const src = 'FROM alpine\nARG B=fallback\nENV A=\nWORKDIR /srv/${A:-$B}/${B:+set}/${C-unset}\n';
  const df = parseDockerfile(src);
  const scope = dockerfileScope(df);
  const ex = expandAt(scope, at(df, 3));
  assert.ok(ex);
  const [part] = ex.parts;
  assert.equal(part.value, '/srv/fallback/set/unset');
  assert.deepEqual(part.references.map((r) => [r.name, slice(src, r.range), r.variable?.value, r.variable?.source]), [
    ['A', '${A:-$B}', '', 'env'],
    ['B', '$B', 'fallback', 'arg'],
    ['B', '${B:+set}', 'fallback', 'arg'],
    ['C', '${C-unset}', undefined, undefined],
  ]);
});

test('build-args only reach declared ARGs; proxy build-args reach RUN without being expanded', () => {
  const src = 'FROM alpine\nARG DECLARED\nRUN echo $UNDECLARED $DECLARED\nUSER ${UNDECLARED:-nobody}:$HTTP_PROXY\n';
  const df = parseDockerfile(src);
  const scope = dockerfileScope(df, { buildArgs: { UNDECLARED: 'u', DECLARED: 'd', http_proxy: 'http://p:3128' } });
  assert.deepEqual(values(scope, at(df, 2), 'UNDECLARED', 'DECLARED', 'http_proxy'), [undefined, 'd', undefined]);
  assert.equal(scope.at(at(df, 2))?.vars.get('DECLARED')?.fromBuildArg, true);
  assert.deepEqual(expanded(scope, df, at(df, 3)), ['nobody:']);
  assert.deepEqual([...scope.proxy], [['http_proxy', 'http://p:3128']]);
});

test('predefined platform ARGs: global for FROM, inside a stage only once declared', () => {
  const src = 'FROM --platform=$BUILDPLATFORM golang AS build\nRUN echo $TARGETARCH\nARG TARGETARCH TARGETOS\nRUN echo\n';
  const df = parseDockerfile(src);
  const scope = dockerfileScope(df, { targetPlatform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, buildPlatform: { os: 'linux', architecture: 'amd64' } });
  assert.deepEqual(expanded(scope, df, at(df, 0)), ['linux/amd64', 'golang']);
  assert.deepEqual(values(scope, at(df, 1), 'TARGETARCH'), [undefined]);
  assert.deepEqual(values(scope, at(df, 3), 'TARGETARCH', 'TARGETOS', 'TARGETPLATFORM'), ['arm64', 'linux', undefined]);
  assert.equal(scope.global.get('TARGETPLATFORM')?.value, 'linux/arm64/v8');
  assert.deepEqual(platformArgs({ os: 'windows', architecture: 'amd64' }).BUILDPLATFORM, 'windows/amd64');
  // A build-arg may override a platform ARG too.
  const forced = dockerfileScope(df, { buildArgs: { TARGETARCH: 'riscv64' } });
  assert.deepEqual(values(forced, at(df, 3), 'TARGETARCH'), ['riscv64']);
});

test('the later of ENV and ARG wins, whichever kind it is', () => {
  const src = 'FROM alpine\nARG X=arg\nENV X=env\nRUN echo\nARG X=arg2\nRUN echo\nARG X\nRUN echo\n';
  const df = parseDockerfile(src);
  const scope = dockerfileScope(df);
  assert.deepEqual(values(scope, at(df, 3), 'X'), ['env']);
  assert.deepEqual(values(scope, at(df, 5), 'X'), ['arg2']);
  // ARG without a value and no global of that name leaves the variable as it was.
  assert.deepEqual(values(scope, at(df, 7), 'X'), ['arg2']);
});

test('stage inheritance: FROM <stage> starts from its variables, ENV winning over ARG; other stages see nothing', () => {
  const src = [
    'FROM alpine AS base', // 0
    'ENV E=env',
    'ARG A=arg',
    'ENV SHADOW=env',
    'ARG SHADOW=arg',
    'ONBUILD ENV FROM_TRIGGER=yes',
    'FROM base AS child', // 6
    'RUN echo',
    'FROM alpine AS other', // 8
    'RUN echo',
    '',
  ].join('\n');
  const df = parseDockerfile(src);
  const scope = dockerfileScope(df);
  assert.deepEqual(values(scope, at(df, 5), 'SHADOW'), ['arg']);
  assert.deepEqual(values(scope, at(df, 7), 'E', 'A', 'SHADOW', 'FROM_TRIGGER', 'PATH'), ['env', 'arg', 'env', 'yes', DEFAULT_PATH]);
  assert.deepEqual(values(scope, at(df, 9), 'E', 'A', 'FROM_TRIGGER'), [undefined, undefined, undefined]);
  assert.equal(scope.stages[1].base?.index, 0);
});

test('base image ENV comes from the options; PATH is always set', () => {
  const df = parseDockerfile('FROM node:20\nRUN echo\nFROM scratch\nRUN echo\n');
  const scope = dockerfileScope(df, { imageEnv: (image) => (image === 'node:20' ? { NODE_VERSION: '20.1.0', PATH: '/node/bin' } : undefined) });
  assert.deepEqual(values(scope, at(df, 1), 'NODE_VERSION', 'PATH'), ['20.1.0', '/node/bin']);
  assert.equal(scope.at(at(df, 1))?.vars.get('PATH')?.source, 'image');
  assert.deepEqual(values(scope, at(df, 3), 'NODE_VERSION', 'PATH'), [undefined, DEFAULT_PATH]);
});

test('what is expanded: the BuildKit table as data', () => {
  assert.deepEqual(Object.keys(EXPANSION).sort(), ['ADD', 'ARG', 'COPY', 'ENV', 'EXPOSE', 'FROM', 'LABEL', 'RUN', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);
  assert.deepEqual(EXPANSION.COPY.flags, ['chown', 'chmod']);
  assert.deepEqual(EXPANSION.ADD.flags, ['chown', 'chmod', 'checksum']);
  assert.equal(EXPANSION.FROM.scope, 'global');
  const src = [
    'FROM alpine',
    'ARG V=1 P=80',
    'RUN echo $V',
    'CMD echo $V',
    'ENTRYPOINT ["$V"]',
    'ONBUILD RUN echo $V',
    'MAINTAINER $V',
    'HEALTHCHECK CMD echo $V',
    'SHELL ["/bin/$V"]',
    'LABEL "k$V"="v $V"',
    'EXPOSE $P/tcp ${P}1',
    'VOLUME ["/d$V", "/e"]',
    'STOPSIGNAL SIG$V',
    'COPY --from=$V --chown=$V --chmod=75$V --link src$V /dst$V/',
    'ADD --checksum=sha256:$V --keep-git-dir=$V https://x/$V /a/',
    'RUN --mount=type=cache,id=c$V,target=/t$V,from=x echo $V',
    '',
  ].join('\n');
  const df = parseDockerfile(src);
  const scope = dockerfileScope(df);
  const ex = (line: number) => expandAt(scope, at(df, line))?.parts.map((p) => [p.role, p.name ?? '', p.value]);
  for (const line of [2, 3, 4, 5, 6, 7, 8]) assert.deepEqual(ex(line), [], src.split('\n')[line]);
  assert.deepEqual(ex(9), [['key', '', 'k1'], ['value', '', 'v 1']]);
  assert.deepEqual(expandAt(scope, at(df, 10))?.parts.map((p) => p.words), [['80/tcp'], ['801']]);
  assert.deepEqual(ex(11), [['arg', '', '/d1'], ['arg', '', '/e']]);
  assert.deepEqual(ex(12), [['arg', '', 'SIG1']]);
  assert.deepEqual(ex(13), [['flag', 'chown', '1'], ['flag', 'chmod', '751'], ['arg', '', 'src1'], ['arg', '', '/dst1/']]);
  assert.deepEqual(ex(14), [['flag', 'checksum', 'sha256:1'], ['arg', '', 'https://x/1'], ['arg', '', '/a/']]);
  assert.deepEqual(ex(15), [['mount', 'type', 'cache'], ['mount', 'id', 'c1'], ['mount', 'target', '/t1'], ['mount', 'from', 'x']]);
});

test('COPY heredocs: sources written as markers are content, expanded unless quoted, quotes kept', () => {
  const src = "FROM alpine\nENV NAME=world\nCOPY <<-EOF <<'RAW' /etc/$NAME/\n\thello \"$NAME\" '${NAME}'\n\tEOF\n$NAME\nRAW\n";
  const df = parseDockerfile(src);
  const scope = dockerfileScope(df);
  const ex = expandAt(scope, at(df, 2));
  assert.ok(ex);
  assert.deepEqual(ex.parts.map((p) => [p.role, p.value]), [
    ['arg', '/etc/world/'],
    ['heredoc', 'hello "world" \'world\'\n'],
  ]);
  const refs = ex.parts[1].references;
  assert.deepEqual(refs.map((r) => slice(src, r.range)), ['$NAME', '${NAME}']);
});

test('references keep exact ranges through JSON escapes, quotes in flags and continuation lines', () => {
  const src = 'FROM alpine\nARG A=a\nCOPY ["\\u0041$A", "/x/\\"$A\\""]\nCOPY --chown="$A":\'$A\' src$A \\\n  dst$A\n';
  const df = parseDockerfile(src);
  const scope = dockerfileScope(df);
  const json = expandAt(scope, at(df, 2));
  assert.deepEqual(json?.parts.map((p) => [p.value, p.references.map((r) => slice(src, r.range))]), [
    ['Aa', ['$A']],
    ['/x/a', ['$A']], // the JSON \" are quotes the shell lexer then removes
  ]);
  const flags = expandAt(scope, at(df, 3));
  assert.deepEqual(flags?.parts.map((p) => [p.role, p.value, p.references.map((r) => `${r.range.start.line}:${slice(src, r.range)}`)]), [
    ['flag', 'a:a', ['3:$A', '3:$A']],
    ['arg', 'srca', ['3:$A']],
    ['arg', 'dsta', ['4:$A']],
  ]);
});

test('expansion errors are reported where docker build would fail', () => {
  const src = 'ARG BAD=${X:?needed}\nFROM alpine\nWORKDIR ${Y:?set Y}\nRUN --mount=from=$STAGE true\nRUN --mount=type=bind,a\\"b true\n';
  const df = parseDockerfile(src);
  const scope = dockerfileScope(df);
  assert.deepEqual(scope.problems.map((p) => p.message), [
    'failed to process "${X:?needed}": X: needed',
    'failed to process "${Y:?set Y}": Y: set Y',
    "'from' doesn't support variable expansion, define alias stage instead",
    'failed to parse csv mounts: parse error on line 1, column 12: bare " in non-quoted-field',
  ]);
  assert.equal(slice(src, scope.problems[1].range), '${Y:?set Y}');
});

test('expandInstruction is usable on its own, with plain values', () => {
  const df = parseDockerfile('FROM alpine\nARG A=1 B=$A$C\n');
  const ins = at(df, 1);
  const ex = expandInstruction(ins, new Map([['C', 'c']]));
  assert.deepEqual(ex.parts.map((p) => p.value), ['1', '1c']);
  const overridden = expandInstruction(ins, new Map(), { buildArgs: { A: 'x' } });
  assert.deepEqual(overridden.parts.map((p) => p.value), ['x']);
});
