import type { Instruction, Stage } from '../../../dockerfile/types';
import { argsNoFlags, argValues } from '../../shell/commands';
import { runInfos } from '../../shell/run-scripts';
import type { Rule } from '../../types';
import { dlRule, dropQuotes, flagOf, instructionRule, parentStage, type Hit } from './define';

/** What ADD unpacks by itself (hadolint's archiveFileFormatExtensions). */
const ARCHIVE_EXTENSIONS = ['.tar', '.Z', '.bz2', '.gz', '.lz', '.lzma', '.tZ', '.tb2', '.tbz', '.tbz2', '.tgz', '.tlz', '.tpz', '.txz', '.xz'];
const isArchive = (p: string) => ARCHIVE_EXTENSIONS.some((e) => dropQuotes(p).endsWith(e));
const isUrl = (p: string) => /^https?:\/\//.test(dropQuotes(p));
const basename = (p: string) => dropQuotes(p).split(/[\\/]/).pop() ?? '';

/** Sources and destination of a COPY or ADD; heredoc sources (`<<EOF`) are left out. */
function copyArgs(ins: Instruction): { sources: string[]; dest: string } {
  const words = ins.args.map((a) => a.value);
  return { sources: words.slice(0, -1).filter((w) => !w.startsWith('<<')), dest: words[words.length - 1] ?? '' };
}

const UNPACKERS = new Set(['unzip', 'gunzip', 'bunzip2', 'unlzma', 'unxz', 'zgz', 'uncompress', 'zcat', 'gzcat']);

export const DL3010: Rule = dlRule(
  { id: 'DL3010', name: 'add-for-archives', severity: 'info', message: 'Use ADD for extracting archives into an image' },
  ({ dockerfile }) => {
    // Per stage, the file names each RUN unpacks (tar -x, unzip...), with the RUN's line.
    const unpacked = new Map<Stage | undefined, { line: number; names: Set<string> }[]>();
    for (const r of runInfos(dockerfile)) {
      const names = new Set<string>();
      for (const c of r.commands) {
        const tarExtract = c.name === 'tar' && argValues(c).some((a) => a === '--extract' || a === '--get' || (/^-[^-]/.test(a) && a.includes('x')));
        if (tarExtract || UNPACKERS.has(c.name)) argsNoFlags(c).forEach((a) => names.add(basename(a)));
      }
      if (names.size > 0) unpacked.set(r.stage, [...(unpacked.get(r.stage) ?? []), { line: r.instruction.range.start.line, names }]);
    }
    const hits: Hit[] = [];
    for (const stage of dockerfile.stages) {
      const runs = unpacked.get(stage);
      if (!runs) continue;
      for (const copy of stage.instructions) {
        if (copy.keyword !== 'COPY' || flagOf(copy, 'from') !== undefined) continue;
        const { sources, dest } = copyArgs(copy);
        const archives = isArchive(dest) ? [basename(dest)] : sources.filter(isArchive).map(basename);
        const line = copy.range.start.line;
        if (archives.length > 0 && runs.some((r) => r.line > line && archives.some((a) => r.names.has(a)))) hits.push(copy.range);
      }
    }
    return hits;
  },
);

export const DL3020: Rule = instructionRule(
  { id: 'DL3020', name: 'copy-not-add', severity: 'error', message: 'Use COPY instead of ADD for files and folders' },
  ['ADD'],
  (ins) =>
    copyArgs(ins).sources.some((s) => !isArchive(s) && !isUrl(s) && !/^git@|\.git(#.*)?$/.test(s)) && {
      range: ins.range,
      // COPY has ADD's flags but --checksum, --keep-git-dir and --unpack: only offered without them.
      fixes: ins.flags.some((f) => ['checksum', 'keep-git-dir', 'unpack'].includes(f.name)) ? [] : [{ title: 'Use COPY', edits: [{ range: ins.keywordRange, newText: 'COPY' }], preferred: true }],
    },
);

export const DL3021: Rule = instructionRule(
  { id: 'DL3021', name: 'copy-dest-slash', severity: 'error', message: 'COPY with more than 2 arguments requires the last argument to end with /' },
  ['COPY'],
  (ins) => {
    const { sources, dest } = copyArgs(ins);
    return sources.length > 1 && !dropQuotes(dest).endsWith('/') && (ins.args[ins.args.length - 1]?.range ?? true);
  },
);

const fromFlag = (ins: Instruction) => ins.flags.find((f) => f.name === 'from');

export const DL3022: Rule = instructionRule(
  { id: 'DL3022', name: 'copy-from-defined-stage', severity: 'warning', message: 'COPY --from should reference a previously defined FROM alias' },
  ['COPY'],
  (ins, stage, input) => {
    const flag = fromFlag(ins);
    const from = flag?.value?.toLowerCase();
    if (!flag || from === undefined || from.includes('$')) return false;
    // An image reference (`--from=nginx:1.27`, `--from=ghcr.io/x/y`) is a valid source too.
    if (/[:/@.]/.test(from)) return false;
    const earlier = input.dockerfile.stages.filter((s) => s.index < stage.index);
    const known = earlier.some((s) => s.name === from || String(s.index) === from);
    return !known && flag.range;
  },
);

export const DL3023: Rule = instructionRule(
  { id: 'DL3023', name: 'copy-from-self', severity: 'error', message: 'COPY --from cannot reference its own FROM alias' },
  ['COPY'],
  (ins, stage) => {
    const flag = fromFlag(ins);
    return !!flag && stage.name !== undefined && flag.value?.toLowerCase() === stage.name && flag.range;
  },
);

// WORKDIR earlier in this stage, or anywhere in the stage it builds on.
function hasWorkdir(stage: Stage, stages: Stage[], before?: Instruction): boolean {
  if (stage.instructions.some((i) => i.keyword === 'WORKDIR' && (!before || i.range.start.line < before.range.start.line))) return true;
  const parent = parentStage(stage, stages);
  return parent ? hasWorkdir(parent, stages) : false;
}

export const DL3045: Rule = instructionRule(
  { id: 'DL3045', name: 'copy-relative-dest', severity: 'warning', message: '`COPY` to a relative destination without `WORKDIR` set.' },
  ['COPY'],
  (ins, stage, input) => {
    const dest = dropQuotes(copyArgs(ins).dest);
    if (dest === '' || dest.startsWith('/') || dest.startsWith('$') || /^[A-Za-z]:[\\/]/.test(dest)) return false;
    return !hasWorkdir(stage, input.dockerfile.stages, ins) && (ins.args[ins.args.length - 1]?.range ?? true);
  },
);

export const DL3067: Rule = instructionRule(
  { id: 'DL3067', name: 'copy-whole-filesystem', severity: 'warning', message: 'Do not copy an entire filesystem from another stage' },
  ['COPY'],
  (ins) => {
    const { sources, dest } = copyArgs(ins);
    return fromFlag(ins) !== undefined && sources.some((s) => dropQuotes(s) === '/') && dropQuotes(dest) === '/';
  },
);

/** hadolint's rules about COPY and ADD. */
export const COPY_RULES: readonly Rule[] = [DL3010, DL3020, DL3021, DL3022, DL3023, DL3045, DL3067];
