import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlagError, parseFlags, type FlagSpec } from './flagset';

const specs: FlagSpec[] = [
  { name: 'detach', short: 'd', kind: 'bool' },
  { name: 'interactive', short: 'i', kind: 'bool' },
  { name: 'tty', short: 't', kind: 'bool' },
  { name: 'rm', kind: 'bool' },
  { name: 'env', short: 'e', kind: 'list' },
  { name: 'hostname', short: 'h', kind: 'string' },
  { name: 'last', short: 'n', kind: 'int', def: -1 },
  { name: 'memory', short: 'm', kind: 'string', check: (v) => { if (!/^\d+[kmg]?$/.test(v)) throw new Error(`invalid size: '${v}'`); } },
];

test('combined shorts, attached values and repeated lists', () => {
  const p = parseFlags(specs, ['-dit', '-eA=1', '-e', 'B=2', '--env=C=3', '-h', 'hn', 'busybox'], false);
  assert.deepEqual(p.values, { detach: true, interactive: true, tty: true, env: ['A=1', 'B=2', 'C=3'], hostname: 'hn', last: -1 });
  assert.deepEqual(p.args, ['busybox']);
});

test('non-interspersed: flags after the image belong to the command', () => {
  const p = parseFlags(specs, ['--rm', 'busybox', 'sh', '-c', 'echo -d'], false);
  assert.deepEqual(p.args, ['busybox', 'sh', '-c', 'echo -d']);
  assert.equal(p.values.detach, undefined);
  const q = parseFlags(specs, ['a', '-d', 'b'], true);
  assert.deepEqual(q.args, ['a', 'b']);
  assert.equal(q.values.detach, true);
});

test('booleans take =false; -- ends flags', () => {
  const p = parseFlags(specs, ['--rm=false', '-d=false', '--', '-t'], true);
  assert.equal(p.values.rm, false);
  assert.equal(p.values.detach, false);
  assert.deepEqual(p.args, ['-t']);
});

test('pflag error wording', () => {
  assert.throws(() => parseFlags(specs, ['--foo']), new FlagError('unknown flag: --foo'));
  assert.throws(() => parseFlags(specs, ['-x']), new FlagError("unknown shorthand flag: 'x' in -x"));
  assert.throws(() => parseFlags(specs, ['-e']), new FlagError("flag needs an argument: 'e' in -e"));
  assert.throws(() => parseFlags(specs, ['--env']), new FlagError('flag needs an argument: --env'));
  assert.throws(() => parseFlags(specs, ['-n', 'x']), new FlagError('invalid argument "x" for "-n, --last" flag: strconv.ParseInt: parsing "x": invalid syntax'));
  assert.throws(() => parseFlags(specs, ['--memory', 'xx']), new FlagError('invalid argument "xx" for "-m, --memory" flag: invalid size: \'xx\''));
  assert.equal(parseFlags(specs, ['--help']).help, true);
});
