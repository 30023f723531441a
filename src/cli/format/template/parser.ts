// Parser for Go's text/template, after Go's text/template/parse/parse.go: same grammar,
// same variable scoping, same error wording ("template: <name>:<line>: <msg>").
import { lex, type Item } from './lexer';
import {
  type ArgNode, type CommandNode, type ListNode, type Node, type PipeNode, type VariableNode,
  nodeString,
} from './nodes';
import { unquoteGo } from './quote';
import { goQuote } from '../../../util/go-quote';

/** A template that failed to parse; message is exactly Go's (template: name:line: msg). */
export class TemplateParseError extends Error {
  override name = 'TemplateParseError';
}

export interface ParsedTemplate {
  name: string;
  root: ListNode;
  /** {{define}}d templates, by name. */
  defines: Map<string, ListNode>;
}

type Marker = { kind: 'end' | 'else'; pos: number; line: number };

/** Parses `text`; `hasFunc` says whether an identifier names a function (Go checks at parse time). */
export function parse(text: string, name: string, hasFunc: (n: string) => boolean): ParsedTemplate {
  const items = lex(text);
  let i = 0;
  let lastLine = 1;
  let vars: string[] = ['$'];
  let rangeDepth = 0;
  const defines = new Map<string, ListNode>();

  const fail = (msg: string): never => {
    throw new TemplateParseError(`template: ${name}:${lastLine}: ${msg}`);
  };
  const next = (): Item => { const it = items[Math.min(i, items.length - 1)]; i++; lastLine = it.line; return it; };
  const peek = (): Item => items[Math.min(i, items.length - 1)];
  const backup = (): void => { i--; };
  const nextNonSpace = (): Item => { let t = next(); while (t.type === 'space') t = next(); return t; };
  const peekNonSpace = (): Item => { const save = i; const t = nextNonSpace(); i = save; return t; };
  const itemString = (t: Item): string => {
    if (t.type === 'eof') return 'EOF';
    if (t.type === 'error') return t.val;
    if (t.type === 'keyword' || t.type === 'dot' || t.type === 'nil') return `<${t.val}>`;
    if ([...t.val].length > 10) return `${goQuote([...t.val].slice(0, 10).join(''))}...`;
    return goQuote(t.val);
  };
  const unexpected = (t: Item, context: string): never => {
    if (t.type === 'error') fail(t.val);
    return fail(`unexpected ${itemString(t)} in ${context}`);
  };
  const expect = (type: Item['type'], context: string): Item => {
    const t = nextNonSpace();
    if (t.type !== type) unexpected(t, context);
    return t;
  };

  function itemList(): { list: ListNode; marker: Marker } {
    const list: ListNode = { kind: 'list', pos: peekNonSpace().pos, nodes: [] };
    while (peekNonSpace().type !== 'eof') {
      const n = textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return { list, marker: n as Marker };
      if (n.kind !== 'skip') list.nodes.push(n as Node);
    }
    return fail('unexpected EOF');
  }

  function textOrAction(): Node | Marker | { kind: 'skip' } {
    const t = nextNonSpace();
    if (t.type === 'text') return { kind: 'text', pos: t.pos, text: t.val };
    if (t.type === 'leftDelim') return action();
    return unexpected(t, 'input');
  }

  function action(): Node | Marker | { kind: 'skip' } {
    const t = nextNonSpace();
    if (t.type === 'keyword') {
      switch (t.val) {
        case 'else': {
          const p = peekNonSpace();
          if (p.type === 'keyword' && (p.val === 'if' || p.val === 'with')) return { kind: 'else', pos: p.pos, line: p.line };
          const r = expect('rightDelim', 'else');
          return { kind: 'else', pos: r.pos, line: r.line };
        }
        case 'end': { const r = expect('rightDelim', 'end'); return { kind: 'end', pos: r.pos, line: r.line }; }
        case 'if': case 'range': case 'with': return control(t.val);
        case 'break': case 'continue': {
          const r = nextNonSpace();
          if (r.type !== 'rightDelim') unexpected(r, `{{${t.val}}}`);
          if (rangeDepth === 0) fail(`{{${t.val}}} outside {{range}}`);
          return { kind: t.val, pos: t.pos, line: t.line };
        }
        case 'template': return templateControl('template');
        case 'block': {
          const node = templateControl('block');
          const saved = vars; vars = ['$'];
          const { list, marker } = itemList();
          vars = saved;
          if (marker.kind !== 'end') fail('unexpected {{else}} in block clause');
          defines.set(node.name, list);
          return node;
        }
        case 'define': {
          const nameTok = nextNonSpace();
          if (nameTok.type !== 'string' && nameTok.type !== 'rawString') unexpected(nameTok, 'define clause');
          expect('rightDelim', 'define clause');
          const saved = vars; vars = ['$'];
          const { list, marker } = itemList();
          vars = saved;
          if (marker.kind !== 'end') fail('unexpected {{else}} in define clause');
          defines.set(unquote(nameTok.val), list);
          return { kind: 'skip' };
        }
      }
    }
    backup();
    const p = peek();
    return { kind: 'action', pos: p.pos, line: p.line, pipe: pipeline('command', 'rightDelim') };
  }

  function templateControl(context: 'template' | 'block'): Extract<Node, { kind: 'template' }> {
    const tok = nextNonSpace();
    if (tok.type !== 'string' && tok.type !== 'rawString') unexpected(tok, `${context} clause`);
    let pipe: PipeNode | null = null;
    if (nextNonSpace().type !== 'rightDelim') {
      backup();
      pipe = pipeline(`${context} clause`, 'rightDelim');
    }
    return { kind: 'template', pos: tok.pos, line: tok.line, name: unquote(tok.val), pipe };
  }

  function control(context: 'if' | 'range' | 'with'): Node {
    const savedVars = vars.length;
    const pipe = pipeline(context, 'rightDelim');
    if (context === 'range') rangeDepth++;
    const first = itemList();
    if (context === 'range') rangeDepth--;
    let elseList: ListNode | null = null;
    if (first.marker.kind === 'else') {
      const p = peekNonSpace();
      if ((context === 'if' || context === 'with') && p.type === 'keyword' && p.val === context) {
        nextNonSpace();
        elseList = { kind: 'list', pos: first.marker.pos, nodes: [control(context)] };
      } else {
        const second = itemList();
        if (second.marker.kind !== 'end') fail('expected end; found {{else}}');
        elseList = second.list;
      }
    }
    vars = vars.slice(0, savedVars);
    return { kind: context, pos: pipe.pos, line: pipe.line, pipe, list: first.list, elseList };
  }

  function pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const start = peekNonSpace();
    const pipe: PipeNode = { kind: 'pipe', pos: start.pos, line: start.line, isAssign: false, decl: [], cmds: [] };
    for (;;) {
      const v = peekNonSpace();
      if (v.type !== 'variable') break;
      const save = i;
      nextNonSpace();
      const nx = peekNonSpace();
      if (nx.type === 'assign' || nx.type === 'declare') {
        pipe.isAssign = nx.type === 'assign';
        nextNonSpace();
        pipe.decl.push(newVariable(v.pos, v.val));
        vars.push(v.val);
        break;
      }
      if (nx.type === 'char' && nx.val === ',') {
        nextNonSpace();
        pipe.decl.push(newVariable(v.pos, v.val));
        vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const t = peekNonSpace().type;
          if (t === 'variable' || t === 'rightDelim' || t === 'rightParen') continue;
          fail('range can only initialize variables');
        }
        fail(`too many declarations in ${context}`);
      }
      i = save;
      break;
    }
    for (;;) {
      const t = nextNonSpace();
      if (t.type === end) {
        if (pipe.cmds.length === 0) fail(`missing value for ${context}`);
        pipe.cmds.slice(1).forEach((c, k) => {
          if (['bool', 'dot', 'nil', 'number', 'string'].includes(c.args[0].kind)) fail(`non executable command in pipeline stage ${k + 2}`);
        });
        return pipe;
      }
      if (['bool', 'charConstant', 'dot', 'field', 'identifier', 'number', 'nil', 'rawString', 'string', 'variable', 'leftParen'].includes(t.type)) {
        backup();
        pipe.cmds.push(command());
      } else {
        unexpected(t, context);
      }
    }
  }

  function command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: peekNonSpace().pos, args: [] };
    for (;;) {
      peekNonSpace();
      const op = operand();
      if (op) cmd.args.push(op);
      const t = next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') backup();
      else if (t.type !== 'pipe') unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) fail('empty command');
    return cmd;
  }

  function operand(): ArgNode | null {
    const node = term();
    if (!node) return null;
    if (peek().type !== 'field') return node;
    const pos = peek().pos;
    const fields: string[] = [];
    while (peek().type === 'field') fields.push(next().val.slice(1));
    switch (node.kind) {
      case 'field': return { kind: 'field', pos, ident: [...node.ident, ...fields] };
      case 'variable': return { kind: 'variable', pos, ident: [...node.ident, ...fields] };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        return fail(`unexpected . after term ${goQuote(nodeString(node))}`);
      default: return { kind: 'chain', pos, node, field: fields };
    }
  }

  function term(): ArgNode | null {
    const t = nextNonSpace();
    switch (t.type) {
      case 'identifier':
        if (!hasFunc(t.val)) fail(`function ${goQuote(t.val)} not defined`);
        return { kind: 'identifier', pos: t.pos, ident: t.val };
      case 'dot': return { kind: 'dot', pos: t.pos };
      case 'nil': return { kind: 'nil', pos: t.pos };
      case 'variable': {
        const v = newVariable(t.pos, t.val);
        if (!vars.includes(v.ident[0])) fail(`undefined variable ${goQuote(v.ident[0])}`);
        return v;
      }
      case 'field': return { kind: 'field', pos: t.pos, ident: [t.val.slice(1)] };
      case 'bool': return { kind: 'bool', pos: t.pos, value: t.val === 'true' };
      case 'charConstant': case 'number': return newNumber(t);
      case 'leftParen': return pipeline('parenthesized pipeline', 'rightParen');
      case 'string': case 'rawString': return { kind: 'string', pos: t.pos, quoted: t.val, text: unquote(t.val) };
    }
    backup();
    return null;
  }

  function unquote(q: string): string {
    const s = unquoteGo(q);
    return s ?? fail('invalid syntax');
  }

  function newNumber(t: Item): ArgNode {
    if (t.type === 'charConstant') {
      const s = unquoteGo(t.val);
      const cps = s === null ? [] : [...s];
      if (cps.length !== 1) fail(`malformed character constant: ${t.val}`);
      return { kind: 'number', pos: t.pos, text: t.val, value: cps[0].codePointAt(0) ?? 0, isFloat: false };
    }
    const value = parseGoNumber(t.val);
    if (value === null) fail(`illegal number syntax: ${goQuote(t.val)}`);
    const hex = /^[+-]?0[xX]/.test(t.val);
    const isFloat = (hex ? /[pP.]/ : /[.eE]/).test(t.val);
    return { kind: 'number', pos: t.pos, text: t.val, value: value as number, isFloat };
  }

  function newVariable(pos: number, ident: string): VariableNode {
    return { kind: 'variable', pos, ident: ident.split('.') };
  }

  const root: ListNode = { kind: 'list', pos: 0, nodes: [] };
  while (peek().type !== 'eof') {
    const n = textOrAction();
    if (n.kind === 'end' || n.kind === 'else') fail(`unexpected {{${n.kind}}}`);
    if (n.kind !== 'skip') root.nodes.push(n as Node);
  }
  return { name, root, defines };
}

/** Go number literal (ints with 0x/0o/0b and _, decimal floats) → JS number, or null. */
function parseGoNumber(text: string): number | null {
  let s = text.replace(/_/g, '');
  let sign = 1;
  if (s[0] === '+' || s[0] === '-') { if (s[0] === '-') sign = -1; s = s.slice(1); }
  if (s.endsWith('i')) return null; // complex numbers are not supported
  if (/^0[0-7]+$/.test(s)) return sign * parseInt(s, 8);
  if (/^0[xX][0-9a-fA-F]+$|^0[oO][0-7]+$|^0[bB][01]+$/.test(s)) return sign * Number(s);
  if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return sign * Number(s);
  return null;
}
