import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { Instruction, Range } from '../../engine/dockerfile/types';
import { parsed } from './document';

const KIND: Record<string, SymbolKind> = { ARG: SymbolKind.Variable, ENV: SymbolKind.Variable, LABEL: SymbolKind.Property, FROM: SymbolKind.Class };

/** Document symbols: global ARGs, then each stage (its name, or stage N) with its instructions as children. */
export function documentSymbols(text: string): DocumentSymbol[] {
  const { dockerfile: df } = parsed(text);
  const out: DocumentSymbol[] = df.globalArgs.map(instructionSymbol);
  for (const stage of df.stages) {
    const last = stage.instructions[stage.instructions.length - 1] ?? stage.from;
    const range: Range = { start: stage.from.range.start, end: last.range.end };
    out.push({
      name: stage.name ?? `stage ${stage.index}`,
      detail: `FROM ${stage.base?.value ?? ''}`,
      kind: SymbolKind.Module,
      range,
      selectionRange: stage.nameRange ?? stage.from.keywordRange,
      children: [stage.from, ...stage.instructions].map(instructionSymbol),
    });
  }
  return out;
}

function instructionSymbol(ins: Instruction): DocumentSymbol {
  const names = ins.keyValues.map((kv) => kv.key.value).join(' ');
  const detail = (ins.keyword === 'ARG' || ins.keyword === 'ENV' ? names : ins.original.trim().slice(ins.keyword.length)).trim().replace(/\s+/g, ' ');
  return {
    name: ins.keyword,
    detail: detail.length > 60 ? `${detail.slice(0, 59)}…` : detail,
    kind: KIND[ins.keyword] ?? SymbolKind.Function,
    range: ins.range,
    selectionRange: ins.keywordRange,
  };
}
