import { buildkitRule } from './check';

/**
 * InvalidDefinitionDescription (experimental in BuildKit): a comment right above an ARG or a
 * named FROM is its description, and must start with the name it describes.
 */
export const invalidDefinitionDescription = buildkitRule({
  name: 'InvalidDefinitionDescription',
  description:
    'Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.',
  experimental: true,
  run({ dockerfile }, report) {
    for (const ins of dockerfile.instructions) {
      const last = ins.comments.at(-1);
      if (last === undefined) continue;
      let keys: string[];
      if (ins.keyword === 'ARG') keys = ins.keyValues.map((kv) => kv.key.value);
      else if (ins.keyword === 'FROM' && ins.args.length === 3) keys = [ins.args[2].value.toLowerCase()];
      else continue;
      if (keys.length === 0 || keys.includes(last.trim().split(' ')[0])) continue;
      const example = keys.length > 1 ? '<arg_key>' : keys[0];
      report(ins.keywordRange, `Comment for ${ins.keyword} should follow the format: \`# ${example} <description>\``);
    }
  },
});
