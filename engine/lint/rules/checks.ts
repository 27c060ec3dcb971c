import type { Rule } from '../types';
import { BASE_IMAGE_RULES } from './base-image';
import { BUILDKIT_RULES } from './buildkit/index';
import { cacheOrderRule } from './cache-order';
import { consecutiveRunsRule } from './consecutive-runs';
import { contextSecretsRule } from './context-secrets';
import { copySourceIgnoredRule, copySourceMissingRule } from './context-sources';
import { packageCacheRule } from './package-cache';
import { removedLaterRule } from './removed-later';

/** Docker's build checks and Layerwise's merge, base-image, context and waste rules. */
export const CHECKS_RULES: readonly Rule[] = [
  consecutiveRunsRule,
  ...BASE_IMAGE_RULES,
  copySourceMissingRule,
  copySourceIgnoredRule,
  contextSecretsRule,
  cacheOrderRule,
  removedLaterRule,
  packageCacheRule,
  ...BUILDKIT_RULES,
];
