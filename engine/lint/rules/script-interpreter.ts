import * as path from 'node:path';
import type { Stage } from '../../dockerfile/types';
import type { CopiedFile } from '../copied-files';
import type { ExecSite } from '../exec-sites';
import { executedContextFiles } from '../executed-files';
import type { BaseImageFacts, Finding, LintInput, Rule } from '../types';

const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

interface Script {
  site: ExecSite;
  copied: CopiedFile;
  head: Buffer;
  stage: Stage;
}

/** Scripts from the context that the image runs directly, with their first bytes. */
function scripts(input: LintInput): Script[] {
  return executedContextFiles(input).flatMap((e) => {
    const head = input.context!.head(e.copied.file.path);
    return head && head.length > 0 ? [{ ...e, head }] : [];
  });
}

function firstLine(head: Buffer): string {
  const nl = head.indexOf(0x0a);
  return head.subarray(0, nl < 0 ? head.length : nl).toString('latin1');
}

/** The base image a stage finally stands on (through earlier stages), with the stages on the way. */
function baseOf(stage: Stage, input: LintInput): { facts: BaseImageFacts | undefined; chain: Stage[] } {
  const chain: Stage[] = [stage];
  let current = stage;
  for (;;) {
    const word = current.base?.value ?? '';
    const parent = input.dockerfile.stages.find((s) => s.index < current.index && s.name !== undefined && s.name === word.toLowerCase());
    if (!parent) return { facts: input.bases.get(word), chain };
    chain.push(parent);
    current = parent;
  }
}

// A RUN on the way that names the program may have installed it: then we cannot tell.
function mayInstall(chain: Stage[], program: string): boolean {
  const name = path.posix.basename(program);
  return chain.some((s) => s.instructions.some((i) => i.keyword === 'RUN' && i.original.includes(name)));
}

const finding = (rule: Rule, s: Script, message: string): Finding => ({
  rule: rule.id,
  severity: rule.severity,
  range: s.copied.source.range,
  message,
  fixes: [],
  related: [{ range: s.site.range, message: `${s.site.via} executes ${s.site.path} here` }],
});

/**
 * LW2002: a script's shebang names an interpreter the image does not have (`#!/bin/bash` on
 * busybox, alpine, distroless, scratch): the container fails with `exec ...: no such file or
 * directory`. Exact when the base is in the store, from a table of common bases otherwise.
 */
export const interpreterRule: Rule = {
  id: 'LW2002',
  name: 'interpreter-missing',
  severity: 'error',
  description: "A script's #! interpreter is not in the image: it fails with \"no such file or directory\".",
  check(input) {
    const findings: Finding[] = [];
    for (const s of scripts(input)) {
      const line = firstLine(s.head).replace(/\r$/, '');
      if (!line.startsWith('#!')) continue;
      const [interpreter, arg] = line.slice(2).trim().split(/\s+/);
      if (!interpreter) continue;
      const { facts, chain } = baseOf(s.stage, input);
      if (!facts) continue;
      const program = interpreter === '/usr/bin/env' && arg ? arg : interpreter;
      const candidates = program.startsWith('/') ? [program] : PATH_DIRS.map((d) => `${d}/${program}`);
      const answers = candidates.map((c) => facts.has(c));
      const envMissing = interpreter === '/usr/bin/env' && facts.has('/usr/bin/env') === false;
      if (!envMissing && (answers.some((a) => a !== false) || mayInstall(chain, program))) continue;
      const missing = envMissing ? '/usr/bin/env' : program;
      const how = facts.source === 'store' ? 'has' : 'is known to have';
      findings.push(
        finding(
          interpreterRule,
          s,
          `${s.copied.file.path} starts with #!${line.slice(2).trim()}, but ${facts.label} ${how} no ${missing}: ${s.site.via} fails with exec ${s.site.path}: no such file or directory. Use an interpreter the image has (#!/bin/sh), or install ${path.posix.basename(missing)} first.`,
        ),
      );
    }
    return findings;
  },
};

/** LW2003: a shebang line ending in CR (a CRLF file): the kernel looks for "/bin/sh\r". */
export const crlfRule: Rule = {
  id: 'LW2003',
  name: 'crlf-shebang',
  severity: 'error',
  description: 'A script with Windows line endings: its #! line names "/bin/sh\\r", which does not exist.',
  check(input) {
    return scripts(input)
      .filter((s) => firstLine(s.head).startsWith('#!') && firstLine(s.head).endsWith('\r'))
      .map((s) =>
        finding(
          crlfRule,
          s,
          `${s.copied.file.path} has Windows (CRLF) line endings: its #! line asks for "${firstLine(s.head).slice(2).trim()}\\r", so ${s.site.via} fails with "no such file or directory". Convert it to LF (dos2unix, or .gitattributes "*.sh text eol=lf").`,
        ),
      );
  },
};

/**
 * LW2004: a script run directly by an exec-form ENTRYPOINT/CMD/RUN without a #! line or an ELF
 * header: the kernel refuses it ("exec format error"). Shell-form commands are spared: the
 * shell runs such a file itself.
 */
export const shebangRule: Rule = {
  id: 'LW2004',
  name: 'missing-shebang',
  severity: 'error',
  description: 'A script run directly (exec form) has no #! line: it fails with "exec format error".',
  check(input) {
    return scripts(input)
      .filter((s) => s.site.instruction.json && !s.head.subarray(0, 2).equals(Buffer.from('#!')) && !s.head.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])))
      .map((s) => finding(shebangRule, s, `${s.copied.file.path} has no #! line and is run directly by ${s.site.via}: it fails with "exec format error". Start it with #!/bin/sh (or run it as ["sh", "${s.site.path}"]).`));
  },
};
