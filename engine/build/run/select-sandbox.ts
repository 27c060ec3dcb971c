import { EngineError } from '../../errors';
import { bwrapSandbox } from './bwrap-sandbox';
import { chrootSandbox } from './chroot-sandbox';
import { findHostBinary } from './host-binaries';
import type { Sandbox } from './sandbox';

export type SandboxChoice = 'auto' | 'chroot' | 'bubblewrap' | 'off';

/**
 * The sandbox RUN uses: as root, namespaces + chroot (exact ownership); otherwise bubblewrap.
 * Throws a message that says what to install when neither can work here, or that RUN is
 * turned off (`off`: builds of Dockerfiles without RUN still work).
 */
export function selectSandbox(choice: SandboxChoice = (process.env.LAYERWISE_SANDBOX as SandboxChoice) || 'auto'): Sandbox {
  if (choice === 'off') throw new EngineError('UNSUPPORTED', 'RUN is turned off (sandbox "off"): choose auto, bubblewrap or chroot to run RUN steps');
  const root = process.getuid?.() === 0;
  const hasUnshare = findHostBinary('unshare') !== undefined;
  const hasBwrap = findHostBinary('bwrap') !== undefined;
  if (choice === 'chroot' || (choice === 'auto' && root && hasUnshare)) {
    if (!root) throw new EngineError('UNSUPPORTED', 'the chroot sandbox needs root; use bubblewrap (apt-get install bubblewrap) or a delegate builder (docker, buildah)');
    if (!hasUnshare) throw new EngineError('UNSUPPORTED', 'the chroot sandbox needs unshare(1) from util-linux');
    return chrootSandbox;
  }
  if (hasBwrap) return bwrapSandbox;
  if (choice === 'bubblewrap') throw new EngineError('UNSUPPORTED', 'the bubblewrap sandbox needs bwrap (apt-get install bubblewrap)');
  throw new EngineError(
    'UNSUPPORTED',
    'RUN needs a sandbox and none is available: install bubblewrap (apt-get install bubblewrap), run as root (namespaces + chroot), or build with a delegate builder (docker, buildah)',
  );
}
