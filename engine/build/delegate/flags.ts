import type { BuildOptions } from '../types';
import type { DelegateJob } from './delegate-build';

/** The flags `docker build` and `buildah bud` share (Dockerfile, target, build args, cache, secrets, ssh). */
export function commonFlags(job: DelegateJob): string[] {
  const o: BuildOptions = job.options;
  const args = ['-f', job.dockerfile];
  if (o.target) args.push('--target', o.target);
  for (const [k, v] of Object.entries(o.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  if (o.noCache) args.push('--no-cache');
  for (const [id, src] of Object.entries(o.secrets ?? {})) args.push('--secret', `id=${id},src=${src}`);
  if (o.sshSocket) args.push('--ssh', `default=${o.sshSocket}`);
  return args;
}
