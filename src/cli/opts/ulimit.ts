import type { Ulimit } from '../../api-types';

const NAMES = new Set(['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack']);

/** `nofile=1024:2048` or `nproc=512` (soft = hard). */
export function parseUlimit(s: string): Ulimit {
  const eq = s.indexOf('=');
  if (eq < 0) throw new Error(`invalid ulimit argument: ${s}`);
  const name = s.slice(0, eq);
  if (!NAMES.has(name)) throw new Error(`invalid ulimit type: ${name}`);
  const parts = s.slice(eq + 1).split(':');
  if (parts.length > 2) throw new Error(`too many limit value arguments - ${s.slice(eq + 1)}, can only have up to two, \`soft[:hard]\``);
  const nums = parts.map((p) => {
    if (!/^-?\d+$/.test(p)) throw new Error(`invalid ulimit value: ${p}`);
    return Number(p);
  });
  const soft = nums[0];
  const hard = nums.length > 1 ? nums[1] : soft;
  if (soft > hard && hard !== -1) throw new Error(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
  return { Name: name, Soft: soft, Hard: hard };
}
