import { DocumentHighlightKind, ErrorCodes, ResponseError, type DocumentHighlight, type Location, type Position, type Range, type WorkspaceEdit } from 'vscode-languageserver';
import { parsed } from './document';
import { hasSplitUse, occurrences, symbolAt, type FileSymbol } from './symbols-at';

/** Find references: every occurrence of the stage or variable under the cursor (its definition when asked). */
export function referencesAt(uri: string, text: string, p: Position, includeDeclaration: boolean): Location[] {
  const doc = parsed(text);
  const symbol = symbolAt(doc, p);
  if (!symbol) return [];
  return occurrences(doc, symbol)
    .filter((o) => includeDeclaration || !o.write)
    .map((o) => ({ uri, range: o.range }));
}

/** Document highlight: the symbol's occurrences, definitions as writes. */
export function highlightsAt(text: string, p: Position): DocumentHighlight[] {
  const doc = parsed(text);
  const symbol = symbolAt(doc, p);
  if (!symbol) return [];
  return occurrences(doc, symbol).map((o) => ({ range: o.range, kind: o.write ? DocumentHighlightKind.Write : DocumentHighlightKind.Read }));
}

/** The range a rename would replace at the cursor, with the current name; null where nothing can be renamed. */
export function prepareRenameAt(text: string, p: Position): { range: Range; placeholder: string } | null {
  const doc = parsed(text);
  const symbol = symbolAt(doc, p);
  if (!symbol) return null;
  const here = occurrences(doc, symbol).find((o) => o.range.start.line === p.line && o.range.start.character <= p.character && p.character <= o.range.end.character);
  return here ? { range: here.range, placeholder: symbol.name } : null;
}

// BuildKit's stage name rule (instructions/parse.go) and the names its lexer reads after `$`.
const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/i;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Rename a stage (its `AS` name and every --from / FROM / from= that names it) or an ARG/ENV
 * name (declarations and uses, the shell's included) across the file. Invalid new names are
 * refused with an error the editor shows, so a rename never produces a broken Dockerfile.
 */
export function renameAt(uri: string, text: string, p: Position, newName: string): WorkspaceEdit | null {
  const doc = parsed(text);
  const symbol = symbolAt(doc, p);
  if (!symbol) return null;
  checkName(symbol, newName, doc.dockerfile.stages.map((s) => s.name));
  // Half a rename is worse than none.
  if (symbol.kind === 'variable' && hasSplitUse(doc, symbol.name)) throw new ResponseError(ErrorCodes.InvalidRequest, `a use of $${symbol.name} is split over two lines: join it, then rename`);
  return { changes: { [uri]: occurrences(doc, symbol).map((o) => ({ range: o.range, newText: newName })) } };
}

function checkName(symbol: FileSymbol, newName: string, stageNames: (string | undefined)[]): void {
  if (symbol.kind === 'stage') {
    if (!STAGE_NAME.test(newName)) throw new ResponseError(ErrorCodes.InvalidParams, `"${newName}" is not a valid stage name: it must start with a letter and contain only letters, digits, '-', '_' and '.'`);
    if (newName.toLowerCase() !== symbol.name && stageNames.includes(newName.toLowerCase())) throw new ResponseError(ErrorCodes.InvalidParams, `a stage named "${newName}" already exists`);
  } else if (!VARIABLE_NAME.test(newName)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `"${newName}" is not a valid variable name: letters, digits and '_', not starting with a digit`);
  }
}
