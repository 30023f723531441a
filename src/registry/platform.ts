import type { Descriptor, Platform } from './types';

/**
 * Platforms as containerd's platforms package reads them: "linux/arm64/v8", "linux/amd64";
 * aliases normalised (x86_64 → amd64, aarch64 → arm64), arm's default variant v7.
 */

export function hostPlatform(): Platform {
  switch (process.arch) {
    case 'x64': return { os: 'linux', architecture: 'amd64' };
    case 'ia32': return { os: 'linux', architecture: '386' };
    case 'arm': return { os: 'linux', architecture: 'arm', variant: 'v7' };
    case 'arm64': return { os: 'linux', architecture: 'arm64' };
    case 'ppc64': return { os: 'linux', architecture: 'ppc64le' };
    default: return { os: 'linux', architecture: process.arch };
  }
}

export function parsePlatform(s: string | undefined): Platform {
  if (!s) return hostPlatform();
  const parts = s.toLowerCase().split('/');
  const host = hostPlatform();
  const os = parts[0] || 'linux';
  if (parts.length === 1) return { ...host, os };
  let architecture = parts[1];
  let variant: string | undefined = parts[2];
  if (architecture === 'x86_64' || architecture === 'x86-64') architecture = 'amd64';
  if (architecture === 'aarch64') { architecture = 'arm64'; if (variant === 'v8') variant = undefined; }
  if (architecture === 'arm64' && variant === 'v8') variant = undefined;
  if (architecture === 'armhf') { architecture = 'arm'; variant = 'v7'; }
  if (architecture === 'armel') { architecture = 'arm'; variant = 'v6'; }
  if (architecture === 'arm' && !variant) variant = 'v7';
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

export function platformMatches(want: Platform, have: Platform | undefined): boolean {
  if (!have) return false;
  const h = parsePlatform(formatPlatform(have));
  return h.os === want.os && h.architecture === want.architecture && (!want.variant || !h.variant || h.variant === want.variant);
}

/** The index entry for `want`: an exact variant first, as containerd's matcher orders them. */
export function selectManifest(manifests: Descriptor[], want: Platform): Descriptor | null {
  const candidates = manifests.filter((m) => platformMatches(want, m.platform));
  const exact = candidates.find((m) => parsePlatform(formatPlatform(m.platform as Platform)).variant === want.variant);
  return exact ?? candidates[0] ?? null;
}
