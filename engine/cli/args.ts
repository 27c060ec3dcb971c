import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EngineError } from '../errors';
import { defaultStoreDir, Store } from '../image/store';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command that touches images accepts. */
export const STORE_OPTION = { store: { type: 'string' } } as const;

/** Parses a command's arguments, turning node's errors into a usage error. */
export function parseCommand<T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new EngineError('USAGE', (e as Error).message);
  }
}

/** The store named by --store, else $LAYERWISE_STORE, else the XDG cache. */
export function openStore(dir: string | undefined): Promise<Store> {
  return Store.open(dir ?? defaultStoreDir());
}

/** `K=V` pairs of repeated flags (--build-arg) as a record; a bare `K` takes $K, as docker does. */
export function keyValues(list: string[] | undefined, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq > 0) out[item.slice(0, eq)] = item.slice(eq + 1);
    else if (env[item] !== undefined) out[item] = env[item]!;
  }
  return out;
}
