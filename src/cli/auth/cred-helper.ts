// The docker CLI runs credential helpers itself: a client-side executable is the only way to
// speak their protocol, so this one file may start processes.
import type { AuthConfig } from '../../api-types';

/**
 * docker-credential-<name> get|store|erase: the server URL (get/erase) or
 * {"ServerURL","Username","Secret"} (store) on stdin; get answers {"Username","Secret"}.
 * A Username of "<token>" marks an identity token, as in Docker.
 */

function helper(name: string, action: string, input: string): { code: number; out: string; err: string } {
  // loaded here, not at the top: every build reads the credentials, few have a helper (~0.8 ms)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const r = spawnSync(`docker-credential-${name}`, [action], { input, encoding: 'utf8' });
  if (r.error) throw new Error(`error getting credentials - err: exec: "docker-credential-${name}": executable file not found in $PATH, out: \`\``);
  return { code: r.status ?? 1, out: r.stdout.trim(), err: r.stderr.trim() };
}

export function getWithHelper(name: string, server: string): AuthConfig | null {
  const r = helper(name, 'get', server);
  if (r.code !== 0) {
    if (/credentials not found/i.test(r.out + r.err)) return null;
    throw new Error(`error getting credentials - err: exit status ${r.code}, out: \`${r.out || r.err}\``);
  }
  const j = JSON.parse(r.out) as { Username?: string; Secret?: string };
  if (j.Username === '<token>') return { identitytoken: j.Secret };
  return { username: j.Username, password: j.Secret };
}

export function storeWithHelper(name: string, server: string, a: AuthConfig): void {
  const body = a.identitytoken
    ? { ServerURL: server, Username: '<token>', Secret: a.identitytoken }
    : { ServerURL: server, Username: a.username ?? '', Secret: a.password ?? '' };
  const r = helper(name, 'store', JSON.stringify(body));
  if (r.code !== 0) throw new Error(`error storing credentials - err: exit status ${r.code}, out: \`${r.out || r.err}\``);
}

export function eraseWithHelper(name: string, server: string): boolean {
  return helper(name, 'erase', server).code === 0;
}
