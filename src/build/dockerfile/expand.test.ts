import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envFromList, expandWord, ShellLex } from './expand';

const env = envFromList(['PWD=/home', 'SHELL=bash', 'KOREAN=한국어', 'NULL=']);

// [input, expected or null for an error] — Docker's documented lexer behaviour
const WORDS: [string, string | null][] = [
  ['hello', 'hello'],
  ["he'll'o", 'hello'],
  ["he'llo", null],
  ["he\\'llo", "he'llo"],
  ["he\\\\'llo", null],
  ['abc\\tdef', 'abctdef'],
  ['"abc\\tdef"', 'abc\\tdef'],
  ['"abc\\\\tdef"', 'abc\\tdef'],
  ["'abc\\tdef'", 'abc\\tdef'],
  ['hello\\', 'hello'],
  ['hello\\\\', 'hello\\'],
  ['"hello', null],
  ['"hello\\"', null],
  ['"hel\'lo"', "hel'lo"],
  ["'hello", null],
  ["'hello\\'", 'hello\\'],
  ['"\'\'"', "''"],
  ['$.', '$.'],
  ['he$1x', 'hex'],
  ['he$.x', 'he$.x'],
  ['he$pwd.', 'he.'],
  ['he$PWD', 'he/home'],
  ['he\\$PWD', 'he$PWD'],
  ['he\\\\$PWD', 'he\\/home'],
  ['"he\\$PWD"', 'he$PWD'],
  ['"he\\\\$PWD"', 'he\\/home'],
  ['\\${}', '${}'],
  ['he\\${}xx', 'he${}xx'],
  ['${}', null],
  ['he${}xx', null],
  ['he${hi}xx', 'hexx'],
  ['he${PWD}', 'he/home'],
  ['he${.}', null],
  ['he${XXX:-000}xx', 'he000xx'],
  ['he${PWD:-000}xx', 'he/homexx'],
  ['he${XXX:-$PWD}xx', 'he/homexx'],
  ['he${XXX:-${PWD:-yyy}}xx', 'he/homexx'],
  ['he${XXX:-${YYY:-yyy}}xx', 'heyyyxx'],
  ['he${XXX:YYY}', null],
  ['he${XXX?}', null],
  ['he${XXX:?}', null],
  ['he${PWD?}', 'he/home'],
  ['he${NULL?}', 'he'],
  ['he${NULL:?}', null],
  ['he${NULL-x}', 'he'],
  ['he${NULL:-x}', 'hex'],
  ['he${NULL+x}', 'hex'],
  ['he${NULL:+x}', 'he'],
  ['he${XXX-x}', 'hex'],
  ['he${XXX+x}', 'he'],
  ['he${XXX:+${PWD}}xx', 'hexx'],
  ['he${PWD:+${SHELL}}xx', 'hebashxx'],
  ['he${PWD:+000}xx', 'he000xx'],
  ["'he${XX}'", 'he${XX}'],
  ['"he${PWD}"', 'he/home'],
  ['"he\'$PWD\'"', "he'/home'"],
  ["'$PWD'", '$PWD'],
  ["'\\$PWD'", '\\$PWD'],
  ['\'"hello"\'', '"hello"'],
  ['he${PWD', null],
  ['he${PWD:=000}xx', null],
  ['he${PWD:+${PWD}:}xx', 'he/home:xx'],
  ['he${XXX:-\\$PWD:}xx', 'he$PWD:xx'],
  ['he${XXX:-\\${PWD}z}xx', 'he${PWDz}xx'],
  ['안녕$KOREAN', '안녕한국어'],
  ["안'녕'하세요", '안녕하세요'],
  ['${aaa}}', '}'],
  ['${aaa:-bbb}}', 'bbb}'],
  ['${aaa:-bbb {foo}', 'bbb {foo'],
  ['${aaa:-bbb ${foo}', null],
  ['${:}', null],
  ['${:-bbb}', null],
  ['$1', ''],
  ['${1:-bbb}', 'bbb'],
  ['$999aaa', 'aaa'],
  ['$@@@', '@@'],
  ['${@:-bbb}aaa', 'bbbaaa'],
  ['$$', ''],
  ['${PWD#/h}', 'ome'],
  ['${PWD#*o}', 'me'],
  ['${PWD##*/}', 'home'],
  ['${SHELL%h}', 'bas'],
  ['${SHELL%a*}', 'b'],
  ['${SHELL%%a*}', 'b'],
  ['${PWD/o/0}', '/h0me'],
  ['${SHELL//[a]/x}', 'bash'],
  ['${PWD:#x}', null],
];

