import type { Dockerfile, Instruction, Range, Stage } from '../../../dockerfile/types';
import { commandsNamed, runInfos, type LocatedCommand, type RunInfo } from '../../shell/run-scripts';
import type { Finding, Fix, LintInput, Rule, Severity } from '../../types';

/** A hadolint rule's identity: its DL code, its default severity and its message, as hadolint prints them. */
export interface DLMeta {
  id: string;
  name: string;
  severity: Severity;
  message: string;
}

/** A place a rule found, with an optional message that replaces the rule's own (labels name the label) and fixes. */
export type Hit = Range | { range: Range; message?: string; fixes?: Fix[] };

/**
 * Builds a rule from a function that lists where it fails. Like hadolint, which reports
 * only the parse error (DL1000) for a file it cannot parse, it is silent on a Dockerfile
 * with syntax errors: the model of a broken file would make its findings guesses.
 */
export function dlRule(meta: DLMeta, hits: (input: LintInput) => Hit[]): Rule {
  return {
    id: meta.id,
    name: meta.name,
    severity: meta.severity,
    description: meta.message,
    check: (input) => (unparsable(input) ? [] : hits(input).map((h) => finding(meta, h))),
  };
}

// BuildKit refuses instructions before FROM, hadolint parses them and says DL3061: that error alone is no reason for silence.
const ORDER_ERROR = /^no build stage in current context/;
const unparsable = (input: LintInput) => input.dockerfile.errors.some((e) => !ORDER_ERROR.test(e.message));

/**
 * A rule hadolint ships at its "ignore" level: it reports only when a configuration gives it
 * a severity (`override: {warning: [DL3057]}`), as hadolint does.
 */
export function optInRule(meta: DLMeta, hits: (input: LintInput) => Hit[]): Rule {
  return dlRule(meta, (input) => {
    const set = input.options.severities[meta.id] ?? input.options.severities[meta.name];
    return set && set !== 'off' ? hits(input) : [];
  });
}

function finding(meta: DLMeta, hit: Hit): Finding {
  const more = 'range' in hit ? hit : undefined;
  return { rule: meta.id, severity: meta.severity, range: rangeOf(hit), message: more?.message ?? meta.message, fixes: more?.fixes ?? [], related: [] };
}

/** A rule over each RUN (and ONBUILD RUN): the ranges it returns are reported. */
export function runRule(meta: DLMeta, bad: (run: RunInfo, input: LintInput) => Hit[]): Rule {
  return dlRule(meta, (input) => runInfos(input.dockerfile).flatMap((run) => bad(run, input)));
}

/**
 * A rule over the RUN commands with some names (a name, a list, or a test): each command it
 * rejects is reported at its exact range.
 */
export function commandRule(
  meta: DLMeta,
  names: string | string[] | ((name: string) => boolean),
  bad: (cmd: LocatedCommand, run: RunInfo) => boolean,
  fix?: (cmd: LocatedCommand) => Fix | undefined,
): Rule {
  const named = Array.isArray(names) ? (n: string) => names.includes(n) : names;
  return dlRule(meta, (input) =>
    commandsNamed(input.dockerfile, named)
      .filter((c) => bad(c.cmd, c.run))
      .map(({ cmd }) => {
        const f = fix?.(cmd);
        return f ? { range: cmd.range, fixes: [f] } : cmd.range;
      }),
  );
}

/** A fix that inserts `text` right after the first of the command's words in `words` (the name counts). */
export function insertAfterWord(cmd: LocatedCommand, words: string[], text: string, title: string): Fix | undefined {
  const at = words.includes(cmd.name) ? { start: cmd.start, end: cmd.start + cmd.name.length } : cmd.args.find((a) => words.includes(a.value));
  if (!at) return undefined;
  const end = cmd.locate(at.start, at.end).end;
  return { title, edits: [{ range: { start: end, end }, newText: text }] };
}

