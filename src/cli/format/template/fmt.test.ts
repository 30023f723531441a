// Expected strings were checked against Go's fmt as the docker 28 CLI runs it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sprint, sprintf } from './fmt';
import { formatV, goJson } from './values';

describe('sprintf', () => {
  const cases: Array<[string, unknown[], string]> = [
    ['%-10s|', ['ab'], 'ab        |'],
    ['%10s|', ['ab'], '        ab|'],
    ['%5.1f|%-8q|%08.3f|%+d|%x|%X|%o|%e|%g|%c|%U|%t', [3.14159, 'hi', 3.14159, 5, 255, 'Hi', 8, 123456.789, 0.000012345, 65, 65, true],
      '  3.1|"hi"    |0003.142|+5|ff|4869|10|1.234568e+05|1.2345e-05|A|U+0041|true'],
    ['%.2f%%', [12.345], '12.35%'],
    ['%d %s', ['x', 5], '%!d(string=x) %!s(int=5)'],
    ['%d', [], '%!d(MISSING)'],
    ['x', [1], 'x%!(EXTRA int=1)'],
    ['%v|%s|%d', [['a', 'b'], ['a', 'b'], ['a', 'b']], '[a b]|[a b]|[%!d(string=a) %!d(string=b)]'],
    ['%s %v %d', [null, null, true], '%!s(<nil>) <nil> %!d(bool=true)'],
    ['%05d|%-5d|%5s|%.1s|%05s', [42, 42, 'ab', 'xyz', 'ab'], '00042|42   |   ab|x|000ab'],
    ['%x %X %o %b', [-255, 255, 8, 5], '-ff FF 10 101'],
    ['%q %x % x %#x %#q', ['a\tb', 'hi', 'hi', 255, 'ab'], '"a\\tb" 6869 68 69 0xff `ab`'],
    ['%6.2f|%-6.1e|%g|%.3g|%G', [3.14159, 1234.5, 1e21, 3.14159, 1e-7], '  3.14|1.2e+03|1e+21|3.14|1E-07'],
    ['%T %T %T %T %T', [1, 'a', 1.5, true, [1]], 'int string float64 bool []interface {}'],
    ['%v %v %v', [1.0, 2.5, -0.0], '1 2.5 -0'],
    ['%*d|%.*f', [5, 42, 1, 2.25], '   42|2.2'],
  ];
  for (const [f, args, want] of cases) it(`${f} ${JSON.stringify(args)}`, () => assert.equal(sprintf(f, args), want));
});

describe('Go value printing', () => {
  it('prints like fmt %v', () => {
    assert.equal(formatV(1700000000), '1700000000');
    assert.equal(formatV(1234567.5), '1.2345675e+06');
    assert.equal(formatV([1, 'a', null, [true]]), '[1 a <nil> [true]]');
    assert.equal(formatV({ b: 2, a: { c: 'x' } }), 'map[a:map[c:x] b:2]');
    assert.equal(sprint([1, 2, 'a', 'b', 3]), '1 2ab3');
  });
  it('encodes JSON like encoding/json without HTML escaping', () => {
    assert.equal(goJson({ a: '<&>', b: [1, 2.5], c: null, d: '\u2028\x01' }), '{"a":"<&>","b":[1,2.5],"c":null,"d":"\\u2028\\u0001"}');
    assert.equal(goJson(new Map([['z', 1], ['a', 2]])), '{"a":2,"z":1}');
  });
});
