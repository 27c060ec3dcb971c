import type { Finding } from '../../lint/types';

const escapeXml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** Findings as Checkstyle XML, as hadolint writes it (style findings as info), one <file> per linted file. */
export function findingsToCheckstyle(results: { file: string; findings: Finding[] }[]): string {
  const files = results.map(({ file, findings }) => {
    const errors = findings.map(
      (f) =>
        `<error line="${f.range.start.line + 1}" column="${f.range.start.character + 1}" severity="${f.severity === 'style' ? 'info' : f.severity}" message="${escapeXml(f.message)}" source="${escapeXml(f.rule)}"/>`,
    );
    return `<file name="${escapeXml(file)}">${errors.join('')}</file>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">${files.join('')}</checkstyle>\n`;
}
