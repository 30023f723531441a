import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heredocContent, heredocsFromLine, parseDockerfile } from './parser';
import { DockerfileParseError } from './errors';
import { extractBuilderFlags, parseWords } from './line-parsers';

const parse = (t: string) => parseDockerfile(t);

test('one node per instruction, with args by instruction kind', () => {
  const r = parse([
    'FROM busybox AS build',
    'RUN echo hi && \\',
    '    echo there',
    'CMD ["sh", "-c", "echo x"]',
    'COPY a b /dst/',
    'ENV A=1 B="two words"',
    'ENV legacy the rest of line',
    'LABEL "com.example.vendor"="ACME Inc" version=1.0',
    'ARG X Y=2',
    'EXPOSE 80 443/udp',
    'HEALTHCHECK --interval=5s CMD curl -f http://x/',
    'VOLUME ["/data", "/logs"]',
    'VOLUME /a /b',
    'user nobody',
    '',
  ].join('\n'));
  const n = r.nodes;
  assert.deepEqual(n.map((x) => x.name), ['FROM', 'RUN', 'CMD', 'COPY', 'ENV', 'ENV', 'LABEL', 'ARG', 'EXPOSE', 'HEALTHCHECK', 'VOLUME', 'VOLUME', 'USER']);
  assert.deepEqual(n[0].args, ['busybox', 'AS', 'build']);
  assert.deepEqual(n[1].args, ['echo hi &&     echo there']);
  assert.equal(n[1].json, false);
  assert.deepEqual([n[1].startLine, n[1].endLine], [2, 3]);
  assert.deepEqual(n[2].args, ['sh', '-c', 'echo x']);
  assert.equal(n[2].json, true);
  assert.deepEqual(n[3].args, ['a', 'b', '/dst/']);
  assert.deepEqual(n[4].kvs, [['A', '1'], ['B', '"two words"']]);
  assert.deepEqual(n[5].kvs, [['legacy', 'the rest of line']]);
  assert.deepEqual(n[6].kvs, [['"com.example.vendor"', '"ACME Inc"'], ['version', '1.0']]);
  assert.deepEqual(n[7].args, ['X', 'Y=2']);
  assert.deepEqual(n[8].args, ['80', '443/udp']);
  assert.deepEqual(n[9].flags, ['--interval=5s']);
  assert.deepEqual(n[9].args, ['CMD', 'curl -f http://x/']);
  assert.deepEqual(n[10].args, ['/data', '/logs']);
  assert.deepEqual(n[11].args, ['/a', '/b']);
  assert.deepEqual(n[12].args, ['nobody']);
  assert.equal(n[12].startLine, 14);
});

test('parser directives: escape (backtick), syntax, only at the top', () => {
  const r = parse('# syntax=docker/dockerfile:1\n# escape=`\nFROM x\nRUN dir c:\\ `\n  && echo hi\n');
  assert.equal(r.escapeToken, '`');
  assert.deepEqual(r.directives, { syntax: 'docker/dockerfile:1', escape: '`' });
  assert.deepEqual(r.nodes[1].args, ['dir c:\\   && echo hi']);
  // after a comment or an instruction, a directive is only a comment
  const late = parse('# a comment\n# escape=`\nFROM x\nRUN a \\\n b\n');
  assert.equal(late.escapeToken, '\\');
  assert.deepEqual(late.nodes[1].args, ['a  b']);
  const afterBlank = parse('\n# escape=`\nFROM x\n');
  assert.equal(afterBlank.escapeToken, '\\');
  // case and spacing are free
  assert.equal(parse('#  ESCAPE = `\nFROM x\n').escapeToken, '`');
  assert.throws(() => parse('# escape=x\nFROM x'), { message: "dockerfile parse error line 1: invalid escape token 'x' does not match ` or \\" });
  assert.throws(() => parse('# escape=`\n# escape=\\\nFROM x'), { message: 'dockerfile parse error line 2: only one escape parser directive can be used' });
  // an unknown directive ends the directives
  assert.equal(parse('# foo=bar\n# escape=`\nFROM x').escapeToken, '\\');
});

test('comments and empty lines inside continuations are skipped', () => {
  const r = parse('FROM x\nRUN echo a \\\n# a comment\n  \\\n\n    && echo b\nCMD x\n');
  assert.deepEqual(r.nodes[1].args, ['echo a       && echo b']);
  assert.equal(r.nodes[1].endLine, 6);
  assert.equal(r.nodes[2].startLine, 7);
  assert.equal(r.warnings.length, 1);
  // a continuation at end of file ends the instruction
  assert.deepEqual(parse('FROM x\nRUN a \\').nodes[1].args, ['a']);
  // an escaped escape char is not a continuation
  assert.deepEqual(parse('FROM x\nRUN echo \\\\\nCMD y').nodes[1].args, ['echo \\\\']);
  // leading whitespace and CRLF
  const crlf = parse('  FROM x\r\n\tRUN a\r\n');
  assert.deepEqual(crlf.nodes.map((n) => n.args[0]), ['x', 'a']);
  // comments above an instruction are kept (ARG descriptions)
  assert.deepEqual(parse('FROM x\n# the port\nARG PORT=80\n').nodes[1].comments, ['the port']);
  // a BOM is dropped
  assert.equal(parse('\ufeffFROM x').nodes[0].name, 'FROM');
});

