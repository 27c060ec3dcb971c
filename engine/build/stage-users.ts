import type { Store } from '../image/store';
import { readFileFromLayer } from '../layer/read-file';
import { userDatabaseFromRootfs, type UserDatabase } from './run/users';
import type { StageState } from './stage-state';

/**
 * The stage image's /etc/passwd and /etc/group: from the unpacked root when there is one,
 * otherwise read out of the layer that holds each file (no unpacking for a WORKDIR or a
 * COPY --chown=name).
 */
export async function stageUserDatabase(state: StageState, store: Store): Promise<UserDatabase> {
  if (state.rootfs) return userDatabaseFromRootfs(state.rootfs.dir);
  const read = async (file: string) => {
    const layer = state.fs.layerOf(file);
    if (layer === undefined || state.fs.lookup(file)?.type !== 'file') return undefined;
    return (await readFileFromLayer(store, state.layers[layer], file))?.toString('utf8');
  };
  return { passwd: await read('/etc/passwd'), group: await read('/etc/group') };
}
