import * as fs from 'node:fs';

/** Undoes the \ooo escapes of /proc/self/mountinfo fields. */
function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Mount points currently mounted, from /proc/self/mountinfo. */
export function mountPoints(mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8')): Set<string> {
  const out = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    if (f.length > 4) out.add(unescapeMountField(f[4]));
  }
  return out;
}

export function isMounted(target: string): boolean {
  return mountPoints().has(target);
}
