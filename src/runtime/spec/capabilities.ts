import { InvalidParameterError } from '../../util/errors';

/** Linux capability names by bit number (linux/capability.h, up to CAP_CHECKPOINT_RESTORE = 40). */
export const CAPABILITY_BITS: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** Docker's default set (Moby oci.DefaultCapabilities): CapEff 00000000a80425fb. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** Decodes a /proc/<pid>/status capability mask (hex) into names; unknown bits are left out. */
export function capsFromMask(hex: string): string[] {
  const mask = BigInt(`0x${hex.trim() || '0'}`);
  return CAPABILITY_BITS.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

/** The mask /proc shows for a set of capability names, as 16 hex digits. */
export function capsToMask(caps: readonly string[]): string {
  let mask = 0n;
  for (const c of caps) {
    const bit = CAPABILITY_BITS.indexOf(c);
    if (bit >= 0) mask |= 1n << BigInt(bit);
  }
  return mask.toString(16).padStart(16, '0');
}

/** Upper-cases and adds CAP_ (Docker accepts "net_admin", "CAP_NET_ADMIN", "ALL"). */
function normalize(list: readonly string[]): string[] {
  return list.map((raw) => {
    const c = raw.trim().toUpperCase();
    if (c === 'ALL') return c;
    const name = c.startsWith('CAP_') ? c : `CAP_${c}`;
    if (!CAPABILITY_BITS.includes(name)) throw new InvalidParameterError(`unknown capability: "${name}"`);
    return name;
  });
}

/**
 * The container's capability set, with Docker's --cap-add/--cap-drop semantics (Moby
 * caps.TweakCapabilities): add ALL = everything but what is dropped; drop ALL = only what is
 * added; else defaults minus drops plus adds. "Everything" is the daemon's bounding set, not a
 * fixed list: a cap the daemon lacks cannot be handed on (runc would fail to apply it).
 */
export function containerCapabilities(opts: {
  privileged: boolean; capAdd: readonly string[]; capDrop: readonly string[]; boundingCaps: readonly string[];
}): string[] {
  const bounding = opts.boundingCaps;
  if (opts.privileged) return [...bounding];
  const drop = normalize(opts.capDrop);
  const add = normalize(opts.capAdd);
  let caps: string[];
  if (add.includes('ALL')) {
    caps = bounding.filter((c) => !drop.includes(c));
  } else if (drop.includes('ALL')) {
    caps = add;
  } else {
    caps = DEFAULT_CAPABILITIES.filter((c) => !drop.includes(c)).concat(add);
  }
  // An explicitly added cap the daemon lacks is an error now rather than a runc failure later;
  // a default the daemon lacks is quietly left out.
  const missing = add.filter((c) => c !== 'ALL' && !bounding.includes(c));
  if (missing.length > 0) {
    throw new InvalidParameterError(`capability ${missing.join(', ')} is not in the daemon's bounding set and cannot be granted`);
  }
  return [...new Set(caps)].filter((c) => c !== 'ALL' && bounding.includes(c));
}