/** A fix that replaces the command's name. */
export function renameCommand(cmd: LocatedCommand, name: string, title: string): Fix {
  return { title, edits: [{ range: cmd.locate(cmd.start, cmd.start + cmd.name.length), newText: name }], preferred: true };
}

/** An instruction with the stage it belongs to. */
export interface Placed {
  ins: Instruction;
  stage: Stage;
}

const byKeyword = new WeakMap<Dockerfile, Map<string, Placed[]>>();

/** The instructions of the stages (FROM included) with this keyword, in order; indexed once per Dockerfile. */
export function instructionsOf(dockerfile: Dockerfile, keyword: string): Placed[] {
  let index = byKeyword.get(dockerfile);
  if (!index) {
    index = new Map();
    for (const stage of dockerfile.stages) {
      for (const ins of [stage.from, ...stage.instructions]) {
        const list = index.get(ins.keyword);
        if (list) list.push({ ins, stage });
        else index.set(ins.keyword, [{ ins, stage }]);
      }
    }
    byKeyword.set(dockerfile, index);
  }
  return index.get(keyword) ?? [];
}

/** A rule over the instructions of each stage with the given keywords. */
export function instructionRule(meta: DLMeta, keywords: string[], bad: (ins: Instruction, stage: Stage, input: LintInput) => Hit | boolean | undefined): Rule {
  return dlRule(meta, (input) => {
    const hits: Hit[] = [];
    for (const keyword of keywords) {
      for (const { ins, stage } of instructionsOf(input.dockerfile, keyword)) {
        const hit = bad(ins, stage, input);
        if (hit === true) hits.push(ins.range);
        else if (hit) hits.push(hit);
      }
    }
    return keywords.length > 1 ? hits.sort((a, b) => rangeOf(a).start.line - rangeOf(b).start.line) : hits;
  });
}

const rangeOf = (h: Hit): Range => ('range' in h ? h.range : h);

/** Removes one pair of surrounding quotes, as hadolint's dropQuotes. */
export function dropQuotes(s: string): string {
  return /^(["']).*\1$/s.test(s) && s.length >= 2 ? s.slice(1, -1) : s;
}

/** The value of a `--name=value` flag of an instruction. */
export function flagOf(ins: Instruction, name: string): string | undefined {
  return ins.flags.find((f) => f.name === name)?.value;
}

/** Cache mounts of a RUN (`--mount=type=cache,target=...`), as their target paths. */
export function cacheMountTargets(ins: Instruction): string[] {
  const out: string[] = [];
  for (const f of ins.flags) {
    if (f.name !== 'mount' || !f.value) continue;
    const fields = new Map(f.value.split(',').map((kv) => {
      const i = kv.indexOf('=');
      return [(i < 0 ? kv : kv.slice(0, i)).trim().toLowerCase(), i < 0 ? '' : kv.slice(i + 1).trim()] as [string, string];
    }));
    if (fields.get('type') !== 'cache') continue;
    const target = fields.get('target') ?? fields.get('dst') ?? fields.get('destination');
    if (target) out.push(target);
  }
  return out;
}

/** A RUN has a cache mount at or under one of these folders. */
export function hasCacheMount(ins: Instruction, dirs: string[]): boolean {
  return cacheMountTargets(ins).some((t) => dirs.some((d) => t === d || t.startsWith(d + '/') || d.startsWith(t.replace(/\/$/, '') + '/')));
}

/** The stages that a later FROM builds on (by name), whose content therefore reaches another stage. */
export function stagesUsedAsBase(stages: Stage[]): Set<Stage> {
  const used = new Set<Stage>();
  for (const s of stages) {
    const base = s.base?.value.toLowerCase();
    const parent = stages.find((p) => p.index < s.index && (p.name === base || String(p.index) === base));
    if (parent) used.add(parent);
  }
  return used;
}

/** The earlier stage a stage builds on, if its FROM names one. */
export function parentStage(stage: Stage, stages: Stage[]): Stage | undefined {
  const base = stage.base?.value.toLowerCase();
  return stages.find((p) => p.index < stage.index && p.name !== undefined && p.name === base);
}
