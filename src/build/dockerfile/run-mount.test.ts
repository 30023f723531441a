import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvFields, parseRunMount, parseRunNetwork } from './run-mount';

test('csv fields as encoding/csv reads one record', () => {
  assert.deepEqual(csvFields('a,b,c'), ['a', 'b', 'c']);
  assert.deepEqual(csvFields('type=bind,"source=a,b",target=/x'), ['type=bind', 'source=a,b', 'target=/x']);
  assert.deepEqual(csvFields('"x=""q"""'), ['x="q"']);
  assert.throws(() => csvFields('"x'), /extraneous or missing " in quoted-field/);
});

test('mount defaults: bind read-only, cache and tmpfs read-write', () => {
  const bind = parseRunMount('target=/src');
  assert.deepEqual([bind.type, bind.readOnly, bind.target], ['bind', true, '/src']);
  const rw = parseRunMount('type=bind,src=.,dst=/src,rw');
  assert.deepEqual([rw.source, rw.target, rw.readOnly], ['.', '/src', false]);
  const cache = parseRunMount('type=cache,target=/root/.cache,id=pip,sharing=locked,mode=0700,uid=1000,gid=1000');
  assert.deepEqual([cache.readOnly, cache.id, cache.sharing, cache.mode, cache.uid, cache.gid], [false, 'pip', 'locked', 0o700, 1000, 1000]);
  const tmpfs = parseRunMount('type=tmpfs,target=/tmp,size=64m');
  assert.deepEqual([tmpfs.readOnly, tmpfs.size], [false, 64 * 1024 * 1024]);
  const from = parseRunMount('type=bind,from=build,source=/out,target=/in,readonly=false');
  assert.deepEqual([from.from, from.readOnly], ['build', false]);
  assert.equal(parseRunMount('type=secret,id=tok,required').required, true);
  assert.equal(parseRunMount('TYPE=Cache,target=/c').type, 'cache');
  assert.equal(parseRunMount('type=bind,target=$T', (w) => w.replace('$T', '/t')).target, '/t');
});

test('mount errors as BuildKit words them', () => {
  const cases: [string, string][] = [
    ['type=volume,target=/x', 'unsupported mount type "volume"'],
    ['type=cache,target=/x,sharing=all', 'unsupported sharing value "all"'],
    ['type=bind,target=/x,mode=0700', 'mode not allowed for "bind" type mounts'],
    ['type=tmpfs,target=/x,uid=1', 'uid not allowed for "tmpfs" type mounts'],
    ['type=bind,target=/x,size=1', "unexpected key 'size' for mount type 'bind'"],
    ['type=bind,target=/x,foo=1', "unexpected key 'foo' in 'foo=1'"],
    ['type=bind,target=/x,nonsense', "invalid field 'nonsense' must be a key=value pair"],
    ['type=bind,target=/x,ro=maybe', 'invalid value for ro: maybe'],
    ['type=cache,target=/x,mode=999', 'invalid value 999 for mode'],
    ['type=bind,target=/x,sharing=shared', 'invalid cache sharing set for bind mount'],
    ['type=secret,from=x,id=a', 'secret mount should not have a from'],
    ['type=secret', 'invalid secret mount. one of source, target required'],
    ['type=bind,required', "unexpected key 'required' for mount type 'bind'"],
  ];
  for (const [v, msg] of cases) assert.throws(() => parseRunMount(v), { message: msg }, v);
});

test('RUN --network values', () => {
  assert.equal(parseRunNetwork('none'), 'none');
  assert.equal(parseRunNetwork('host'), 'host');
  assert.equal(parseRunNetwork('default'), 'default');
  assert.throws(() => parseRunNetwork('bridge'), { message: 'invalid network mode "bridge"' });
});
