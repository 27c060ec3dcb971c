import * as path from 'node:path';
import { loadLintConfig } from '../../lint/config/find-config';
import { lintFile } from '../../lint/lint-file';
import type { Finding, Severity } from '../../lint/types';
import { openStore, parseCommand, STORE_OPTION } from '../args';
import { findingsToCheckstyle } from '../format/checkstyle';
import { findingsToJson, findingsToText } from '../format/findings';
import { findingsToSarif } from '../format/sarif';
import { layerwiseVersion } from '../version';
import { EngineError } from '../../errors';

const FORMATS = ['text', 'json', 'sarif', 'checkstyle'];

const ORDER: Severity[] = ['style', 'info', 'warning', 'error'];

export const LINT_HELP = `layerwise lint [options] DOCKERFILE...

Lints Dockerfiles with their build context (the Dockerfile's folder unless --context).
Exit status as hadolint's: 1 when a finding is at or above --failure-threshold (default
info), 0 otherwise (always 0 with none); 1 for a file that cannot be read, 2 for bad usage.

  --format FORMAT             text | json (hadolint's fields plus endLine/endColumn) |
                              sarif (SARIF 2.1.0, for GitHub code scanning) | checkstyle
  --config FILE               a .hadolint.yaml (default: found next to the Dockerfile, up to the
                              repository root, then ~/.config/hadolint.yaml as hadolint does)
  --context DIR               build context for the execute-bit and other context rules
  --threshold N               layers per stage before LW1001 warns (default 20)
  --failure-threshold LEVEL   error | warning | info | style | none (default: the config's, else info)
  --store DIR                 image store to read base images from`;

/** `layerwise lint`: prints findings; returns the exit status. */
export async function lintCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    ...STORE_OPTION,
    format: { type: 'string', default: 'text' },
    context: { type: 'string' },
    config: { type: 'string' },
    threshold: { type: 'string' },
    'failure-threshold': { type: 'string' },
  });
  if (positionals.length === 0) throw new EngineError('USAGE', `no Dockerfile given\n\n${LINT_HELP}`);
  if (!FORMATS.includes(values.format as string)) throw new EngineError('USAGE', `--format must be one of ${FORMATS.join(', ')}, not ${values.format}`);
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(Number.isInteger(threshold) && threshold > 0)) throw new EngineError('USAGE', `--threshold must be a positive integer`);
  const flagFailAt = values['failure-threshold'] as string | undefined;
  if (flagFailAt !== undefined && flagFailAt !== 'none' && !ORDER.includes(flagFailAt as Severity)) throw new EngineError('USAGE', `--failure-threshold must be one of ${ORDER.join(', ')}, none`);
  // An explicit --config that cannot be read is a usage error, as in hadolint; a found one is reported per file.
  const explicitConfig = values.config === undefined ? undefined : await loadLintConfig(positionals[0], values.config as string);
  let failAt = flagFailAt ?? explicitConfig?.failureThreshold;
  const store = await openStore(values.store as string | undefined);
  const results: { file: string; findings: Finding[] }[] = [];
  const unreadable: string[] = [];
  for (const file of positionals) {
    const abs = path.resolve(file);
    const config = explicitConfig ?? (await loadLintConfig(abs).catch(() => undefined));
    failAt ??= config?.failureThreshold;
    let findings: Finding[];
    try {
      findings = await lintFile(abs, { store, context: values.context as string | undefined, config: config ?? undefined, options: threshold ? { layerCountThreshold: threshold } : {} });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EISDIR' && code !== 'EACCES') throw e;
      // As hadolint: the file is named on stderr and the exit status is 1, whatever the others hold.
      unreadable.push(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'permission denied'}`);
      continue;
    }
    results.push({ file, findings });
  }
  if (values.format === 'json') {
    process.stdout.write(JSON.stringify(results.flatMap((r) => findingsToJson(r.file, r.findings)), null, 2) + '\n');
  } else if (values.format === 'sarif') {
    process.stdout.write(JSON.stringify(findingsToSarif(results, layerwiseVersion()), null, 2) + '\n');
  } else if (values.format === 'checkstyle') {
    process.stdout.write(findingsToCheckstyle(results));
  } else {
    const text = results.map((r) => findingsToText(r.file, r.findings)).filter(Boolean).join('\n');
    if (text) process.stdout.write(text + '\n');
  }
  for (const problem of unreadable) process.stderr.write(`layerwise lint: cannot read ${problem}\n`);
  if (unreadable.length > 0) return 1;
  failAt ??= 'info';
  if (failAt === 'none') return 0;
  const min = ORDER.indexOf(failAt as Severity);
  return results.some((r) => r.findings.some((f) => ORDER.indexOf(f.severity) >= min)) ? 1 : 0;
}
