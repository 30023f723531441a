import * as os from 'node:os';
import { InvalidParameterError } from '../../util/errors';
import type { OciSeccomp, OciSeccompAction, OciSeccompArg, OciSeccompOperator, OciSyscall } from './oci-types';
import { BASE_SYSCALLS, CONDITIONAL_RULES, EPERM, SECCOMP_ARCHES, type HostArch, type SeccompRule } from './seccomp-default';

export interface SeccompHost {
  arch: HostArch;
  /** kernel release, "6.1.0-13-amd64" */
  kernel: string;
}

function currentHost(): SeccompHost {
  return { arch: process.arch === 'arm64' ? 'aarch64' : 'x86_64', kernel: os.release() };
}

/** True when release `have` is at least `want` ("4.8"), comparing major.minor.patch numerically. */
export function kernelAtLeast(have: string, want: string): boolean {
  const parse = (v: string): number[] => (/^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v) ?? []).slice(1, 4).map((n) => Number(n ?? 0));
  const a = parse(have);
  const b = parse(want);
  if (b.length === 0 || Number.isNaN(b[0])) throw new InvalidParameterError(`invalid kernel version in seccomp profile: "${want}"`);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

function applies(rule: SeccompRule, caps: readonly string[], host: SeccompHost): boolean {
  if (rule.arches && !rule.arches.includes(host.arch)) return false;
  if (rule.withCaps && !rule.withCaps.every((c) => caps.includes(c))) return false;
  if (rule.withoutCaps && rule.withoutCaps.some((c) => caps.includes(c))) return false;
  if (rule.minKernel && !kernelAtLeast(host.kernel, rule.minKernel)) return false;
  return true;
}

/**
 * berth's default profile resolved for a container: the rules whose capability, architecture
 * and kernel conditions hold for these effective caps on this host.
 */
export function defaultSeccomp(caps: string[], host: SeccompHost = currentHost()): OciSeccomp {
  const syscalls: OciSyscall[] = [{ names: [...BASE_SYSCALLS], action: 'SCMP_ACT_ALLOW' }];
  for (const rule of CONDITIONAL_RULES) {
    if (!applies(rule, caps, host)) continue;
    const call: OciSyscall = rule.action === 'allow'
      ? { names: [...rule.names], action: 'SCMP_ACT_ALLOW' }
      : { names: [...rule.names], action: 'SCMP_ACT_ERRNO', errnoRet: rule.action.errno };
    if (rule.args) call.args = rule.args.map((a) => ({ ...a }));
    syscalls.push(call);
  }
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: EPERM,
    architectures: [...SECCOMP_ARCHES[host.arch]],
    syscalls,
  };
}

// ---- Docker's profile format (--security-opt seccomp=FILE) ----

const ACTIONS: readonly OciSeccompAction[] = ['SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY'];
const OPERATORS: readonly OciSeccompOperator[] = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE',
  'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'];
/** Docker's arch names (Go/libseccomp) for includes/excludes, per host. */
const DOCKER_ARCH: Record<HostArch, string> = { x86_64: 'amd64', aarch64: 'arm64' };
const NATIVE_SCMP_ARCH: Record<HostArch, string> = { x86_64: 'SCMP_ARCH_X86_64', aarch64: 'SCMP_ARCH_AARCH64' };

