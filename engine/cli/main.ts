import { EngineError } from '../errors';
import { BUILD_HELP, buildCommand } from './commands/build';
import { IMAGES_HELP, imagesCommand } from './commands/images';
import { INSPECT_HELP, inspectCommand } from './commands/inspect';
import { LINT_HELP, lintCommand } from './commands/lint';
import { PULL_HELP, pullCommand } from './commands/pull';
import { PUSH_HELP, pushCommand } from './commands/push';
import { RUN_HELP, runCommand } from './commands/run';
import { SAVE_HELP, saveCommand } from './commands/save';
import { LOAD_HELP, loadCommand, pruneCommand, rmCommand, storeCommand, tagCommand } from './commands/store-commands';
import { layerwiseVersion } from './version';

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  lint: { run: lintCommand, help: LINT_HELP },
  build: { run: buildCommand, help: BUILD_HELP },
  inspect: { run: inspectCommand, help: INSPECT_HELP },
  diff: { run: (argv) => import('./commands/diff.js').then((m) => m.diffCommand(argv)), help: 'layerwise diff [--json] [--no-digests] [--platform OS/ARCH] [--max-lines N] [--store DIR] IMAGE_A IMAGE_B\n\nFiles added, removed and changed (with sizes and what changed) from image A to image B, and the layers\nthey do not share. Images are named as for inspect (store, docker-archive, OCI archive, OCI layout).\n--no-digests compares content by size and mtime instead of hashing. Exit 0: same files; 1: they differ.' },
  images: { run: imagesCommand, help: IMAGES_HELP },
  run: { run: runCommand, help: RUN_HELP },
  save: { run: saveCommand, help: SAVE_HELP },
  pull: { run: pullCommand, help: PULL_HELP },
  push: { run: pushCommand, help: PUSH_HELP },
  load: { run: loadCommand, help: LOAD_HELP },
  tag: { run: tagCommand, help: 'layerwise tag SOURCE TARGET [--store DIR]\n\nGives an image of the store another name.' },
  rm: { run: rmCommand, help: 'layerwise rm REF... [--store DIR]\n\nRemoves tags; run prune to free the blobs.' },
  prune: { run: pruneCommand, help: 'layerwise prune [--grace MINUTES] [--store DIR]\n\nRemoves blobs no tagged image needs (not while a build holds the store; blobs younger than --grace stay).' },
  store: { run: storeCommand, help: 'layerwise store verify [--store DIR]\n\nRe-hashes every blob and checks that every tagged image is complete.' },
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
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`layerwise: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
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

