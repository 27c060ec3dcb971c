import * as path from 'node:path';
import { RULES, SYNTAX_RULE } from '../../lint/index';
import { ruleDocsUrl } from '../../lint/rule-docs';
import type { Finding, Severity } from '../../lint/types';
import type { Range } from '../../dockerfile/types';

/** The parts of a SARIF 2.1.0 log Layerwise writes (the OASIS schema is in test/fixtures/sarif). */
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface SarifLocation {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: SarifRegion };
  message?: { text: string };
}

interface SarifRun {
  tool: { driver: { name: string; version: string; informationUri: string; rules: SarifRule[] } };
  originalUriBaseIds: Record<string, { uri: string }>;
  columnKind: 'utf16CodeUnits';
  results: SarifResult[];
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  helpUri: string;
  defaultConfiguration: { level: SarifLevel };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: SarifLocation[];
  relatedLocations?: (SarifLocation & { id: number })[];
  fixes?: { description: { text: string }; artifactChanges: { artifactLocation: { uri: string; uriBaseId: string }; replacements: { deletedRegion: SarifRegion; insertedContent: { text: string } }[] }[] }[];
}

type SarifLevel = 'error' | 'warning' | 'note';

// hadolint's mapping: info and style findings are notes.
const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note', style: 'note' };

// SARIF columns are 1-based and the end column is the one after the range.
function region(r: Range): SarifRegion {
  return { startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

/** A file's URI relative to the working directory (the repository root in CI), as code scanning expects. */
function artifactUri(file: string, root: string): string {
  const rel = path.relative(root, path.resolve(file)).split(path.sep).join('/');
  return encodeURI(rel.startsWith('../') ? path.resolve(file) : rel);
}

/** Findings of several files as one SARIF 2.1.0 run that GitHub code scanning accepts. */
export function findingsToSarif(results: { file: string; findings: Finding[] }[], version: string, root = process.cwd()): SarifLog {
  const catalog = new Map(RULES.map((r) => [r.id, r]));
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const indexOf = (id: string, severity: Severity): number => {
    let i = ruleIndex.get(id);
    if (i === undefined) {
      const rule = catalog.get(id);
      const text = rule?.description ?? (id === SYNTAX_RULE ? 'The Dockerfile cannot be parsed: docker build rejects it.' : id);
      i = rules.push({ id, name: rule?.name ?? id, shortDescription: { text }, helpUri: ruleDocsUrl(id), defaultConfiguration: { level: LEVEL[rule?.severity ?? severity] } }) - 1;
      ruleIndex.set(id, i);
    }
    return i;
  };
  const out: SarifResult[] = [];
  for (const { file, findings } of results) {
    const artifactLocation = { uri: artifactUri(file, root), uriBaseId: 'SRCROOT' };
    for (const f of findings) {
      const result: SarifResult = {
        ruleId: f.rule,
        ruleIndex: indexOf(f.rule, f.severity),
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [{ physicalLocation: { artifactLocation, region: region(f.range) } }],
      };
      if (f.related.length > 0) result.relatedLocations = f.related.map((r, id) => ({ id, physicalLocation: { artifactLocation, region: region(r.range) }, message: { text: r.message } }));
      const fixes = f.fixes.filter((x) => x.edits.length > 0);
      if (fixes.length > 0) {
        result.fixes = fixes.map((x) => ({
          description: { text: x.title },
          artifactChanges: [{ artifactLocation, replacements: x.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })) }],
        }));
      }
      out.push(result);
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'layerwise', version, informationUri: 'https://github.com/layerwise/layerwise', rules } },
        originalUriBaseIds: { SRCROOT: { uri: `${encodeURI(`file://${root.split(path.sep).join('/')}`)}/` } },
        columnKind: 'utf16CodeUnits',
        results: out,
      },
    ],
  };
}