test('expandWord follows Docker\'s lexer table', () => {
  for (const [input, want] of WORDS) {
    if (want === null) {
      assert.throws(() => expandWord(input, env), Error, `expected an error for ${input}`);
    } else {
      assert.equal(expandWord(input, env), want, `input ${input}`);
    }
  }
});

test('errors name the word as Docker does', () => {
  assert.throws(() => expandWord('he${PWD', env), { message: 'failed to process "he${PWD": syntax error: missing \'}\'' });
  assert.throws(() => expandWord("'x", env), { message: 'failed to process "\'x": unexpected end of statement while looking for matching single-quote' });
  assert.throws(() => expandWord('${X:?must be set}', env), { message: 'failed to process "${X:?must be set}": X: must be set' });
  assert.throws(() => expandWord('${}', env), /bad substitution/);
});

test('processWords splits on blanks that are neither quoted nor escaped', () => {
  const e = envFromList(['hi=hi', 'space=abc  def', 'leading=  ab c', 'trailing=ab c   ']);
  const lex = new ShellLex();
  const cases: [string, string[]][] = [
    ['hello${hi}bye', ['hellohibye']],
    ['hello${space}bye', ['helloabc', 'defbye']],
    ['hello"${space}"bye', ['helloabc  defbye']],
    ['hello "${space}"bye', ['hello', 'abc  defbye']],
    ['hello${leading}def', ['hello', 'ab', 'cdef']],
    ['hello"${leading}" def', ['hello  ab c', 'def']],
    ['hello${trailing}d', ['helloab', 'c', 'd']],
    ['hello"${trailing}"d', ['helloab c   d']],
    ['hello there     ', ['hello', 'there']],
    ['hello\\ there', ['hello there']],
    ['hello\\" there', ['hello"', 'there']],
    ["hello'\\\\there'", ['hello\\\\there']],
    ["hello'$there'", ['hello$there']],
    ['80 443/udp ${hi}', ['80', '443/udp', 'hi']],
  ];
  for (const [input, want] of cases) assert.deepEqual(lex.processWords(input, e), want, input);
  assert.throws(() => lex.processWords('hello" there', e));
});

test('the backtick escape token replaces the backslash', () => {
  const lex = new ShellLex('`');
  assert.equal(lex.processWord('c:\\dir`$PWD', env).result, 'c:\\dir$PWD');
  assert.equal(lex.processWord('"a`"b"', env).result, 'a"b');
  assert.equal(lex.processWord('a\\$PWD', env).result, 'a\\/home');
});

test('matched and unmatched variables are reported (build args in use)', () => {
  const r = new ShellLex().processWord('$PWD ${NOPE:-x} $SHELL', env);
  assert.equal(r.result, '/home x bash');
  assert.deepEqual([...r.matched].sort(), ['PWD', 'SHELL']);
  assert.deepEqual([...r.unmatched], ['NOPE']);
});

test('skipUnsetEnv keeps unset references as written', () => {
  const lex = new ShellLex('\\', { skipUnsetEnv: true });
  assert.equal(lex.processWord('$X ${Y} ${Z:-d} $PWD', env).result, '$X ${Y} ${Z:-d} /home');
});
