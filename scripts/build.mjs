// Bundles the extension, the language server and the CLI with esbuild into dist/.
// `--production` minifies; source maps are always written (they stay out of the VSIX).
import * as esbuild from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  // VS Code 1.85 runs extensions on Node 18.
  target: 'node18',
  format: 'cjs',
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
  define: { LAYERWISE_VERSION: JSON.stringify(version) },
};
await Promise.all([
  // The banner runs before the bundle's modules load, so activation time includes loading them.
  esbuild.build({ ...common, entryPoints: ['client/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], banner: { js: 'var __layerwiseLoadStart = performance.now();' } }),
  esbuild.build({ ...common, entryPoints: ['server/server.ts'], outfile: 'dist/server.js' }),
  // The executable is a small launcher that runs the CLI bundle with V8's code cache.
  esbuild.build({ ...common, entryPoints: ['engine/cli/launch.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  esbuild.build({ ...common, entryPoints: ['engine/cli/bin.ts'], outfile: 'dist/layerwise-cli.js' }),
]);
chmodSync('dist/cli.js', 0o755);
