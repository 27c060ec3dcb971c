import * as fs from 'node:fs';
import { probeDocker } from '../../engine/build/delegate/docker';
import { probeBuildah } from '../../engine/build/delegate/buildah';
import { ensureDocker } from './tools';

/**
 * Why the docker delegate cannot run here, or undefined. A docker client that needs buildx but
 * lacks it falls back to Debian's /usr/bin/docker (20.10 drives BuildKit itself), through
 * $LAYERWISE_DOCKER, as a user would.
 */
export async function dockerDelegateSkipReason(): Promise<string | undefined> {
  const down = await ensureDocker();
  if (down) return down;
  try {
    await probeDocker();
    return undefined;
  } catch (e) {
    if (!process.env.LAYERWISE_DOCKER && fs.existsSync('/usr/bin/docker')) {
      process.env.LAYERWISE_DOCKER = '/usr/bin/docker';
      return dockerDelegateSkipReason();
    }
    return (e as Error).message;
  }
}

/** Why the buildah delegate cannot run here, or undefined. */
export async function buildahDelegateSkipReason(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'the buildah tests run buildah as root (chroot isolation)';
  return probeBuildah().then(
    () => undefined,
    (e: Error) => `buildah is not usable (apt-get install buildah): ${e.message}`,
  );
}
