/**
 * ARG and ENV scoping and word expansion, as BuildKit's dockerfile2llb applies them. What
 * `docker build` substitutes is decided here, not by a shell, so hover, "undefined variable"
 * lints and the builder all ask this module instead of guessing.
 *
 * The rules (convert.go toDispatchState / dispatch / dispatchArg):
 * - FROM lines (image and --platform) see only the global scope: BuildKit's platform ARGs
 *   and the ARGs before the first FROM. A global ARG takes its --build-arg, else its default
 *   expanded against the global scope so far; one without either is set-but-empty there.
 * - A stage starts from its base's environment: the image's ENV (PATH always set), or for
 *   `FROM <stage>` that stage's final variables, ARGs included (BuildKit passes them on),
 *   with the stage's ENV values put back on top, then the base stage's ONBUILD triggers.
 * - ENV and ARG then set variables in order; the later one wins whichever kind it is. All
 *   pairs of one ENV are expanded before any is set; ARG pairs one after the other.
 * - ARG NAME: the --build-arg if given, else its default expanded, else (no default) the
 *   global ARG or platform ARG of that name; without any value it is declared but unset.
 *   --build-args reach only ARGs that are declared; proxy build-args (HTTP_PROXY and co.)
 *   reach RUN's environment without a declaration, but are not expanded in instructions.
 */
import { ExpansionError, ShellLex, variableReferences, type EnvGetter } from './expand';
import { readCsvRecord } from './csv';
import { chompedWithOffsets, flagValuePartRange, heredocPartRange, jsonPartRange, wordPartRange } from './ranges';
import { parseHeredoc } from './heredoc';
import type { Dockerfile, EscapeChar, Flag, Heredoc, Instruction, ParseProblem, Range, Stage, Word } from './types';

/** BuildKit's automatic platform ARGs: global, usable in FROM, and in a stage once declared. */
export const PLATFORM_ARGS = [
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
] as const;

/** Build-args BuildKit hands to RUN as proxy settings without an ARG (matched case-insensitively). */
export const PROXY_ARGS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'] as const;

/** The PATH BuildKit sets for Linux when the base image has none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// ARGs BuildKit reads itself and never puts in the environment.
const NON_ENV_ARGS = new Set(['BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE']);

/** Which parts of an instruction BuildKit expands, and against what. */
export interface ExpansionSpec {
  /** FROM is expanded against the global scope; everything else against its stage. */
  scope: 'global' | 'stage';
  /**
   * Arguments: 'all' each one (COPY/ADD sources written as heredoc markers excepted), 'first'
   * only the image of FROM, 'words' each one split into words (EXPOSE), 'none'.
   */
  args: 'all' | 'first' | 'words' | 'none';
  /** ENV and LABEL: keys and values; ARG: default values only (and only when used). */
  keyValues: 'keys-and-values' | 'defaults' | 'none';
  /** Flags whose values are expanded; for RUN --mount each `key=value` field (`from` may not use variables). */
  flags: readonly string[];
  /** COPY/ADD: heredoc bodies whose delimiter was unquoted (quotes in them are left alone). */
  heredocs: boolean;
}

const NONE: ExpansionSpec = { scope: 'stage', args: 'none', keyValues: 'none', flags: [], heredocs: false };

/**
 * BuildKit's expansion table (instructions' Expand methods plus dispatchExpose, dispatchArg
 * and the FROM handling in convert.go). RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK and ONBUILD
 * arguments are never expanded by BuildKit; a shell may expand them later. COPY --from and
 * --mount from= are never expanded (global ARGs there are an open BuildKit request).
 */
export const EXPANSION: Readonly<Record<string, ExpansionSpec>> = {
  ADD: { ...NONE, args: 'all', flags: ['chown', 'chmod', 'checksum'], heredocs: true },
  ARG: { ...NONE, keyValues: 'defaults' },
  COPY: { ...NONE, args: 'all', flags: ['chown', 'chmod'], heredocs: true },
  ENV: { ...NONE, keyValues: 'keys-and-values' },
  EXPOSE: { ...NONE, args: 'words' },
  FROM: { ...NONE, scope: 'global', args: 'first', flags: ['platform'] },
  LABEL: { ...NONE, keyValues: 'keys-and-values' },
  RUN: { ...NONE, flags: ['mount'] },
  STOPSIGNAL: { ...NONE, args: 'all' },
  USER: { ...NONE, args: 'all' },
  VOLUME: { ...NONE, args: 'all' },
  WORKDIR: { ...NONE, args: 'all' },
};

