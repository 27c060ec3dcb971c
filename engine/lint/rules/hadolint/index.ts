import type { Rule } from '../../types';
import { COPY_RULES } from './copy';
import { INSTRUCTION_RULES } from './instructions';
import { LABEL_RULES } from './labels';
import { LANGUAGE_PACKAGE_RULES } from './language-packages';
import { RUN_COMMAND_RULES } from './run-commands';
import { STAGE_RULES } from './stages';
import { SYSTEM_PACKAGE_RULES } from './system-packages';

/** hadolint 2.15's DL rules, with hadolint's codes, default severities and messages, sorted by code. */
export const HADOLINT_RULES: readonly Rule[] = [
  ...STAGE_RULES,
  ...INSTRUCTION_RULES,
  ...COPY_RULES,
  ...SYSTEM_PACKAGE_RULES,
  ...LANGUAGE_PACKAGE_RULES,
  ...RUN_COMMAND_RULES,
  ...LABEL_RULES,
].sort((a, b) => a.id.localeCompare(b.id));
