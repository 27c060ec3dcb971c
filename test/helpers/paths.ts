import * as fs from 'node:fs';
import * as path from 'node:path';

/** The project root: the nearest folder above this file holding package.json. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

/** BuildKit's conformance vectors beside the project, or undefined where a clone has none. */
export function conformanceDir(): string | undefined {
  const dir = process.env.LAYERWISE_CONFORMANCE_DIR ?? path.resolve(projectRoot(), '..', 'shared', 'conformance', 'buildkit');
  return fs.existsSync(dir) ? dir : undefined;
}

/** A path under examples/. */
export function example(...parts: string[]): string {
  return path.join(projectRoot(), 'examples', ...parts);
}