/** What BuildKit expands in instructions with this keyword (nothing for unknown ones). */
export function expansionSpec(keyword: string): ExpansionSpec {
  return EXPANSION[keyword.toUpperCase()] ?? NONE;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** The values of the platform ARGs for a target and a build platform (containerd's platforms.Format). */
export function platformArgs(target: Platform, build: Platform = target): Record<(typeof PLATFORM_ARGS)[number], string> {
  const format = (p: Platform): string => [p.os, p.architecture, p.variant].filter((s) => s).join('/');
  return {
    TARGETPLATFORM: format(target),
    TARGETOS: target.os,
    TARGETARCH: target.architecture,
    TARGETVARIANT: target.variant ?? '',
    BUILDPLATFORM: format(build),
    BUILDOS: build.os,
    BUILDARCH: build.architecture,
    BUILDVARIANT: build.variant ?? '',
  };
}

export type VariableSource = 'platform' | 'global-arg' | 'arg' | 'env' | 'image';

export interface Variable {
  name: string;
  value: string;
  source: VariableSource;
  /** The ARG or ENV instruction that set it (absent for platform and base-image values). */
  instruction?: Instruction;
  /** The key's range in that instruction. */
  range?: Range;
  /** The value is a --build-arg. */
  fromBuildArg?: boolean;
  /** A global ARG declared without a value: FROM sees it as set but empty. */
  declaredOnly?: boolean;
}

export interface ScopeOptions {
  /** --build-arg values. */
  buildArgs?: Readonly<Record<string, string>>;
  /** Platform of the build result; default linux/amd64 (BuildKit defaults to the builder's own). */
  targetPlatform?: Platform;
  /** Platform the build runs on; default the target platform. */
  buildPlatform?: Platform;
  /** ENV of an external base image by its expanded name (from its config); default none, PATH is added. */
  imageEnv?: (image: string) => Readonly<Record<string, string>> | undefined;
}

/** What expansion sees at one instruction, before the instruction itself takes effect. */
export interface InstructionScope {
  /** Set variables by name, as BuildKit's lexer sees them here. */
  vars: ReadonlyMap<string, Variable>;
  /** ARG names declared in the stage so far, set or not (BuildKit does not call these undefined). */
  declaredArgs: ReadonlySet<string>;
  /** undefined for ARGs before the first FROM. */
  stage: Stage | undefined;
}

export interface StageScope {
  stage: Stage;
  /** The expanded FROM image (or stage name). */
  baseName: string;
  /** The earlier stage this one is built on, if any. */
  base: Stage | undefined;
  /** Variables at the end of the stage (what `FROM <this stage>` starts from). */
  end: InstructionScope;
}

export interface DockerfileScope {
  /** What FROM lines see: platform ARGs and global ARGs. */
  global: ReadonlyMap<string, Variable>;
  /** Proxy build-args RUN gets in its environment without any ARG. */
  proxy: ReadonlyMap<string, string>;
  stages: StageScope[];
  /** Expansion failures that make `docker build` fail, with where they are. */
  problems: ParseProblem[];
  /** The scope at an instruction of the file (undefined for ONBUILD triggers, which run elsewhere). */
  at(ins: Instruction): InstructionScope | undefined;
  /** The instruction expanded in its scope (FROM: the global one), made once and shared by every reader. */
  expanded(ins: Instruction): ExpandedInstruction | undefined;
}

/** A variable reference in an expanded part, resolved against the scope it was expanded in. */
export interface ResolvedReference {
  name: string;
  range: Range;
  /** The variable as the expansion saw it; undefined when it was not set. */
  variable: Variable | undefined;
}

export interface ExpandedPart {
  role: 'arg' | 'key' | 'value' | 'flag' | 'mount' | 'heredoc';
  /** Index of the argument, key/value pair, flag or heredoc within the instruction. */
  index: number;
  /** Flag name; for a --mount field the field's key (`mount` role). */
  name?: string;
  /** The text before expansion. */
  raw: string;
  /** The expanded text (the raw text where expansion failed). */
  value: string;
  /** EXPOSE: the words the argument became. */
  words?: string[];
  range: Range;
  references: ResolvedReference[];
  /** BuildKit's error for this part (the build fails with it). */
  error?: string;
}

export interface ExpandedInstruction {
  instruction: Instruction;
  parts: ExpandedPart[];
}

export interface ExpandOptions {
  escapeChar?: EscapeChar;
  /** For ARG: a --build-arg replaces the default, which is then not expanded at all. */
  buildArgs?: Readonly<Record<string, string>>;
}

/** Variables by name: a scope's `vars`, or plain values. */
export type Vars = ReadonlyMap<string, Variable | string>;

function asVariable(name: string, v: Variable | string | undefined): Variable | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? { name, value: v, source: 'env' } : v;
}

function envOf(vars: Vars): EnvGetter {
  return { get: (name) => asVariable(name, vars.get(name))?.value };
}

/**
 * Expands every part of `ins` that BuildKit expands, against `vars` (the instruction's scope;
 * for FROM the global scope), reporting each part's value, error and variable references
 * with source ranges. Pure: nothing outside its arguments is read.
 */
export function expandInstruction(ins: Instruction, vars: Vars, options: ExpandOptions = {}): ExpandedInstruction {
  const escape = options.escapeChar ?? '\\';
  const spec = expansionSpec(ins.keyword);
  const lex = new ShellLex(escape);
  const parts: ExpandedPart[] = [];
  const ctx: PartContext = { ins, escape, lex, vars: envOf(vars), lookup: (n) => asVariable(n, vars.get(n)) };

  flagParts(ctx, spec, parts);
  if (spec.args === 'first' && ins.args[0]) parts.push(wordPart(ctx, 'arg', 0, ins.args[0], ins.json));
  if (spec.args === 'all' || spec.args === 'words') {
    const heredocSources = spec.heredocs ? ins.args.length - 1 : 0;
    ins.args.forEach((arg, i) => {
      // A source written as a heredoc marker is content, not a path, even in JSON form (where
      // BuildKit then finds no body); only the destination is always a path.
      if (i < heredocSources && safeHeredoc(arg.value)) return;
      parts.push(wordPart(ctx, 'arg', i, arg, ins.json, spec.args === 'words'));
    });
  }
  if (spec.keyValues === 'keys-and-values') {
    ins.keyValues.forEach((kv, i) => {
      parts.push(wordPart(ctx, 'key', i, kv.key, false));
      if (kv.value) parts.push(wordPart(ctx, 'value', i, kv.value, false));
    });
  }
  if (spec.keyValues === 'defaults') argDefaultParts(ctx, options.buildArgs, parts);
  if (spec.heredocs) heredocParts(ctx, parts);
  return { instruction: ins, parts };
}

interface PartContext {
  ins: Instruction;
  escape: EscapeChar;
  lex: ShellLex;
  vars: EnvGetter;
  lookup: (name: string) => Variable | undefined;
}

function safeHeredoc(word: string): boolean {
  try {
    return parseHeredoc(word) !== undefined;
  } catch {
    return false;
  }
}

/** Expands `raw` and resolves its references; `rangeOf` maps offsets in `raw` to the source. */
function expandText(
  ctx: PartContext,
  raw: string,
  rangeOf: (start: number, end: number) => Range,
  split = false,
  lex: ShellLex = ctx.lex,
  escape: EscapeChar = ctx.escape,
  skipProcessQuotes = false,
): Pick<ExpandedPart, 'value' | 'words' | 'references' | 'error'> {
  const references = variableReferences(raw, escape, { skipProcessQuotes }).map((r) => ({ name: r.name, range: rangeOf(r.start, r.end), variable: ctx.lookup(r.name) }));
  try {
    if (split) {
      const words = lex.processWords(raw, ctx.vars);
      return { value: words.join(' '), words, references };
    }
    return { value: lex.processWord(raw, ctx.vars), references };
  } catch (e) {
    if (!(e instanceof ExpansionError)) throw e;
    return { value: raw, references, error: e.message };
  }
}

function wordPart(ctx: PartContext, role: ExpandedPart['role'], index: number, word: Word, json: boolean, split = false): ExpandedPart {
  const rangeOf = (s: number, e: number): Range => (json ? jsonPartRange(ctx.ins, word, s, e) : wordPartRange(ctx.ins, word, s, e));
  return { role, index, raw: word.value, range: word.range, ...expandText(ctx, word.value, rangeOf, split) };
}

function flagParts(ctx: PartContext, spec: ExpansionSpec, parts: ExpandedPart[]): void {
  ctx.ins.flags.forEach((flag, index) => {
    if (!spec.flags.includes(flag.name) || flag.value === undefined) return;
    if (ctx.ins.keyword === 'RUN' && flag.name === 'mount') return mountParts(ctx, flag, index, parts);
    const rangeOf = (s: number, e: number): Range => flagValuePartRange(ctx.ins, flag, s, e);
    parts.push({ role: 'flag', index, name: flag.name, raw: flag.value, range: flag.valueRange ?? flag.range, ...expandText(ctx, flag.value, rangeOf) });
  });
}

/** RUN --mount: BuildKit reads the value as one CSV record and expands each field's value. */
function mountParts(ctx: PartContext, flag: Flag, index: number, parts: ExpandedPart[]): void {
  const value = flag.value ?? '';
  let fields;
  try {
    fields = readCsvRecord(value);
  } catch (e) {
    parts.push({ role: 'mount', index, name: '', raw: value, value, range: flag.valueRange ?? flag.range, references: [], error: `failed to parse csv mounts: ${(e as Error).message}` });
    return;
  }
  for (const field of fields) {
    const eq = field.value.indexOf('=');
    if (eq < 0) continue;
    const key = field.value.slice(0, eq).toLowerCase();
    const raw = field.value.slice(eq + 1);
    const start = field.start + (field.value.length === field.end - field.start ? eq + 1 : 0);
    const rangeOf = (s: number, e: number): Range => flagValuePartRange(ctx.ins, flag, start + s, start + e);
    const part: ExpandedPart = { role: 'mount', index, name: key, raw, range: rangeOf(0, raw.length), ...expandText(ctx, raw, rangeOf) };
    if (key === 'from' && /\$[^\n]/.test(raw)) {
      part.value = raw;
      part.error = `'from' doesn't support variable expansion, define alias stage instead`;
    }
    parts.push(part);
  }
}

function argDefaultParts(ctx: PartContext, buildArgs: ExpandOptions['buildArgs'], parts: ExpandedPart[]): void {
  // Each pair sees the ones before it in the same ARG.
  const local = new Map<string, Variable>();
  const seq: PartContext = {
    ...ctx,
    vars: { get: (n) => (local.has(n) ? local.get(n)?.value : ctx.vars.get(n)) },
    lookup: (n) => local.get(n) ?? ctx.lookup(n),
  };
  ctx.ins.keyValues.forEach((kv, index) => {
    const name = kv.key.value;
    if (buildArgs && Object.hasOwn(buildArgs, name)) {
      local.set(name, { name, value: buildArgs[name], source: 'arg', instruction: ctx.ins, range: kv.key.range, fromBuildArg: true });
      return;
    }
    if (!kv.value) return;
    const part = wordPart(seq, 'value', index, kv.value, false);
    parts.push(part);
    local.set(name, { name, value: part.value, source: 'arg', instruction: ctx.ins, range: kv.key.range });
  });
}

// BuildKit expands heredoc bodies (after <<- chomping) with a backslash lexer that leaves quotes alone.
const HEREDOC_LEX = new ShellLex('\\', { skipProcessQuotes: true });

function heredocParts(ctx: PartContext, parts: ExpandedPart[]): void {
  ctx.ins.heredocs.forEach((h: Heredoc, index) => {
    if (!h.expand) return;
    const body = chompedWithOffsets(h);
    const rangeOf = (s: number, e: number): Range => heredocPartRange(h, body.offsets[s], e > s ? body.offsets[e - 1] + 1 : body.offsets[s]);
    parts.push({ role: 'heredoc', index, name: h.name, raw: body.text, range: h.bodyRange, ...expandText(ctx, body.text, rangeOf, false, HEREDOC_LEX, '\\', true) });
  });
}

// ---------------------------------------------------------------------------------------------
// The scope walk.

class Scope {
  constructor(
    readonly vars: Map<string, Variable>,
    readonly declared: Set<string>,
  ) {}

  snapshot(stage: Stage | undefined): InstructionScope {
    return { vars: new Map(this.vars), declaredArgs: new Set(this.declared), stage };
  }
}

/**
 * Walks the file as BuildKit dispatches it and records, for every instruction, the variables
 * its expansion sees; FROM lines get the global scope. Pure.
 */
export function dockerfileScope(df: Dockerfile, options: ScopeOptions = {}): DockerfileScope {
  const buildArgs = options.buildArgs ?? {};
  const has = (name: string): boolean => Object.hasOwn(buildArgs, name);
  const escapeChar = df.escapeChar;
  const problems: ParseProblem[] = [];
  const scopes = new Map<Instruction, InstructionScope>();
  const target = options.targetPlatform ?? options.buildPlatform ?? { os: 'linux', architecture: 'amd64' };
  const platform = platformArgs(target, options.buildPlatform ?? target);

  // The global scope (BuildKit's optMetaArgs): platform ARGs, which build-args may override,
  // then the global ARGs in order. `metaArgs` keeps "declared without value" apart from "".
  const metaArgs: { name: string; value: string | undefined; variable: Variable }[] = [];
  const global = new Map<string, Variable>();
  const addMeta = (name: string, value: string | undefined, variable: Variable): void => {
    metaArgs.push({ name, value, variable });
    global.set(name, variable);
  };
  for (const name of PLATFORM_ARGS) {
    addMeta(name, has(name) ? buildArgs[name] : platform[name], { name, value: has(name) ? buildArgs[name] : platform[name], source: 'platform', fromBuildArg: has(name) });
  }
  for (const ins of df.globalArgs) {
    scopes.set(ins, { vars: new Map(global), declaredArgs: new Set(), stage: undefined });
    for (const kv of ins.keyValues) {
      const name = kv.key.value;
      let value: string | undefined;
      if (has(name)) value = buildArgs[name];
      else if (kv.value) value = expandReporting(kv.value.value, envOf(global), escapeChar, kv.value.range, problems);
      addMeta(name, value, { name, value: value ?? '', source: 'global-arg', instruction: ins, range: kv.key.range, fromBuildArg: has(name), declaredOnly: value === undefined });
    }
  }

  const proxy = new Map<string, string>();
  for (const [k, v] of Object.entries(buildArgs)) {
    if (PROXY_ARGS.some((p) => p.toLowerCase() === k.toLowerCase())) proxy.set(k, v);
  }

  const stageScopes: StageScope[] = [];
  // Expansions made while walking the file, kept for readers (lint rules, hover) that need them again.
  const expansions = new Map<Instruction, ExpandedInstruction>();
  // Per stage: the final variables, the ENV-only view (the image config), and ONBUILD triggers.
  const finals = new Map<Stage, { scope: Scope; imageEnv: Map<string, Variable>; onbuild: Instruction[] }>();

  const applyInstruction = (ins: Instruction, scope: Scope, imageEnv: Map<string, Variable>, onbuild: Instruction[] | undefined): void => {
    if (ins.keyword === 'ENV') {
      const expanded = expandInstruction(ins, scope.vars, { escapeChar });
      // Only the file's own ENVs (not ONBUILD triggers replayed in another stage) are kept for readers.
      if (onbuild) expansions.set(ins, expanded);
      for (const p of expanded.parts) if (p.error) problems.push({ message: p.error, range: p.range });
      ins.keyValues.forEach((kv, i) => {
        const key = expanded.parts.find((p) => p.role === 'key' && p.index === i)?.value ?? kv.key.value;
        const value = expanded.parts.find((p) => p.role === 'value' && p.index === i)?.value ?? '';
        const v: Variable = { name: key, value, source: 'env', instruction: ins, range: kv.key.range };
        scope.vars.set(key, v);
        imageEnv.set(key, v);
      });
    } else if (ins.keyword === 'ARG') {
      for (const kv of ins.keyValues) {
        const name = kv.key.value;
        let value: string | undefined;
        let fromBuildArg = false;
        if (has(name)) {
          value = buildArgs[name];
          fromBuildArg = true;
        } else if (kv.value) {
          value = expandReporting(kv.value.value, envOf(scope.vars), escapeChar, kv.value.range, problems);
        } else {
          // No default: the last global (or platform) ARG of that name, which may itself be unset.
          for (const m of metaArgs) if (m.name === name) value = m.value;
        }
        scope.declared.add(name);
        if (value !== undefined && !NON_ENV_ARGS.has(name)) {
          scope.vars.set(name, { name, value, source: 'arg', instruction: ins, range: kv.key.range, fromBuildArg });
        }
      }
    } else if (ins.keyword === 'ONBUILD' && ins.subInstruction && onbuild) {
      onbuild.push(ins.subInstruction);
    }
  };

  for (const stage of df.stages) {
    const from = stage.from;
    scopes.set(from, { vars: new Map(global), declaredArgs: new Set(), stage });
    // Errors in FROM are reported with the instruction's other expansions below.
    const baseName = stage.base ? expandReporting(stage.base.value, envOf(global), escapeChar, stage.base.range, []) : '';
    // BuildKit looks the expanded name up among earlier stages only, without lower-casing it.
    let base: Stage | undefined;
    for (const s of df.stages) if (s.index < stage.index && s.name !== undefined && s.name === baseName) base = s;
    let scope: Scope;
    let imageEnv: Map<string, Variable>;
    const onbuild: Instruction[] = [];
    const baseFinal = base && finals.get(base);
    if (baseFinal) {
      scope = new Scope(new Map(baseFinal.scope.vars), new Set());
      imageEnv = new Map(baseFinal.imageEnv);
      // The image config's ENV is applied again over the inherited state, so an ENV beats an ARG of the base here.
      for (const [k, v] of imageEnv) scope.vars.set(k, v);
      for (const trigger of baseFinal.onbuild) applyInstruction(trigger, scope, imageEnv, undefined);
    } else {
      const env = baseName === 'scratch' ? undefined : options.imageEnv?.(baseName);
      imageEnv = new Map(Object.entries(env ?? {}).map(([k, value]) => [k, { name: k, value, source: 'image' as const }]));
      if (!imageEnv.has('PATH')) imageEnv.set('PATH', { name: 'PATH', value: DEFAULT_PATH, source: 'image' });
      scope = new Scope(new Map(imageEnv), new Set());
    }
    // Snapshots are shared until an ENV or ARG changes something.
    let current = scope.snapshot(stage);
    for (const ins of stage.instructions) {
      scopes.set(ins, current);
      if (ins.keyword === 'ENV' || ins.keyword === 'ARG') {
        applyInstruction(ins, scope, imageEnv, onbuild);
        current = scope.snapshot(stage);
      } else {
        applyInstruction(ins, scope, imageEnv, onbuild);
        reportExpansionErrors(ins, current, escapeChar, problems, expansions);
      }
    }
    finals.set(stage, { scope, imageEnv, onbuild });
    stageScopes.push({ stage, baseName, base, end: current });
  }
  for (const s of stageScopes) {
    const scope = scopes.get(s.stage.from);
    if (scope) reportExpansionErrors(s.stage.from, scope, escapeChar, problems, expansions);
    if (s.stage.base && s.baseName === '' && !problems.some((p) => p.range === s.stage.base?.range)) {
      problems.push({ message: `base name (${s.stage.base.value}) should not be blank`, range: s.stage.base.range });
    }
  }

  return {
    global,
    proxy,
    stages: stageScopes,
    problems,
    at: (ins) => scopes.get(ins),
    expanded: (ins) => {
      let done = expansions.get(ins);
      const spec = expansionSpec(ins.keyword);
      // Most lines of a long file (RUN in shell form, COMMENT-like instructions) expand nothing.
      if (!done && spec.args === 'none' && spec.flags.length === 0 && !spec.heredocs && spec.keyValues === 'none') return scopes.has(ins) ? { instruction: ins, parts: [] } : undefined;
      const at = done ? undefined : scopes.get(ins);
      if (!done && at) {
        done = expandInstruction(ins, at.vars, { escapeChar });
        expansions.set(ins, done);
      }
      return done;
    },
  };
}

/**
 * No variable, quote or escape character anywhere in the instruction (and no heredoc): expanding
 * it changes nothing and cannot fail, so a long file's plain lines skip the shell lexer.
 */
export function isPlainInstruction(ins: Instruction): boolean {
  return ins.heredocs.length === 0 && !/[$"'\\`]/.test(ins.original);
}

/** Expands an instruction in the scope the file gives it (FROM: the global scope). */
export function expandAt(scope: DockerfileScope, ins: Instruction, options: ExpandOptions = {}): ExpandedInstruction | undefined {
  const at = scope.at(ins);
  return at && expandInstruction(ins, at.vars, options);
}

function expandReporting(raw: string, env: EnvGetter, escapeChar: EscapeChar, range: Range, problems: ParseProblem[]): string {
  try {
    return new ShellLex(escapeChar).processWord(raw, env);
  } catch (e) {
    if (!(e instanceof ExpansionError)) throw e;
    problems.push({ message: e.message, range });
    return '';
  }
}

function reportExpansionErrors(ins: Instruction, scope: InstructionScope, escapeChar: EscapeChar, problems: ParseProblem[], memo: Map<Instruction, ExpandedInstruction>): void {
  const spec = expansionSpec(ins.keyword);
  if (spec.args === 'none' && spec.flags.length === 0 && !spec.heredocs) return;
  if (isPlainInstruction(ins)) return;
  const expanded = expandInstruction(ins, scope.vars, { escapeChar });
  memo.set(ins, expanded);
  for (const p of expanded.parts) {
    if (p.error) problems.push({ message: p.error, range: p.range });
  }
}
