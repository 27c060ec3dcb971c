import type { Rule } from '../types';
import { BUILDKIT_RULES } from './buildkit/index';

/** Docker's build checks and Layerwise's base-image, context and waste rules. */
export const CHECKS_RULES: readonly Rule[] = [...BUILDKIT_RULES];
