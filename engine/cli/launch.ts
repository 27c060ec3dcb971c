/**
 * The `layerwise` executable: runs the CLI bundle (layerwise-cli.js beside this file) with V8's
 * code cache, so a run does not compile the same 900 kB of JavaScript again. Node 22 does this
 * itself (module.enableCompileCache); Node 20, which VS Code and Debian ship, does not. The cache
 * is kept per command (each compiles different functions) under $XDG_CACHE_HOME/layerwise, keyed
 * by the Node version and the bundle's size and time; it is written on the first run of a command,
 * and whenever V8 rejects it. LAYERWISE_CODE_CACHE=0 turns it off. Any failure of the cache only
 * means compiling as usual.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';

const bundle = path.join(__dirname, 'layerwise-cli.js');
const source = fs.readFileSync(bundle, 'utf8');
const cacheFile = cachePath();
let cachedData: Buffer | undefined;
if (cacheFile) {
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // No cache yet.
  }
}
const script = new vm.Script((Module as unknown as { wrap(s: string): string }).wrap(source), { filename: bundle, cachedData });
if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
  // At exit the functions this command compiled are in the script: they all go in the cache.
  process.once('exit', () => {
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      const temp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(temp, script.createCachedData());
      fs.renameSync(temp, cacheFile);
    } catch {
      // An unwritable cache folder: next time compiles again.
    }
  });
}
const mod = new Module(bundle);
mod.filename = bundle;
const run = script.runInThisContext() as (exports: unknown, require: NodeRequire, module: unknown, filename: string, dirname: string) => void;
run.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, __dirname);

function cachePath(): string | undefined {
  if (process.env.LAYERWISE_CODE_CACHE === '0') return undefined;
  try {
    const st = fs.statSync(bundle);
    const key = createHash('sha256').update(`${process.version}\0${process.arch}\0${st.size}\0${st.mtimeMs}\0${bundle}`).digest('hex').slice(0, 16);
    const command = /^[a-z]+$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
    const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
    return path.join(base, 'layerwise', 'code-cache', `${key}-${command}.bin`);
  } catch {
    return undefined;
  }
}
