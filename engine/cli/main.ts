import { EngineError } from '../errors';
import { layerwiseVersion } from './version';

/** A command's module, loaded only when that command runs: the CLI starts without the others' code. */
interface Command {
  load: () => Promise<{ run: (argv: string[]) => Promise<number>; help: string }>;
}

const COMMANDS: Record<string, Command> = {
  lint: { load: () => import('./commands/lint.js').then((m) => ({ run: m.lintCommand, help: m.LINT_HELP })) },
  build: { load: () => import('./commands/build.js').then((m) => ({ run: m.buildCommand, help: m.BUILD_HELP })) },
  inspect: { load: () => import('./commands/inspect.js').then((m) => ({ run: m.inspectCommand, help: m.INSPECT_HELP })) },
  diff: { load: () => import('./commands/diff.js').then((m) => ({ run: m.diffCommand, help: m.DIFF_HELP })) },
  images: { load: () => import('./commands/images.js').then((m) => ({ run: m.imagesCommand, help: m.IMAGES_HELP })) },
  run: { load: () => import('./commands/run.js').then((m) => ({ run: m.runCommand, help: m.RUN_HELP })) },
  save: { load: () => import('./commands/save.js').then((m) => ({ run: m.saveCommand, help: m.SAVE_HELP })) },
  pull: { load: () => import('./commands/pull.js').then((m) => ({ run: m.pullCommand, help: m.PULL_HELP })) },
  push: { load: () => import('./commands/push.js').then((m) => ({ run: m.pushCommand, help: m.PUSH_HELP })) },
  load: { load: () => import('./commands/store-commands.js').then((m) => ({ run: m.loadCommand, help: m.LOAD_HELP })) },
  tag: { load: () => import('./commands/store-commands.js').then((m) => ({ run: m.tagCommand, help: m.TAG_HELP })) },
  rm: { load: () => import('./commands/store-commands.js').then((m) => ({ run: m.rmCommand, help: m.RM_HELP })) },
  prune: { load: () => import('./commands/store-commands.js').then((m) => ({ run: m.pruneCommand, help: m.PRUNE_HELP })) },
  store: { load: () => import('./commands/store-commands.js').then((m) => ({ run: m.storeCommand, help: m.STORE_HELP })) },
};

const USAGE = `layerwise: lint Dockerfiles, build image layers without a daemon, see where every byte came from.

Usage: layerwise COMMAND [options]

  lint      lint Dockerfiles (text, hadolint-style JSON, SARIF, Checkstyle)
  build     build a Dockerfile into the local store
  inspect   layers and the file tree of an image, with provenance
  diff      files and layers that differ between two images
  images    list the store's images, with the bytes they share
  run       run an image (no daemon) and show what the container changed
  save      write images as a docker-archive (docker load) tar
  pull      pull an image from a registry into the local store
  push      push an image of the local store to a registry
  load      import docker save output, an oci-archive or an OCI layout
  tag       name an image again
  rm        remove tags
  prune     remove blobs no image needs
  store     store verify: re-hash every blob, check every image

Run 'layerwise COMMAND --help' for a command's options.`;

/** Runs the CLI and returns its exit status: 0 ok, 1 findings or failure, 2 usage, 130 cancelled. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${layerwiseVersion()}\n`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`layerwise: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  const command = await entry.load();
  // After "--" the words belong to someone else (run's container command).
  const own = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (own.includes('--help') || own.includes('-h')) {
    process.stdout.write(command.help + '\n');
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof EngineError) {
      process.stderr.write(`layerwise ${name}: ${e.message}\n`);
      return e.code === 'USAGE' ? 2 : e.code === 'CANCELLED' ? 130 : 1;
    }
    process.stderr.write(`layerwise ${name}: internal error: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

