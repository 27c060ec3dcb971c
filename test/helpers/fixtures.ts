import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A fresh temp folder, removed when the process exits. */
export function tempDir(prefix = 'layerwise-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes files (path -> content, or [content, mode]) under a new temp folder and returns it. */
export function contextWith(files: Record<string, string | [string, number]>): string {
  const dir = tempDir();
  for (const [rel, spec] of Object.entries(files)) {
    const [content, mode] = Array.isArray(spec) ? spec : [spec, 0o644];
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    fs.chmodSync(file, mode);
  }
  return dir;
}

/**
 * Gets an equivalence case folder ready to build: git keeps no folder modes, so a case lists
 * the ones it needs in `modes.json` (path -> octal mode) and they are applied here.
 */
export function prepareCase(dir: string): void {
  const file = path.join(dir, 'modes.json');
  if (!fs.existsSync(file)) return;
  for (const [rel, mode] of Object.entries(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>)) {
    fs.chmodSync(path.join(dir, rel), parseInt(mode, 8));
  }
}
