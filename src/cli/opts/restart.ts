import type { RestartPolicy } from '../../api-types';

/** --restart: no | always | unless-stopped | on-failure[:max-retries]. */
export function parseRestartPolicy(s: string): RestartPolicy {
  if (!s) return { Name: 'no', MaximumRetryCount: 0 };
  const [name, count, ...rest] = s.split(':');
  if (rest.length) throw new Error(`invalid restart policy format: ${s}`);
  if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(name)) throw new Error(`invalid restart policy format: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
  if (count === undefined) return { Name: name as RestartPolicy['Name'], MaximumRetryCount: 0 };
  if (name !== 'on-failure') throw new Error(`invalid restart policy format: maximum retry count can only be used with 'on-failure'`);
  if (!/^\d+$/.test(count)) throw new Error('invalid restart policy format: maximum retry count must be an integer');
  return { Name: 'on-failure', MaximumRetryCount: Number(count) };
}
