import { CompletionItemKind, InsertTextFormat, type CompletionItem, type CompletionList, type Position, type Range } from 'vscode-languageserver';
import { PLATFORM_ARGS } from '../../engine/dockerfile/scope';
import type { Instruction, Stage } from '../../engine/dockerfile/types';
import { FLAGS, MOUNT_OPTIONS, MOUNT_TYPES, NOT_IN_ONBUILD, type FlagInfo } from './completion-data';
import { inside, instructionAt, parsed, type ParsedDocument } from './document';
import { INSTRUCTION_DOCS } from './instruction-docs';

/** What completion needs from outside the text: the build context and the local image store. */
export interface CompletionEnv {
  /** Entries of a context folder (relative, '' for the root), ignored files left out; [] when unknown. */
  contextEntries?(dir: string): { name: string; directory: boolean }[];
  /** Image references in the local store, as Docker prints them (`alpine:3.20`). */
  images?: string[];
}

const EMPTY: CompletionList = { isIncomplete: false, items: [] };

/**
 * Completion at a position: instruction keywords at the start of a line, flags and their
 * values (RUN --mount fields included), stage names after --from / from= / FROM, variable
 * names after `$` and `${`, build-context paths in COPY/ADD, and local images after FROM.
 */
export function completionAt(text: string, p: Position, env: CompletionEnv = {}): CompletionList {
  const doc = parsed(text);
  const ins = instructionAt(doc.dockerfile, p);
  const heredoc = ins?.heredocs.find((h) => h.bodyRange.start.line <= p.line && p.line <= h.bodyRange.end.line && !inside(h.markerRange, p));
  const before = logicalPrefix(doc, p);
  const dollar = /\$\{?([A-Za-z0-9_]*)$/.exec(before);
  if (dollar) return list(variables(doc, ins, p, replaceBack(p, dollar[1].length)));
  if (heredoc || /^\s*#/.test(before)) return EMPTY;

  const keywordOnly = /^\s*(?:(ONBUILD)\s+)?([A-Za-z]*)$/i.exec(before);
  if (keywordOnly) return list(keywords(replaceBack(p, keywordOnly[2].length), !!keywordOnly[1]));

  const head = /^\s*(?:ONBUILD\s+)?([A-Za-z]+)\s+/i.exec(before);
  if (!head) return EMPTY;
  const keyword = head[1].toUpperCase();
  const rest = before.slice(head[0].length);
  const token = /\S*$/.exec(rest)![0];
  const earlier = rest.slice(0, rest.length - token.length).split(/\s+/).filter(Boolean);
  const argsSoFar = earlier.filter((w) => !w.startsWith('--'));

  if (token.startsWith('--') && argsSoFar.length === 0) return list(flagCompletion(doc, keyword, token, earlier, p, env));
  if (keyword === 'FROM') {
    if (argsSoFar.length === 0) return list(images(doc, p, token, env));
    if (argsSoFar.length === 1) return list([{ label: 'AS', kind: CompletionItemKind.Keyword, detail: 'name this stage', textEdit: { range: replaceBack(p, token.length), newText: 'AS ' } }]);
    return EMPTY;
  }
  if ((keyword === 'COPY' || keyword === 'ADD') && !earlier.some((w) => w.startsWith('--from')) && !token.startsWith('[') && !token.startsWith('"') && !token.startsWith('<<')) {
    return list(contextPaths(p, token, env));
  }
  if (keyword === 'HEALTHCHECK' && argsSoFar.length === 0) {
    return list(['CMD', 'NONE'].map((k) => ({ label: k, kind: CompletionItemKind.Keyword, textEdit: { range: replaceBack(p, token.length), newText: `${k} ` } })));
  }
  return EMPTY;
}

// The editor would sort items by label; ours come in an order worth keeping (FROM and RUN
// first, a mount's target first, stages before images).
function list(items: CompletionItem[]): CompletionList {
  return { isIncomplete: false, items: items.map((item, i) => ({ ...item, sortText: String(i).padStart(4, '0') })) };
}

/** The range from `length` characters before the cursor to the cursor. */
function replaceBack(p: Position, length: number): Range {
  return { start: { line: p.line, character: p.character - length }, end: p };
}

/** The instruction's text before the cursor, continuation lines joined (so `RUN --mount=...\` on earlier lines counts). */
function logicalPrefix(doc: ParsedDocument, p: Position): string {
  const escape = doc.dockerfile.escapeChar;
  let text = (doc.lines[p.line] ?? '').slice(0, p.character);
  for (let l = p.line - 1; l >= 0; l--) {
    const line = doc.lines[l] ?? '';
    if (/^\s*#/.test(line)) continue;
    const trimmed = line.trimEnd();
    if (!trimmed.endsWith(escape)) break;
    text = `${trimmed.slice(0, -1)} ${text}`;
  }
  return text;
}

function keywords(range: Range, inOnbuild: boolean): CompletionItem[] {
  return Object.entries(INSTRUCTION_DOCS)
    .filter(([k]) => !(inOnbuild && NOT_IN_ONBUILD.has(k)))
    .map(([k, docs]) => ({
      label: k,
      kind: CompletionItemKind.Keyword,
      documentation: { kind: 'markdown', value: docs },
      textEdit: { range, newText: `${k} ` },
      deprecated: k === 'MAINTAINER',
    }));
}

function flagCompletion(doc: ParsedDocument, keyword: string, token: string, earlier: string[], p: Position, env: CompletionEnv): CompletionItem[] {
  const flags = FLAGS[keyword] ?? [];
  const eq = token.indexOf('=');
  if (eq < 0) {
    const used = new Set(earlier.map((w) => /^--([\w-]+)/.exec(w)?.[1]));
    return flags
      .filter((f) => f.repeatable || !used.has(f.name))
      .map((f) => ({
        label: `--${f.name}`,
        kind: CompletionItemKind.Property,
        documentation: { kind: 'markdown', value: f.doc },
        textEdit: { range: replaceBack(p, token.length), newText: f.bare ? `--${f.name}` : `--${f.name}=` },
        command: f.bare ? undefined : { title: 'values', command: 'editor.action.triggerSuggest' },
      }));
  }
  const name = token.slice(2, eq);
  const value = token.slice(eq + 1);
  const flag = flags.find((f) => f.name === name);
  if (!flag) return [];
  if (keyword === 'RUN' && name === 'mount') return mountCompletion(doc, value, p, env);
  if (name === 'from') return [...stageNames(doc, p, value.length), ...storeImages(p, value.length, env)];
  return valuesOf(flag, value.length, p);
}

function valuesOf(flag: FlagInfo | { values?: string[] }, typed: number, p: Position): CompletionItem[] {
  return (flag.values ?? []).map((v) => ({ label: v, kind: CompletionItemKind.Value, textEdit: { range: replaceBack(p, typed), newText: v } }));
}

/** RUN --mount=...: field names for the mount's type, then each field's values. */
function mountCompletion(doc: ParsedDocument, value: string, p: Position, env: CompletionEnv): CompletionItem[] {
  const fields = value.split(',');
  const current = fields.pop()!;
  const type = fields.map((f) => /^type=(\w+)$/.exec(f)?.[1]).find(Boolean) ?? 'bind';
  const eq = current.indexOf('=');
  if (eq >= 0) {
    const key = current.slice(0, eq).toLowerCase();
    const typed = current.length - eq - 1;
    if (key === 'type') return Object.entries(MOUNT_TYPES).map(([t, docs]) => ({ label: t, kind: CompletionItemKind.EnumMember, documentation: docs, textEdit: { range: replaceBack(p, typed), newText: `${t},` }, command: { title: 'fields', command: 'editor.action.triggerSuggest' } }));
    if (key === 'from') return [...stageNames(doc, p, typed), ...storeImages(p, typed, env)];
    const option = (MOUNT_OPTIONS[type] ?? []).find((o) => o.key === key);
    return option ? valuesOf(option, typed, p) : [];
  }
  const given = new Set(fields.map((f) => f.split('=')[0].toLowerCase()));
  const options = [...(given.has('type') ? [] : [{ key: 'type', doc: 'bind (default), cache, tmpfs, secret or ssh.' }]), ...(MOUNT_OPTIONS[type] ?? [])];
  return options
    .filter((o) => !given.has(o.key))
    .map((o) => ({
      label: o.bare ? o.key : `${o.key}=`,
      kind: CompletionItemKind.Field,
      detail: `${type} mount`,
      documentation: o.doc,
      textEdit: { range: replaceBack(p, current.length), newText: o.bare ? o.key : `${o.key}=` },
      command: o.bare ? undefined : { title: 'values', command: 'editor.action.triggerSuggest' },
    }));
}

/** Named stages defined before the cursor's stage (BuildKit refuses later ones and the stage itself). */
function stageNames(doc: ParsedDocument, p: Position, typed: number): CompletionItem[] {
  const stages = doc.dockerfile.stages;
  const own = [...stages].reverse().find((s) => s.from.range.start.line <= p.line);
  // On a FROM line the parser has not made a stage of yet, every stage above it counts.
  const limit = own && own.from.range.start.line !== p.line && /^\s*FROM\b/i.test(doc.lines[p.line] ?? '') ? own.index + 1 : (own?.index ?? 0);
  return stages
    .filter((s) => s.name && s.index < limit)
    .map((s) => ({ label: s.name!, kind: CompletionItemKind.Module, detail: `stage ${s.index}: FROM ${s.base?.value ?? ''}`, textEdit: { range: replaceBack(p, typed), newText: s.name! } }));
}

function images(doc: ParsedDocument, p: Position, token: string, env: CompletionEnv): CompletionItem[] {
  const range = replaceBack(p, token.length);
  const items: CompletionItem[] = stageNames(doc, p, token.length);
  items.push({ label: 'scratch', kind: CompletionItemKind.Constant, detail: 'an empty image', textEdit: { range, newText: 'scratch' } });
  return [...items, ...storeImages(p, token.length, env)];
}

/** Images of the local store (`name:tag`), replacing what was typed of the reference. */
function storeImages(p: Position, typed: number, env: CompletionEnv): CompletionItem[] {
  const range = replaceBack(p, typed);
  return (env.images ?? []).map((ref) => ({ label: ref, kind: CompletionItemKind.Reference, detail: 'local image store', textEdit: { range, newText: ref }, filterText: ref }));
}

function contextPaths(p: Position, token: string, env: CompletionEnv): CompletionItem[] {
  if (!env.contextEntries || token.includes('$')) return [];
  const slash = token.lastIndexOf('/');
  const dir = token.slice(0, slash + 1).replace(/^\.\//, '');
  const partial = token.slice(slash + 1);
  return env.contextEntries(dir).map((e) => ({
    label: e.directory ? `${e.name}/` : e.name,
    kind: e.directory ? CompletionItemKind.Folder : CompletionItemKind.File,
    detail: 'build context',
    textEdit: { range: replaceBack(p, partial.length), newText: e.directory ? `${e.name}/` : e.name },
    command: e.directory ? { title: 'more', command: 'editor.action.triggerSuggest' } : undefined,
  }));
}

/**
 * Variables visible at the cursor: FROM lines see the global ARGs, other lines the ARG/ENV of
 * their stage (and of the stages it is built on) written above the cursor. Read from the
 * declarations, not the full scope walk, so a keystroke in a long file stays cheap; the
 * value shown is the one written there.
 */
function variables(doc: ParsedDocument, ins: Instruction | undefined, p: Position, range: Range): CompletionItem[] {
  const df = doc.dockerfile;
  const isFrom = ins?.keyword === 'FROM' || /^\s*FROM\s/i.test(doc.lines[p.line] ?? '');
  const names = new Map<string, string>();
  const declare = (list: Instruction[], before: number) => {
    for (const i of list) {
      if (i.range.start.line >= before || (i.keyword !== 'ARG' && i.keyword !== 'ENV')) continue;
      for (const kv of i.keyValues) names.set(kv.key.value, kv.value?.value ?? names.get(kv.key.value) ?? '');
    }
  };
  const own = [...df.stages].reverse().find((s) => s.from.range.start.line <= p.line);
  if (isFrom || !own) {
    for (const name of PLATFORM_ARGS) names.set(name, '');
    declare(df.globalArgs, p.line);
  } else {
    names.set('PATH', '');
    const chain: Stage[] = [];
    for (let s: Stage | undefined = own; s && !chain.includes(s); ) {
      chain.unshift(s);
      const base: string | undefined = s.base?.value.toLowerCase();
      const index: number = s.index;
      s = df.stages.find((x) => x.index < index && x.name === base);
    }
    for (const s of chain) declare(s.instructions, s === own ? p.line : Infinity);
  }
  return [...names].map(([name, value]) => ({
    label: name,
    kind: CompletionItemKind.Variable,
    detail: value === '' ? undefined : value,
    insertTextFormat: InsertTextFormat.PlainText,
    textEdit: { range, newText: name },
  }));
}