test('heredocs: <<EOF, <<-EOF, quoted delimiters, several on one line', () => {
  const r = parse([
    'FROM x',
    'RUN <<EOF',
    'echo $HOME',
    'EOF',
    'RUN <<-"END" cat > /f',
    '\tline one',
    '\t\tline two',
    '\tEND',
    "COPY <<A <<'B' /dst/",
    'a content',
    'A',
    'b content',
    'B',
    'RUN 3<<X cat <&3',
    'x',
    'X',
    'CMD ["a"]',
  ].join('\n'));
  const [, run1, run2, copy, run3, cmd] = r.nodes;
  assert.deepEqual(run1.heredocs, [{ name: 'EOF', fileDescriptor: 0, expand: true, chomp: false, content: 'echo $HOME\n' }]);
  assert.deepEqual([run1.startLine, run1.endLine], [2, 4]);
  assert.equal(run2.heredocs[0].name, 'END');
  assert.equal(run2.heredocs[0].expand, false);
  assert.equal(run2.heredocs[0].chomp, true);
  assert.equal(heredocContent(run2.heredocs[0]), 'line one\nline two\n');
  assert.deepEqual(copy.heredocs.map((h) => [h.name, h.expand, h.content]), [['A', true, 'a content\n'], ['B', false, 'b content\n']]);
  assert.deepEqual(copy.args, ['<<A', "<<'B'", '/dst/']);
  assert.equal(run3.heredocs[0].fileDescriptor, 3);
  assert.equal(cmd.startLine, 17);
  assert.throws(() => parse('FROM x\nRUN <<EOF\necho\n'), { message: 'dockerfile parse error line 2: unterminated heredoc' });
  // exec form and other instructions have no heredocs
  assert.equal(parse('FROM x\nRUN ["cat", "<<EOF"]\nCMD x').nodes.length, 3);
  assert.equal(parse('FROM x\nLABEL a=<<EOF\nCMD x').nodes.length, 3);
  assert.deepEqual(heredocsFromLine('RUN cat <<"E O F"').map((h) => h.name), ['E O F']);
  assert.deepEqual(heredocsFromLine('RUN echo "<<EOF"'), []);
  // ONBUILD RUN <<EOF
  const ob = parse('FROM x\nONBUILD RUN <<EOF\nhi\nEOF\n').nodes[1];
  assert.equal(ob.next?.name, 'RUN');
  assert.equal(ob.heredocs[0].content, 'hi\n');
});

test('builder flags come before the arguments, quotes removed, -- ends them', () => {
  assert.deepEqual(extractBuilderFlags('--from=build --chown="a b" src dst', '\\'), { flags: ['--from=build', '--chown=a b'], rest: 'src dst' });
  assert.deepEqual(extractBuilderFlags('--link -- --notaflag dst', '\\'), { flags: ['--link'], rest: ' --notaflag dst' });
  assert.deepEqual(extractBuilderFlags('-x y', '\\'), { flags: [], rest: '-x y' });
  assert.deepEqual(extractBuilderFlags('--mount=type=cache,target=/c', '\\'), { flags: ['--mount=type=cache,target=/c'], rest: '' });
  const r = parse('FROM --platform=linux/amd64 busybox AS b\nCOPY --from=b --chmod=755 /x /y\n');
  assert.deepEqual(r.nodes[0].flags, ['--platform=linux/amd64']);
  assert.deepEqual(r.nodes[1].flags, ['--from=b', '--chmod=755']);
  assert.deepEqual(r.nodes[1].args, ['/x', '/y']);
});

test('parseWords keeps quotes and escapes for the lexer', () => {
  assert.deepEqual(parseWords('a="b c" d=e\\ f g=\'h i\'', '\\'), ['a="b c"', 'd=e\\ f', "g='h i'"]);
  assert.deepEqual(parseWords('a=""', '\\'), ['a=""']);
  assert.deepEqual(parseWords('x=a\\', '\\'), ['x=a']);
});

test('parse errors name the line', () => {
  const cases: [string, string][] = [
    ['FROM x\nENV A=1 B', 'dockerfile parse error line 2: Syntax error - can\'t find = in "B". Must be of the form: name=value'],
    ['FROM x\nENV A', 'dockerfile parse error line 2: ENV must have two arguments'],
    ['FROM x\nLABEL A', 'dockerfile parse error line 2: LABEL must have two arguments'],
    ['FROM x\nCMD ["a", 1]', 'dockerfile parse error line 2: when using JSON array syntax, arrays must be comprised of strings only'],
    ['', 'dockerfile parse error line 0: file with no instructions'],
    ['# just a comment\n\n', 'dockerfile parse error line 2: file with no instructions'],
  ];
  for (const [text, msg] of cases) {
    assert.throws(() => parse(text), (e: unknown) => e instanceof DockerfileParseError && e.message === msg && e.status === 400, msg);
  }
  // not-quite-JSON falls back to the shell form
  assert.deepEqual(parse('FROM x\nCMD [ "a" \nRUN [a]').nodes.slice(1).map((n) => [n.json, n.args]), [[false, ['[ "a"']], [false, ['[a]']]]);
});
