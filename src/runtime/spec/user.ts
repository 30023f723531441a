import { readTextInRoot } from '../../util/archive';
import { InvalidParameterError, SystemError } from '../../util/errors';

export interface ResolvedUser {
  uid: number;
  gid: number;
  /** supplementary groups: the user's memberships in /etc/group, then --group-add */
  additionalGids: number[];
  home: string;
}

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

const MAX_ID = 2147483647;

function parseId(s: string): number | null {
  if (!/^\d+$/.test(s)) return null;
  const n = Number(s);
  if (n > MAX_ID) throw new InvalidParameterError('uids and gids must be in range 0-2147483647');
  return n;
}

function parsePasswd(text: string | null): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const f = line.trim().split(':');
    if (f.length < 4 || f[0].startsWith('#')) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid) || f[2] === '' || f[3] === '') continue;
    out.push({ name: f[0], uid, gid, home: f[5] ?? '' });
  }
  return out;
}

function parseGroup(text: string | null): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const f = line.trim().split(':');
    if (f.length < 3 || f[0].startsWith('#') || f[2] === '') continue;
    const gid = Number(f[2]);
    if (!Number.isInteger(gid)) continue;
    out.push({ name: f[0], gid, members: (f[3] ?? '').split(',').filter(Boolean) });
  }
  return out;
}

/**
 * Resolves a Docker user spec ("", "name", "uid", "uid:gid", "name:group") against the rootfs's
 * /etc/passwd and /etc/group as runc/Docker do: a name must exist; a number need not; the
 * user's group memberships are supplementary groups unless a group was given explicitly.
 */
export function resolveUser(rootfs: string, user: string, groupAdd: readonly string[] = []): ResolvedUser {
  const [userArg, groupArg = ''] = user.split(/:(.*)/s, 2);
  const passwd = parsePasswd(readTextInRoot(rootfs, '/etc/passwd'));
  const groups = parseGroup(readTextInRoot(rootfs, '/etc/group'));

  const uidArg = parseId(userArg);
  const entry = passwd.find((u) => (userArg === '' ? u.uid === 0 : uidArg !== null ? u.uid === uidArg : u.name === userArg));
  const out: ResolvedUser = { uid: 0, gid: 0, additionalGids: [], home: '/' };
  if (entry) {
    out.uid = entry.uid;
    out.gid = entry.gid;
    if (entry.home) out.home = entry.home;
  } else if (userArg !== '') {
    if (uidArg === null) throw new SystemError(`unable to find user ${userArg}: no matching entries in passwd file`);
    out.uid = uidArg;
  }

  if (groupArg !== '') {
    const gidArg = parseId(groupArg);
    const g = groups.find((x) => (gidArg !== null ? x.gid === gidArg : x.name === groupArg));
    if (g) out.gid = g.gid;
    else if (gidArg !== null) out.gid = gidArg;
    else throw new SystemError(`unable to find group ${groupArg}: no matching entries in group file`);
  } else if (entry) {
    out.additionalGids = groups.filter((g) => g.members.includes(entry.name)).map((g) => g.gid);
  }

  for (const ag of groupAdd) {
    const byName = groups.find((g) => g.name === ag);
    const gid = byName ? byName.gid : parseId(ag);
    if (gid === null) throw new SystemError(`Unable to find group ${ag}: no matching entries in group file`);
    out.additionalGids.push(gid);
  }
  out.additionalGids = [...new Set(out.additionalGids)];
  return out;
}
