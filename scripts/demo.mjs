// The main job in one command: lint examples/hello, build it without a daemon, print its
// layer tree. Uses the default store ($LAYERWISE_STORE or ~/.cache/layerwise).
import { spawnSync } from 'node:child_process';

const cli = (args) => {
  console.log(`\n$ layerwise ${args.join(' ')}`);
  return spawnSync(process.execPath, ['dist/cli.js', ...args], { stdio: 'inherit' }).status;
};
// The example is meant to trip the execute-bit rule, so lint's exit status 1 is expected here.
cli(['lint', 'examples/hello/Dockerfile']);
if (cli(['build', '-t', 'hello', 'examples/hello']) !== 0) process.exit(1);
process.exit(cli(['inspect', 'hello']));