function fail(msg: string): never {
  throw new InvalidParameterError(`Decoding seccomp profile failed: ${msg}`);
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/** Go's json would refuse these type mismatches; say so in its words. */
function expect(v: unknown, kind: 'string' | 'number' | 'object' | 'array', field: string, goType: string): void {
  if (v === undefined || v === null) return;
  if (jsonKind(v) !== kind) fail(`json: cannot unmarshal ${jsonKind(v)} into Go struct field ${field} of type ${goType}`);
}

function strings(v: unknown, field: string): string[] {
  expect(v, 'array', field, '[]string');
  const list = (v ?? []) as unknown[];
  list.forEach((s) => expect(s, 'string', field, 'string'));
  return list.filter((s): s is string => typeof s === 'string');
}

interface Filter { caps: string[]; arches: string[]; minKernel: string }

function filter(v: unknown, field: string): Filter {
  expect(v, 'object', field, 'seccomp.Filter');
  const o = (v ?? {}) as Record<string, unknown>;
  expect(o.minKernel, 'string', `${field}.minKernel`, 'string');
  return { caps: strings(o.caps, `${field}.caps`), arches: strings(o.arches, `${field}.arches`), minKernel: (o.minKernel as string | undefined) ?? '' };
}

function action(v: unknown, field: string): OciSeccompAction {
  expect(v, 'string', field, 'specs.LinuxSeccompAction');
  if (!ACTIONS.includes(v as OciSeccompAction)) fail(`unknown seccomp action ${JSON.stringify(v ?? '')} in ${field}`);
  return v as OciSeccompAction;
}

function args(v: unknown, field: string): OciSeccompArg[] | undefined {
  expect(v, 'array', field, '[]*seccomp.Arg');
  if (!Array.isArray(v) || v.length === 0) return undefined;
  return v.map((a: unknown) => {
    expect(a, 'object', field, 'seccomp.Arg');
    const o = (a ?? {}) as Record<string, unknown>;
    for (const k of ['index', 'value', 'valueTwo'] as const) expect(o[k], 'number', `${field}.${k}`, k === 'index' ? 'uint' : 'uint64');
    expect(o.op, 'string', `${field}.op`, 'specs.LinuxSeccompOperator');
    if (!OPERATORS.includes(o.op as OciSeccompOperator)) fail(`unknown seccomp operator ${JSON.stringify(o.op ?? '')} in ${field}`);
    const arg: OciSeccompArg = { index: (o.index as number) ?? 0, value: (o.value as number) ?? 0, op: o.op as OciSeccompOperator };
    if (typeof o.valueTwo === 'number') arg.valueTwo = o.valueTwo;
    return arg;
  });
}

/**
 * Converts a profile in Docker's JSON format to the OCI form for a container with these
 * effective caps, as Moby does: archMap picks the host's entry, includes/excludes are resolved
 * against caps, architecture and kernel; "name" and "names" are both accepted (not together).
 */
export function seccompFromDockerProfile(json: string, caps: string[], host: SeccompHost = currentHost()): OciSeccomp {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  if (jsonKind(parsed) !== 'object') fail(`json: cannot unmarshal ${jsonKind(parsed)} into Go value of type seccomp.Seccomp`);
  const p = parsed as Record<string, unknown>;
  expect(p.defaultAction, 'string', 'Seccomp.defaultAction', 'specs.LinuxSeccompAction');
  expect(p.defaultErrnoRet, 'number', 'Seccomp.defaultErrnoRet', 'uint');
  expect(p.syscalls, 'array', 'Seccomp.syscalls', '[]*seccomp.Syscall');
  expect(p.archMap, 'array', 'Seccomp.archMap', '[]seccomp.Architecture');
  expect(p.listenerPath, 'string', 'Seccomp.listenerPath', 'string');
  const calls = (p.syscalls ?? []) as unknown[];
  // Moby: no default action and no syscalls means no filter at all; an allow-all filter is the same
  if (!p.defaultAction && calls.length === 0) return { defaultAction: 'SCMP_ACT_ALLOW' };
  const architectures = strings(p.architectures, 'Seccomp.architectures');
  const archMap = (p.archMap ?? []) as unknown[];
  if (architectures.length > 0 && archMap.length > 0) {
    fail("'architectures' and 'archMap' were specified in the seccomp profile, use either 'architectures' or 'archMap'");
  }
  for (const entry of archMap) {
    expect(entry, 'object', 'Seccomp.archMap', 'seccomp.Architecture');
    const e = (entry ?? {}) as Record<string, unknown>;
    if (e.architecture === NATIVE_SCMP_ARCH[host.arch]) {
      architectures.push(e.architecture, ...strings(e.subArchitectures, 'Architecture.subArchitectures'));
      break;
    }
  }
  const out: OciSeccomp = { defaultAction: action(p.defaultAction, 'Seccomp.defaultAction') };
  if (typeof p.defaultErrnoRet === 'number') out.defaultErrnoRet = p.defaultErrnoRet;
  if (architectures.length > 0) out.architectures = architectures;
  if (typeof p.listenerPath === 'string' && p.listenerPath) out.listenerPath = p.listenerPath;
  const flags = strings(p.flags, 'Seccomp.flags');
  if (flags.length > 0) out.flags = flags;
  const arch = DOCKER_ARCH[host.arch];
  out.syscalls = [];
  for (const raw of calls) {
    expect(raw, 'object', 'Seccomp.syscalls', 'seccomp.Syscall');
    const c = (raw ?? {}) as Record<string, unknown>;
    const inc = filter(c.includes, 'Syscall.includes');
    const exc = filter(c.excludes, 'Syscall.excludes');
    if (exc.arches.includes(arch)) continue;
    if (exc.caps.some((x) => caps.includes(x))) continue;
    if (exc.minKernel && kernelAtLeast(host.kernel, exc.minKernel)) continue;
    if (inc.arches.length > 0 && !inc.arches.includes(arch)) continue;
    if (!inc.caps.every((x) => caps.includes(x))) continue;
    if (inc.minKernel && !kernelAtLeast(host.kernel, inc.minKernel)) continue;
    expect(c.name, 'string', 'Syscall.name', 'string');
    const names = strings(c.names, 'Syscall.names');
    if (c.name && names.length > 0) fail("'name' and 'names' were specified in the seccomp profile, use either 'name' or 'names'");
    expect(c.errnoRet, 'number', 'Syscall.errnoRet', 'uint');
    const call: OciSyscall = { names: c.name ? [c.name as string] : names, action: action(c.action, 'Syscall.action') };
    if (typeof c.errnoRet === 'number') call.errnoRet = c.errnoRet;
    const a = args(c.args, 'Syscall.args');
    if (a) call.args = a;
    out.syscalls.push(call);
  }
  return out;
}
