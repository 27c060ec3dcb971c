// Runs the node:test suites compiled to out/test (everything named *.test.js), in one
// `node --test` process tree. Arguments narrow the run to files whose path contains them.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.test.js') ? [join(dir, e.name)] : []);
const filters = process.argv.slice(2);
const files = walk('out/test').filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (files.length === 0) { console.error('no test files matched'); process.exit(1); }
const r = spawnSync(process.execPath, ['--test', '--enable-source-maps', '--test-timeout=600000', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
