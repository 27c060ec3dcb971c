import type { Rule } from '../../types';
import { checkDirectiveRule } from './check-directive';
import { consistentInstructionCasing, fromAsCasing, stageNameCasing } from './casing';
import { maintainerDeprecated, legacyKeyValueFormat, noEmptyContinuation } from './deprecated-forms';
import { invalidDefinitionDescription } from './description';
import { jsonArgsRecommended, multipleInstructionsDisallowed } from './exec-form';
import { exposeInvalidFormat, exposeProtoCasing } from './expose';
import { fromPlatformFlagConstDisallowed, invalidBaseImagePlatform, invalidDefaultArgInFrom, redundantTargetPlatform, undefinedArgInFrom } from './from-args';
import { copyIgnoredFile } from './ignored-file';
import { duplicateStageName, reservedStageName } from './stage-names';
import { secretsUsedInArgOrEnv, undefinedVar } from './variables';
import { workdirRelativePath } from './workdir';

/** Docker's 22 build checks, in the order of Docker's documentation. */
export const BUILDKIT_CHECKS: readonly Rule[] = [
  stageNameCasing,
  fromAsCasing,
  noEmptyContinuation,
  consistentInstructionCasing,
  duplicateStageName,
  reservedStageName,
  jsonArgsRecommended,
  maintainerDeprecated,
  undefinedArgInFrom,
  workdirRelativePath,
  undefinedVar,
  multipleInstructionsDisallowed,
  legacyKeyValueFormat,
  redundantTargetPlatform,
  secretsUsedInArgOrEnv,
  invalidDefaultArgInFrom,
  fromPlatformFlagConstDisallowed,
  copyIgnoredFile,
  invalidDefinitionDescription,
  exposeProtoCasing,
  exposeInvalidFormat,
  invalidBaseImagePlatform,
];

/** The build checks, and the syntax error BuildKit reports for a `# check=` directive it cannot read. */
export const BUILDKIT_RULES: readonly Rule[] = [...BUILDKIT_CHECKS, checkDirectiveRule];
