import { buildkitRule } from './check';

const RESERVED = new Set(['context', 'scratch']);

/** DuplicateStageName: a second stage with a name already used (names compare lower-cased). */
export const duplicateStageName = buildkitRule({
  name: 'DuplicateStageName',
  description: 'Stage names should be unique',
  run({ dockerfile }, report) {
    const seen = new Map<string, (typeof dockerfile.stages)[number]>();
    for (const stage of dockerfile.stages) {
      if (!stage.name || !stage.nameRange) continue;
      const first = seen.get(stage.name);
      if (first?.nameRange) report(stage.nameRange, `Duplicate stage name "${stage.name}", stage names should be unique`, [], [{ range: first.nameRange, message: `"${stage.name}" is first defined here` }]);
      else seen.set(stage.name, stage);
    }
  },
});

/** ReservedStageName: a stage called `context` or `scratch`, names BuildKit gives a meaning of its own. */
export const reservedStageName = buildkitRule({
  name: 'ReservedStageName',
  description: 'Reserved words should not be used as stage names',
  run({ dockerfile }, report) {
    for (const stage of dockerfile.stages) {
      if (stage.name && stage.nameRange && RESERVED.has(stage.name)) {
        report(stage.nameRange, `Stage name should not use the same name as reserved stage "${stage.name}"`);
      }
    }
  },
});
