// `user:` resolved against the image's /etc/passwd and /etc/group, as docker
// and runc do for --user: a name or a uid, optionally :group (name or gid).
// Whether usher may switch users (it must be root) is checked when the
// service starts, not here: `usher run --check` works as any user.
// Synchronous: node:fs/promises would start libuv's threads in PID 1 for good.
import { readFileSync } from 'node:fs';
import type { UserSpec } from '../types.js';
import { quote } from './words.js';

export interface UserDatabase {
  passwdFile: string;
  groupFile: string;
}

export const SYSTEM_USERS: UserDatabase = { passwdFile: '/etc/passwd', groupFile: '/etc/group' };

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** Reads the two files once for every `user:` of a config. */
export class UserResolver {
  #passwd: Promise<PasswdEntry[] | Error> | undefined;
  #group: Promise<GroupEntry[] | Error> | undefined;

  constructor(private readonly files: UserDatabase = SYSTEM_USERS) {}

  /** The user, or the reason it cannot be resolved (worded as `what; expected ...`). */
  async resolve(spec: string): Promise<UserSpec | string> {
    const [userPart = '', groupPart] = spec.split(':');
    const passwd = await (this.#passwd ??= readTable(this.files.passwdFile, parsePasswd));
    const entry = passwd instanceof Error ? undefined : findUser(passwd, userPart);
    if (!entry && !isId(userPart)) {
      if (passwd instanceof Error) {
        return `cannot resolve user ${quote(userPart)}: ${this.files.passwdFile} cannot be read (${passwd.message}); expected a user of the image's ${this.files.passwdFile}, or a numeric uid:gid`;
      }
      return `unknown user ${quote(userPart)} (not in ${this.files.passwdFile}); expected a user of the image's ${this.files.passwdFile}, or a numeric uid:gid`;
    }
    const uid = entry ? entry.uid : Number(userPart);
    const base = { spec, uid, ...(entry ? { name: entry.name, home: entry.home } : {}) };
    if (groupPart !== undefined) {
      let gid: number;
      if (isId(groupPart)) gid = Number(groupPart);
      else {
        const groups = await (this.#group ??= readTable(this.files.groupFile, parseGroup));
        const group = groups instanceof Error ? undefined : groups.find((g) => g.name === groupPart);
        if (!group) {
          const why = groups instanceof Error ? `${this.files.groupFile} cannot be read (${groups.message})` : `not in ${this.files.groupFile}`;
          return `unknown group ${quote(groupPart)} (${why}); expected a group of the image's ${this.files.groupFile}, or a numeric gid`;
        }
        gid = group.gid;
      }
      // An explicit group replaces the user's groups, as `setpriv --regid` would.
      return { ...base, gid, groups: [gid] };
    }
    // No passwd entry and no group: gid 0, as docker --user 1000 does.
    const gid = entry ? entry.gid : 0;
    const groups = new Set<number>([gid]);
    if (entry) {
      const table = await (this.#group ??= readTable(this.files.groupFile, parseGroup));
      if (!(table instanceof Error)) for (const g of table) if (g.members.includes(entry.name)) groups.add(g.gid);
    }
    return { ...base, gid, groups: [...groups] };
  }
}

function isId(text: string): boolean {
  return /^\d+$/.test(text) && Number(text) <= 0xfffffffe;
}

function findUser(passwd: PasswdEntry[], userPart: string): PasswdEntry | undefined {
  return passwd.find((p) => p.name === userPart) ?? (isId(userPart) ? passwd.find((p) => p.uid === Number(userPart)) : undefined);
}

async function readTable<T>(file: string, parse: (fields: string[]) => T | undefined): Promise<T[] | Error> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return new Error(err.code ?? err.message);
  }
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const entry = parse(line.split(':'));
    if (entry) out.push(entry);
  }
  return out;
}

function parsePasswd(f: string[]): PasswdEntry | undefined {
  const [name, , uid, gid, , home] = f;
  if (!name || !uid || !gid || !isId(uid) || !isId(gid)) return undefined;
  return { name, uid: Number(uid), gid: Number(gid), home: home ?? '/' };
}

function parseGroup(f: string[]): GroupEntry | undefined {
  const [name, , gid, members] = f;
  if (!name || !gid || !isId(gid)) return undefined;
  return { name, gid: Number(gid), members: (members ?? '').split(',').map((m) => m.trim()).filter(Boolean) };
}
