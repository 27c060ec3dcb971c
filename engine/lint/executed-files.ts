import type { Stage } from '../dockerfile/types';
import { workdirs } from '../dockerfile/workdir';
import { contextCopies, findCopiedFile, type CopiedFile } from './copied-files';
import { execSites, type ExecSite } from './exec-sites';
import type { LintInput } from './types';

/** A context file that the image executes directly, and where. */
export interface ExecutedFile {
  stage: Stage;
  site: ExecSite;
  copied: CopiedFile;
}

/**
 * Every place a stage runs a file it copied from the build context (ENTRYPOINT/CMD, RUN),
 * traced back to the COPY source: what the script rules (execute bit, interpreter, line
 * endings) all look at. Empty without a context.
 */
export function executedContextFiles(input: LintInput): ExecutedFile[] {
  const context = input.context;
  if (!context) return [];
  const out: ExecutedFile[] = [];
  for (const stage of input.dockerfile.stages) {
    const wd = workdirs(stage);
    const copies = contextCopies(stage, wd);
    if (copies.length === 0) continue;
    for (const site of execSites(stage, wd)) {
      const copied = findCopiedFile(copies, site.path, context, site.via === 'RUN' ? site.instruction : undefined);
      if (copied && copied.file.type === 'file') out.push({ stage, site, copied });
    }
  }
  return out;
}
