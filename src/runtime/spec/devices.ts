import * as fs from 'node:fs';
import * as path from 'node:path';
import { deviceMajor, deviceMinor } from '../../util/device-number';
import type { OciDevice, OciDeviceCgroup } from './oci-types';

/**
 * Docker's device cgroup rules for an unprivileged container (Moby oci.DefaultLinuxSpec): deny
 * everything, allow null, zero, full, random, urandom, tty, console; deny fuse. The runtime adds
 * its own always-needed rules (ptmx, /dev/pts, tun) on top.
 */
export function defaultDeviceRules(): OciDeviceCgroup[] {
  const allow = (major: number, minor: number): OciDeviceCgroup => ({ allow: true, type: 'c', major, minor, access: 'rwm' });
  return [
    { allow: false, access: 'rwm' },
    allow(1, 5), allow(1, 3), allow(1, 9), allow(1, 8), allow(5, 0), allow(5, 1),
    { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' },
  ];
}

/** Directories under /dev that hold no devices of the host's own to hand on (as runc skips them). */
const SKIP = new Set(['/dev/pts', '/dev/shm', '/dev/fd', '/dev/mqueue', '/dev/.lxc', '/dev/.lxd-mounts', '/dev/.udev']);

/** Every character and block device node under `dir` (default /dev), for --privileged. */
export function hostDevices(dir = '/dev'): OciDevice[] {
  const out: OciDevice[] = [];
  const walk = (d: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP.has(full)) walk(full);
        continue;
      }
      if (!e.isCharacterDevice() && !e.isBlockDevice()) continue;
      if (full === '/dev/console') continue;
      let st: fs.BigIntStats;
      try {
        st = fs.lstatSync(full, { bigint: true }) as fs.BigIntStats;
      } catch {
        continue;
      }
      out.push({
        type: e.isCharacterDevice() ? 'c' : 'b', path: full, major: deviceMajor(st.rdev), minor: deviceMinor(st.rdev),
        fileMode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid),
      });
    }
  };
  walk(dir);
  return out;
}
