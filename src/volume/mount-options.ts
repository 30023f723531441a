/**
 * The `o=` option of a local volume (`-o type=tmpfs -o device=tmpfs -o o=size=64m,uid=1000`),
 * split as mount(8) does into MS_* flags and the data string given to the filesystem.
 */
const FLAGS: Record<string, { set: boolean; flag: number }> = {
  ro: { set: true, flag: 1 }, rw: { set: false, flag: 1 },
  nosuid: { set: true, flag: 2 }, suid: { set: false, flag: 2 },
  nodev: { set: true, flag: 4 }, dev: { set: false, flag: 4 },
  noexec: { set: true, flag: 8 }, exec: { set: false, flag: 8 },
  sync: { set: true, flag: 16 }, async: { set: false, flag: 16 },
  remount: { set: true, flag: 32 },
  dirsync: { set: true, flag: 128 },
  noatime: { set: true, flag: 1024 }, atime: { set: false, flag: 1024 },
  nodiratime: { set: true, flag: 2048 }, diratime: { set: false, flag: 2048 },
  bind: { set: true, flag: 4096 },
  rbind: { set: true, flag: 4096 | 16384 },
  relatime: { set: true, flag: 1 << 21 }, norelatime: { set: false, flag: 1 << 21 },
  strictatime: { set: true, flag: 1 << 24 },
};

export const MS_BIND = 4096;

export function parseMountOptions(o: string): { flags: number; data: string } {
  let flags = 0;
  const data: string[] = [];
  for (const opt of o.split(',').filter(Boolean)) {
    const f = FLAGS[opt];
    if (!f) data.push(opt);
    else if (f.set) flags |= f.flag;
    else flags &= ~f.flag;
  }
  return { flags, data: data.join(',') };
}
