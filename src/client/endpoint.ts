/** Where the daemon listens: BERTH_HOST, else DOCKER_HOST, else the default socket. */

export const DEFAULT_HOST = 'unix:///run/berth/berth.sock';

export interface Endpoint {
  /** The address as the user wrote it (normalised), for messages. */
  readonly display: string;
  readonly socketPath?: string;
  readonly host?: string;
  readonly port?: number;
}

export function hostFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.BERTH_HOST || env.DOCKER_HOST || DEFAULT_HOST;
}

/** Parse `unix:///path`, `tcp://host:port`, `host:port` (tcp) or a bare absolute path (unix). */
export function parseHost(addr: string): Endpoint {
  const s = addr.trim();
  if (s.startsWith('unix://')) {
    const p = s.slice('unix://'.length);
    if (!p) throw new Error(`invalid unix socket address: ${addr}`);
    return { display: s, socketPath: p };
  }
  if (s.startsWith('/')) return { display: `unix://${s}`, socketPath: s };
  let rest = s;
  if (s.startsWith('tcp://')) rest = s.slice('tcp://'.length);
  else if (s.startsWith('http://')) rest = s.slice('http://'.length);
  else if (/^[a-z]+:\/\//.test(s)) throw new Error(`unsupported protocol: ${s.split(':')[0]}`);
  rest = rest.replace(/\/+$/, '');
  const m = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(rest);
  if (!m) throw new Error(`invalid bind address format: ${addr}`);
  const host = (m[1] || '127.0.0.1').replace(/^\[|\]$/g, '');
  const port = m[2] ? Number(m[2]) : 2375;
  return { display: `tcp://${m[1] || '127.0.0.1'}:${port}`, host, port };
}
