import * as fs from 'node:fs';
import { EngineError } from '../../errors';
import { secureJoin } from '../../layer/secure-path';

export interface ResolvedUser {
  uid: number;
  gid: number;
  home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/**
 * Resolves a USER value (`name`, `uid`, `name:group`, `uid:gid`) against the image's
 * /etc/passwd and /etc/group as runc does: an unknown numeric user runs with gid 0 and home
 * "/", an unknown name is an error.
 */
export function resolveUser(files: UserDatabase, spec: string): ResolvedUser {
  const [userPart, groupPart] = spec.split(':', 2);
  const passwd = parseDb(files.passwd).map(
    (f): PasswdEntry => ({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] || '/' }),
  );
  const user = userPart === '' ? passwd.find((p) => p.uid === 0) : /^\d+$/.test(userPart) ? passwd.find((p) => p.uid === Number(userPart)) : passwd.find((p) => p.name === userPart);
  if (!user && !/^\d*$/.test(userPart)) throw new EngineError('BUILD', `unable to find user ${userPart}: no matching entries in passwd file`);
  const uid = user?.uid ?? Number(userPart || 0);
  let gid = user?.gid ?? 0;
  if (groupPart !== undefined && groupPart !== '') {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const group = parseDb(files.group).find((f) => f[0] === groupPart);
      if (!group) throw new EngineError('BUILD', `unable to find group ${groupPart}: no matching entries in group file`);
      gid = Number(group[2]);
    }
  }
  return { uid, gid, home: user?.home ?? '/' };
}

/** The image's /etc/passwd and /etc/group text (undefined when the image has none). */
export interface UserDatabase {
  passwd?: string;
  group?: string;
}

/** Reads the user database from an unpacked root filesystem. */
export function userDatabaseFromRootfs(rootfs: string): UserDatabase {
  const read = (file: string) => {
    try {
      return fs.readFileSync(secureJoin(rootfs, file), 'utf8');
    } catch {
      return undefined;
    }
  };
  return { passwd: read('/etc/passwd'), group: read('/etc/group') };
}

function parseDb(text: string | undefined): string[][] {
  return (text ?? '')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split(':'));
}
