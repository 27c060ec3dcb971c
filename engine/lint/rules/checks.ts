import type { Rule } from '../types';
import { BASE_IMAGE_RULES } from './base-image';
import { BUILDKIT_RULES } from './buildkit/index';
import { consecutiveRunsRule } from './consecutive-runs';

/** Docker's build checks and Layerwise's merge, base-image, context and waste rules. */
export const CHECKS_RULES: readonly Rule[] = [consecutiveRunsRule, ...BASE_IMAGE_RULES, ...BUILDKIT_RULES];
