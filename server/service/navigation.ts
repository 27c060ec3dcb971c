import type { Hover, Location, Position } from 'vscode-languageserver';
import type { ResolvedReference, Variable } from '../../engine/dockerfile/scope';
import { dockerfileScope, expandAt } from '../../engine/dockerfile/scope';
import type { Instruction } from '../../engine/dockerfile/types';
import { inside, instructionAt, parsed, type ParsedDocument } from './document';
import { humanSize } from '../../engine/analyze/format';
import type { EndOfLife } from '../../engine/lint/data/eol';
import type { BuildRecord } from '../build-records';
import { stepsByInstruction } from './build-steps';
import { FLAGS } from './completion-data';
import { INSTRUCTION_DOCS } from './instruction-docs';
import { layerTitle } from './layer-lens';
import { symbolAt } from './symbols-at';

function referenceAt(doc: ParsedDocument, ins: Instruction, p: Position, buildArgs?: Record<string, string>): ResolvedReference | undefined {
  // With the last build's --build-arg values, variables read as that build saw them.
  const scope = buildArgs && Object.keys(buildArgs).length > 0 ? dockerfileScope(doc.dockerfile, { buildArgs }) : doc.scope;
  const expanded = expandAt(scope, ins);
  for (const part of expanded?.parts ?? []) for (const ref of part.references) if (inside(ref.range, p)) return ref;
  return undefined;
}

function describe(v: Variable): string {
  const where = v.instruction ? ` by ${v.instruction.keyword} on line ${v.instruction.range.start.line + 1}` : v.source === 'platform' ? ' by BuildKit (platform)' : '';
  return `\`${v.value}\` — set${where}${v.fromBuildArg ? ' (from --build-arg)' : ''}`;
}

/** What hover knows from outside the text: base images (store, table, EOL) and the last build. */
export interface HoverFacts {
  /** By the FROM word as written. */
  bases?: ReadonlyMap<string, BaseSummary>;
  record?: BuildRecord;
  /** Today, for "end of life since" (ms since the epoch). */
  now?: number;
}

/** What is known of a base image before building it. */
export interface BaseSummary {
  label: string;
  source: 'store' | 'known';
  /** Bytes of its layers as stored. */
  size?: number;
  layers?: number;
  created?: string;
  platform?: string;
  eol?: EndOfLife;
}

/**
 * Hover: an instruction's documentation on its keyword (with, after a build, what its step
 * made) and a flag's on its name; on a FROM image, what is known of the base; on a variable, the value it has at that
 * point (ARG/ENV scoping as BuildKit resolves it) and where it was set.
 */
export function hoverAt(text: string, p: Position, facts: HoverFacts = {}): Hover | null {
  const doc = parsed(text);
  const ins = instructionAt(doc.dockerfile, p);
  if (!ins) return null;
  const target = ins.subInstruction && inside(ins.subInstruction.range, p) ? ins.subInstruction : ins;
  if (inside(target.keywordRange, p)) {
    const docs = INSTRUCTION_DOCS[target.keyword];
    const step = stepsByInstruction(doc, facts.record).get(ins);
    const built = step?.layer ? `\n\nLast build: ${layerTitle(step)}` : step ? '\n\nLast build: no layer (it changes only the image config)' : '';
    return docs ? { contents: { kind: 'markdown', value: `**${target.keyword}** — ${docs}${built}` }, range: target.keywordRange } : null;
  }
  const flag = target.flags.find((f) => inside(f.nameRange, p));
  const flagDoc = flag && FLAGS[target.keyword]?.find((f) => f.name === flag.name)?.doc;
  if (flag && flagDoc) return { contents: { kind: 'markdown', value: `**--${flag.name}** — ${flagDoc}` }, range: flag.nameRange };
  const base = ins.keyword === 'FROM' && ins.args[0] && inside(ins.args[0].range, p) ? baseHover(ins.args[0].value, facts) : undefined;
  if (base) return { contents: { kind: 'markdown', value: base }, range: ins.args[0].range };
  const ref = referenceAt(doc, ins, p, facts.record?.buildArgs);
  if (!ref) return null;
  const value = ref.variable ? describe(ref.variable) : 'not set here: it expands to an empty string';
  return { contents: { kind: 'markdown', value: `**$${ref.name}** = ${value}` }, range: ref.range };
}

function baseHover(word: string, facts: HoverFacts): string | undefined {
  const base = facts.bases?.get(word);
  if (!base) return undefined;
  const lines = [`**${base.label}** — ${base.source === 'store' ? 'in the local image store' : 'from the table of common base images (not in the local store)'}`];
  const figures = [base.size !== undefined ? humanSize(base.size) : undefined, base.layers !== undefined ? `${base.layers} layer${base.layers === 1 ? '' : 's'}` : undefined, base.platform].filter(Boolean);
  if (figures.length) lines.push(figures.join(' · '));
  if (base.created) lines.push(`created ${base.created}`);
  if (base.eol) {
    const ended = Date.parse(base.eol.date) <= (facts.now ?? Date.now());
    lines.push(ended ? `⚠ ${base.eol.release} reached end of life on ${base.eol.date}: no more security fixes` : `${base.eol.release} is supported until ${base.eol.date}`);
  }
  return lines.join('\n\n');
}

/** Go to definition: a variable to the ARG/ENV that set it, a stage name to its FROM ... AS. */
export function definitionAt(uri: string, text: string, p: Position): Location | null {
  const doc = parsed(text);
  const ins = instructionAt(doc.dockerfile, p);
  if (!ins) return null;
  const ref = referenceAt(doc, ins, p);
  if (ref?.variable?.range) return { uri, range: ref.variable.range };
  for (const node of doc.graph.nodes) {
    for (const r of node.references) {
      if (r.stage && inside(r.range, p)) return { uri, range: r.stage.nameRange ?? r.stage.from.range };
    }
  }
  // A shell's `$NAME` in RUN: the last ARG/ENV of that name before it in the stage.
  const symbol = symbolAt(doc, p);
  if (symbol?.kind === 'variable') {
    const v = doc.scope.at(ins)?.vars.get(symbol.name);
    if (v?.range) return { uri, range: v.range };
  }
  return null;
}
