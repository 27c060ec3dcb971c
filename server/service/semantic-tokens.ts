import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import type { Instruction, Range } from '../../engine/dockerfile/types';
import { parsed, type ParsedDocument } from './document';
import { variableUsesOf } from './symbols-at';

const TYPES = ['keyword', 'parameter', 'variable', 'namespace', 'macro', 'property'] as const;
const MODIFIERS = ['declaration', 'deprecated'] as const;
type TokenType = (typeof TYPES)[number];

/** The token types and modifiers the server reports, in the order their indexes refer to. */
export const SEMANTIC_LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

interface Token {
  range: Range;
  type: TokenType;
  declaration?: boolean;
  deprecated?: boolean;
}

/**
 * Semantic tokens (of the whole file, or of the lines in `range`): instruction keywords (and
 * AS), flags, ARG/ENV names where declared and where used (the shell's `$NAME` in RUN
 * included), stage names, and parser directives.
 * What TextMate cannot know: which words are stages and which `$X` are ARG/ENV names.
 */
export function semanticTokens(text: string, range?: Range): SemanticTokens {
  const doc = parsed(text);
  // A range request (the lines on screen of a long file) reads only the instructions there.
  const within = (r: Range) => !range || (r.end.line >= range.start.line && r.start.line <= range.end.line);
  const tokens: Token[] = [];
  for (const d of doc.dockerfile.directives) tokens.push({ range: d.range, type: 'macro' });
  for (const ins of doc.dockerfile.instructions) if (within(ins.range)) instructionTokens(doc, ins, tokens);
  for (const stage of doc.dockerfile.stages) if (stage.nameRange) tokens.push({ range: stage.nameRange, type: 'namespace', declaration: true });
  for (const node of doc.graph.nodes) for (const r of node.references) if (r.stage && within(r.range)) tokens.push({ range: r.range, type: 'namespace' });
  return encode(tokens.filter((t) => within(t.range)));
}

function instructionTokens(doc: ParsedDocument, ins: Instruction, tokens: Token[]): void {
  tokens.push({ range: ins.keywordRange, type: 'keyword', deprecated: ins.keyword === 'MAINTAINER' });
  if (ins.subInstruction) instructionTokens(doc, ins.subInstruction, tokens);
  for (const f of ins.flags) tokens.push({ range: f.nameRange, type: 'parameter' });
  if (ins.keyword === 'FROM' && ins.args.length >= 3) tokens.push({ range: ins.args[1].range, type: 'keyword' });
  if (ins.keyword === 'ARG' || ins.keyword === 'ENV') for (const kv of ins.keyValues) tokens.push({ range: kv.key.range, type: 'variable', declaration: true });
  if (ins.keyword === 'LABEL') for (const kv of ins.keyValues) tokens.push({ range: kv.key.range, type: 'property' });
  for (const use of variableUsesOf(doc, ins)) tokens.push({ range: use.whole, type: 'variable' });
}

/** Sorted, single-line, non-overlapping tokens, as LSP requires; the first of two overlapping ones wins. */
function encode(tokens: Token[]): SemanticTokens {
  const single = tokens.filter((t) => t.range.start.line === t.range.end.line && t.range.end.character > t.range.start.character);
  single.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  const builder = new SemanticTokensBuilder();
  let lastLine = -1;
  let lastEnd = 0;
  for (const t of single) {
    const { line, character } = t.range.start;
    if (line === lastLine && character < lastEnd) continue;
    const modifiers = (t.declaration ? 1 : 0) | (t.deprecated ? 2 : 0);
    builder.push(line, character, t.range.end.character - character, TYPES.indexOf(t.type), modifiers);
    lastLine = line;
    lastEnd = t.range.end.character;
  }
  return builder.build();
}
