declare const LAYERWISE_VERSION: string | undefined;

/** The version the bundle was built as (esbuild defines it), 'dev' when run from tsc output. */
export function layerwiseVersion(): string {
  return typeof LAYERWISE_VERSION === 'string' ? LAYERWISE_VERSION : 'dev';
}
