import type { Dockerfile, Stage } from '../dockerfile/types';
import { defaultScope } from './scope-cache';

/** The stage and the earlier stages it is built on, nearest first (`FROM builder AS app`). */
export function stageChain(dockerfile: Dockerfile, stage: Stage): Stage[] {
  const scope = defaultScope(dockerfile);
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage; s && !chain.includes(s); s = scope.stages[s.index]?.base) chain.push(s);
  return chain;
}

/** The stages whose layers end up in the image `docker build` makes by default (the last stage and its bases). */
export function finalImageStages(dockerfile: Dockerfile): Stage[] {
  const last = dockerfile.stages.at(-1);
  return last ? stageChain(dockerfile, last) : [];
}
