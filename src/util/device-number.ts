/**
 * Linux's major and minor numbers of a device's rdev, as glibc's gnu_dev_major/gnu_dev_minor
 * decode it (32 bits each): for device entries of tars and the devices of a privileged container's spec.
 */
export function deviceMajor(rdev: number | bigint): number {
  const r = BigInt(rdev);
  return Number(((r >> 8n) & 0xfffn) | ((r >> 32n) & 0xfffff000n));
}

export function deviceMinor(rdev: number | bigint): number {
  const r = BigInt(rdev);
  return Number((r & 0xffn) | ((r >> 12n) & 0xffffff00n));
}
