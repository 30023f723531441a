// Expected strings were checked against Go's text/template as the docker 28 CLI runs it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Template, TemplateExecError, TemplateParseError } from './index';

const run = (text: string, data: unknown = null): string => Template.parse(text).execute(data);
const execErr = (text: string, data: unknown = null): string => {
  try { run(text, data); } catch (e) { assert.ok(e instanceof TemplateExecError, String(e)); return e.message; }
  return assert.fail('expected an execution error');
};
const parseErr = (text: string): string => {
  try { Template.parse(text); } catch (e) { assert.ok(e instanceof TemplateParseError, String(e)); return e.message; }
  return assert.fail('expected a parse error');
};

describe('template actions and values', () => {
  const data = {
    ID: 'abc', Names: ['web', 'db'], N: 1700000000, F: 2.5, B: true, Nil: null,
    Labels: { 'com.x': 'y', a: '1' }, State: { Status: 'running', Health: null },
    Nested: { A: { B: 'deep' } },
  };
  const cases: Array<[string, string]> = [
    ['{{.ID}}', 'abc'],
    ['{{.Nested.A.B}}', 'deep'],
    ['{{.State.Status}}', 'running'],
    ['{{.N}} {{.F}} {{.B}}', '1700000000 2.5 true'],
    ['{{.Names}}', '[web db]'],
    ['{{.Labels}}', 'map[a:1 com.x:y]'],
    ['{{.Nil}}', '<nil>'],
    ['{{.Missing}}', '<no value>'],
    ['{{.Missing.Deeper}}', '<no value>'],
    ['{{index .Labels "com.x"}}', 'y'],
    ['[{{index .Labels "nope"}}]', '[]'],
    ['{{.Labels.a}}', '1'],
    ['{{range .Names}}{{.}},{{end}}', 'web,db,'],
    ['{{range $i, $e := .Names}}{{$i}}={{$e}} {{end}}', '0=web 1=db '],
    ['{{range $k, $v := .Labels}}{{$k}}:{{$v}};{{end}}', 'a:1;com.x:y;'],
    ['{{range .Nil}}x{{else}}empty{{end}}', 'empty'],
    ['{{range $e := .Names}}{{if eq $e "db"}}{{break}}{{end}}{{$e}}{{end}}', 'web'],
    ['{{range 3}}{{.}}{{end}}', '012'],
    ['{{with .State}}{{.Status}}{{end}}', 'running'],
    ['{{with .Nil}}x{{else}}none{{end}}', 'none'],
    ['{{with ""}}x{{else with "w"}}{{.}}{{end}}', 'w'],
    ['{{if 0}}a{{else if 1}}b{{else}}c{{end}}', 'b'],
    ['{{if and .B .ID}}yes{{end}}', 'yes'],
    ['{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}', '2'],
    ['{{range .Names}}{{$.ID}}{{end}}', 'abcabc'],
    ['{{.ID | printf "%s-%s" "x"}}', 'x-abc'],
    ['{{(index .Names 1) | upper}}', 'DB'],
    ['a {{- " b " -}} c', 'a b c'],
    ['x {{/* comment */}} y{{- /* trimmed */ -}} z', 'x  yz'],
    ['{{"raw"}} {{`back\\n`}} {{\'a\'}} {{0x1F}} {{1_000}} {{-5}} {{print nil}}', 'raw back\\n 97 31 1000 -5 <nil>'],
    ['{{define "t"}}[{{.}}]{{end}}{{template "t" .ID}}', '[abc]'],
    ['{{json .}}', '{"ID":"abc","Names":["web","db"],"N":1700000000,"F":2.5,"B":true,"Nil":null,"Labels":{"com.x":"y","a":"1"},"State":{"Status":"running","Health":null},"Nested":{"A":{"B":"deep"}}}'],
    ['{{json "<&>"}}', '"<&>"'],
    ['{{join .Names ", "}}|{{split "a:b" ":"}}|{{len (split "a:b:c" ":")}}', 'web, db|[a b]|3'],
    ['{{title "hello wORLD-foo bar_baz"}} {{pad "x" 2 3}}| {{truncate "abcdef" 3}} {{truncate "ab" 3}}', 'Hello WORLD-Foo Bar_baz   x   | abc ab'],
    ['{{lower "AbC"}} {{upper "AbC"}}', 'abc ABC'],
    ['{{slice "abcdef" 1 3}} {{index "abc" 1}} {{slice .Names 1}}', 'bc 98 [db]'],
    ['{{eq 1 1 2}} {{lt 1 2}} {{eq "a" "b" "a"}} {{and 1 0 2}} {{or 0 "" "x"}} {{not ""}} {{ne 1 2}} {{ge 2 2}} {{gt 1 2}} {{le 1 1}}', 'true true true 0 x true true true false true'],
    ['{{len "é"}} {{print 1 2 "a" "b" 3}} {{println 1 "x"}}|', '2 1 2ab3 1 x\n|'],
    ['{{js "<a href=\\"x\\">\'é\\n"}} {{html "<&\\"\'>"}} {{urlquery "a b&c/é~"}}', '\\u003Ca href\\u003D\\"x\\"\\u003E\\\'é\\u000A &lt;&amp;&#34;&#39;&gt; a+b%26c%2F%C3%A9~'],
    ['{{1.5}} {{100000000000}} {{1e6}} {{0.00001}}', '1.5 100000000000 1000000 1e-05'],
  ];
  for (const [text, want] of cases) it(text, () => assert.equal(run(text, data), want));

  it('calls methods with arguments, like docker\'s .Label "key"', () => {
    class Ctx { constructor(private labels: Record<string, string>) {} Label(k: string): string { return this.labels[k] ?? ''; } }
    assert.equal(run('{{.Label "com.x"}}', new Ctx({ 'com.x': 'v' })), 'v');
    assert.match(execErr('{{.Nope}}', new Ctx({})), /can't evaluate field Nope in type \*Ctx/);
  });

  it('calls user functions', () => {
    assert.equal(Template.parse('{{double 21}}', { funcs: { double: (n) => (n as number) * 2 } }).execute(null), '42');
  });

  it('prints <no value> for a nil root', () => assert.equal(run('{{.}}|{{.X}}'), '<no value>|<no value>'));
});

describe('template errors', () => {
  it('reports parse errors as Go does', () => {
    assert.equal(parseErr('{{foo}}'), 'template: :1: function "foo" not defined');
    assert.equal(parseErr('a\nb\n{{foo}}'), 'template: :3: function "foo" not defined');
    assert.equal(parseErr('{{if}}'), 'template: :1: missing value for if');
    assert.equal(parseErr('{{end}}'), 'template: :1: unexpected {{end}}');
    assert.equal(parseErr('{{else}}'), 'template: :1: unexpected {{else}}');
    assert.equal(parseErr('{{range .}}'), 'template: :1: unexpected EOF');
    assert.equal(parseErr('{{.A.}}'), 'template: :1: unexpected <.> in operand');
    assert.equal(parseErr('{{$x}}'), 'template: :1: undefined variable "$x"');
    assert.equal(parseErr('{{"x" | 5}}'), 'template: :1: non executable command in pipeline stage 2');
    assert.equal(parseErr('{{ "unterminated }}'), 'template: :1: unterminated quoted string');
    assert.equal(parseErr('{{break}}'), 'template: :1: {{break}} outside {{range}}');
    assert.equal(parseErr('{{range $a, $b, $c := .}}{{end}}'), 'template: :1: too many declarations in range');
    assert.equal(parseErr('{{/* x */ 1}}'), 'template: :1: comment ends before closing delimiter');
    assert.equal(parseErr('{{ - 1}}'), 'template: :1: illegal number syntax: "-"');
    assert.equal(parseErr('{{.ID'), 'template: :1: unclosed action');
  });

  it('reports execution errors with position and context', () => {
    assert.equal(execErr('{{.A.B}}', { A: null }), 'template: :1:4: executing "" at <.A.B>: nil pointer evaluating interface {}.B');
    assert.equal(execErr('{{.ID.X}}', { ID: 'x' }), 'template: :1:5: executing "" at <.ID.X>: can\'t evaluate field X in type string');
    assert.equal(execErr('{{index .L 3}}', { L: ['a'] }), 'template: :1:2: executing "" at <index .L 3>: error calling index: index out of range: 3');
    assert.equal(execErr('{{printf}}'), 'template: :1:2: executing "" at <printf>: wrong number of args for printf: want at least 1 got 0');
    assert.equal(execErr('{{pad "x" 1}}'), 'template: :1:2: executing "" at <pad>: wrong number of args for pad: want 3 got 2');
    assert.equal(execErr('{{upper 5}}'), 'template: :1:8: executing "" at <5>: expected string; found 5');
    assert.equal(execErr('{{upper .N}}', { N: 5 }), 'template: :1:8: executing "" at <.N>: wrong type for value; expected string; got int');
    assert.equal(execErr('{{eq "a" 1}}'), 'template: :1:2: executing "" at <eq "a" 1>: error calling eq: incompatible types for comparison');
    assert.equal(execErr('{{nil}}'), 'template: :1:2: executing "" at <nil>: nil is not a command');
    assert.equal(execErr('{{1 2}}'), 'template: :1:2: executing "" at <1>: can\'t give argument to non-function 1');
    assert.equal(execErr('{{index .Labels "some.very.long.key" 5}}', { Labels: {} }),
      'template: :1:2: executing "" at <index .Labels "some....>: error calling index: index out of range: 5');
  });

  it('keeps the output written before an execution error', () => {
    try { run('ok {{.A.B}}', { A: null }); assert.fail('no error'); } catch (e) {
      assert.ok(e instanceof TemplateExecError);
      assert.equal(e.partial, 'ok ');
    }
  });
});
