// Executor for parsed Go templates, following text/template/exec.go: pipelines pass their
// value as the final argument, variables are scoped to control structures, fields on maps
// that lack the key yield <no value>, and errors carry Go's "executing ... at <node>" context.
import { type FuncDef, type ParamType, checkArg } from './funcs';
import { type ArgNode, type CommandNode, type Node, type PipeNode, nodeString } from './nodes';
import type { ParsedTemplate } from './parser';
import { NO_VALUE, formatV, goTypeName, isTrue, mapKeys } from './values';

/** A template failed while executing; `partial` is the output written before the failure. */
export class TemplateExecError extends Error {
  override name = 'TemplateExecError';
  constructor(message: string, readonly partial: string) { super(message); }
}

class Break {}
class Continue {}
/** Marks "no final argument" as Go's missingVal does. */
const MISSING: unique symbol = Symbol('missing');
type Final = unknown;
const MAX_DEPTH = 1000;

interface Variable { name: string; value: unknown }

export function execute(tmpl: ParsedTemplate, text: string, data: unknown, funcs: Record<string, FuncDef>): string {
  const out: string[] = [];
  let vars: Variable[] = [{ name: '$', value: data }];
  let current: Node | ArgNode | CommandNode | null = null;
  let depth = 0;

  const errorf = (msg: string): never => {
    let where = `template: ${tmpl.name}: `;
    if (current) {
      const before = text.slice(0, current.pos);
      const nl = before.lastIndexOf('\n');
      const line = 1 + (before.match(/\n/g)?.length ?? 0);
      const col = nl < 0 ? current.pos : current.pos - nl - 1;
      let ctx = nodeString(current);
      if ([...ctx].length > 20) ctx = [...ctx].slice(0, 20).join('') + '...';
      where = `template: ${tmpl.name}:${line}:${col}: executing ${JSON.stringify(tmpl.name)} at <${ctx}>: `;
    }
    throw new TemplateExecError(where + msg, out.join(''));
  };
  const at = (n: Node | ArgNode | CommandNode): void => { current = n; };

  function walk(dot: unknown, node: Node): void {
    at(node);
    switch (node.kind) {
      case 'list': for (const n of node.nodes) walk(dot, n); return;
      case 'text': out.push(node.text); return;
      case 'action': {
        const val = evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) printValue(node, val);
        return;
      }
      case 'if': case 'with': {
        const mark = vars.length;
        const val = evalPipeline(dot, node.pipe);
        if (isTrue(val)) walk(node.kind === 'with' ? val : dot, node.list);
        else if (node.elseList) walk(dot, node.elseList);
        vars = vars.slice(0, mark);
        return;
      }
      case 'range': return walkRange(dot, node);
      case 'break': throw new Break();
      case 'continue': throw new Continue();
      case 'template': {
        const t = tmpl.defines.get(node.name);
        if (!t) return errorf(`no such template ${JSON.stringify(node.name)}`);
        if (++depth > MAX_DEPTH) errorf(`exceeded maximum template depth (${MAX_DEPTH})`);
        const newDot = node.pipe ? evalPipeline(dot, node.pipe) : null;
        const saved = vars;
        vars = [{ name: '$', value: newDot }];
        walk(newDot, t);
        vars = saved;
        depth--;
        return;
      }
    }
  }

  function walkRange(dot: unknown, node: Extract<Node, { kind: 'range' }>): void {
    const mark = vars.length;
    const val = evalPipeline(dot, node.pipe);
    const decl = node.pipe.decl;
    const setTop = (n: number, v: unknown): void => { vars[vars.length - n].value = v; };
    const one = (index: unknown, elem: unknown): boolean => {
      if (decl.length > 0) {
        if (node.pipe.isAssign) setVar(decl[0].ident[0], decl.length > 1 ? index : elem);
        else setTop(decl.length > 1 ? 2 : 1, decl.length > 1 ? index : elem);
        if (decl.length > 1) {
          if (node.pipe.isAssign) setVar(decl[1].ident[0], elem);
          else setTop(1, elem);
        }
      }
      const inner = vars.length;
      try {
        walk(elem, node.list);
      } catch (e) {
        if (e instanceof Break) return false;
        if (!(e instanceof Continue)) throw e;
      } finally {
        vars = vars.slice(0, inner);
      }
      return true;
    };
    let ran = false;
    if (Array.isArray(val)) {
      for (let i = 0; i < val.length; i++) { ran = true; if (!one(i, val[i])) break; }
    } else if (typeof val === 'number' && Number.isInteger(val)) {
      if (decl.length > 1) errorf(`can't use ${val} to iterate over more than one variable`);
      for (let i = 0; i < val; i++) { ran = true; if (!one(i, i)) break; }
    } else if (val instanceof Map) {
      for (const k of mapKeys(val)) { ran = true; if (!one(k, val.get(k))) break; }
    } else if (typeof val === 'object' && val !== null) {
      const o = val as Record<string, unknown>;
      for (const k of mapKeys(o)) { ran = true; if (!one(k, o[k as string])) break; }
    } else if (val !== null && val !== undefined && val !== NO_VALUE) {
      errorf(`range can't iterate over ${formatV(val)}`);
    }
    if (!ran && node.elseList) walk(dot, node.elseList);
    vars = vars.slice(0, mark);
  }

  function setVar(name: string, value: unknown): void {
    for (let i = vars.length - 1; i >= 0; i--) {
      if (vars[i].name === name) { vars[i].value = value; return; }
    }
    errorf(`undefined variable: ${name}`);
  }

  function varValue(name: string): unknown {
    for (let i = vars.length - 1; i >= 0; i--) if (vars[i].name === name) return vars[i].value;
    return errorf(`undefined variable: ${name}`);
  }

  function printValue(node: Node, v: unknown): void {
    at(node);
    if (typeof v === 'function') errorf(`can't print ${nodeString(node)} of type func`);
    out.push(formatV(v));
  }

  function evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    at(pipe);
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) value = evalCommand(dot, cmd, value);
    for (const v of pipe.decl) {
      if (pipe.isAssign) setVar(v.ident[0], value);
      else vars.push({ name: v.ident[0], value });
    }
    return value;
  }

  function notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) errorf(`can't give argument to non-function ${nodeString(args[0])}`);
  }

  function evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0];
    switch (first.kind) {
      case 'field': at(first); return evalFieldChain(dot, dot, first, first.ident, cmd.args, final);
      case 'chain': return evalChain(dot, first, cmd.args, final);
      case 'identifier': at(first); return evalFunction(dot, first.ident, cmd, cmd.args, final);
      case 'pipe': notAFunction(cmd.args, final); return evalPipeline(dot, first);
      case 'variable': return evalVariable(dot, first, cmd.args, final);
    }
    at(first);
    notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'nil': return errorf('nil is not a command');
      case 'number': return first.value;
      case 'string': return first.text;
    }
  }

  function evalChain(dot: unknown, chain: Extract<ArgNode, { kind: 'chain' }>, args: ArgNode[], final: Final): unknown {
    at(chain);
    if (chain.node.kind === 'nil') errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const recv = evalArg(dot, 'any', chain.node);
    return evalFieldChain(dot, recv, chain, chain.field, args, final);
  }

  function evalVariable(dot: unknown, v: Extract<ArgNode, { kind: 'variable' }>, args: ArgNode[], final: Final): unknown {
    at(v);
    const value = varValue(v.ident[0]);
    if (v.ident.length === 1) { notAFunction(args, final); return value; }
    return evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  function evalFieldChain(dot: unknown, recv: unknown, node: ArgNode, ident: string[], args: ArgNode[], final: Final): unknown {
    for (let i = 0; i < ident.length - 1; i++) recv = evalField(dot, ident[i], node, [], MISSING, recv);
    return evalField(dot, ident[ident.length - 1], node, args, final, recv);
  }

  function evalField(dot: unknown, name: string, node: ArgNode, args: ArgNode[], final: Final, recv: unknown): unknown {
    if (recv === NO_VALUE) return NO_VALUE;
    if (recv === null || recv === undefined) return errorf(`nil pointer evaluating interface {}.${name}`);
    const hasArgs = args.length > 1 || final !== MISSING;
    if (recv instanceof Map) {
      if (hasArgs) errorf(`${name} is not a method but has arguments`);
      return recv.has(name) ? (recv.get(name) ?? null) : NO_VALUE;
    }
    if (typeof recv === 'object' && !Array.isArray(recv)) {
      const o = recv as Record<string, unknown>;
      const found = name in o && !(name in Object.prototype && o[name] === (Object.prototype as Record<string, unknown>)[name]);
      if (found && typeof o[name] === 'function') {
        const fn = o[name] as (...a: unknown[]) => unknown;
        return callFunction(dot, name, { fn: (...a) => fn.apply(o, a), params: [], variadic: 'any' }, node, args, final);
      }
      if (found) {
        if (hasArgs) errorf(`${name} is not a method but has arguments`);
        return o[name] ?? null;
      }
      const proto: unknown = Object.getPrototypeOf(o);
      if (proto === Object.prototype || proto === null) return NO_VALUE; // map semantics
    }
    return errorf(`can't evaluate field ${name} in type ${goTypeName(recv)}`);
  }

  function evalFunction(dot: unknown, name: string, cmd: CommandNode | ArgNode, args: ArgNode[], final: Final): unknown {
    if (name === 'and' || name === 'or') {
      if (args.length < 2 && final === MISSING) errorf(`wrong number of args for ${name}: want at least 1 got 0`);
      let v: unknown = MISSING;
      for (const a of args.slice(1)) {
        v = evalArg(dot, 'any', a);
        if (isTrue(v) === (name === 'or')) return v;
      }
      return final !== MISSING ? final : v;
    }
    const def = funcs[name];
    if (!def) return errorf(`${JSON.stringify(name)} is not a defined function`);
    return callFunction(dot, name, def, cmd, args, final);
  }

  function callFunction(dot: unknown, name: string, def: FuncDef, node: CommandNode | ArgNode, args: ArgNode[], final: Final): unknown {
    const passed = args.slice(1);
    const numIn = passed.length + (final !== MISSING ? 1 : 0);
    const fixed = def.params.length;
    if (def.variadic) {
      if (numIn < fixed) errorf(`wrong number of args for ${name}: want at least ${fixed} got ${passed.length}`);
    } else if (numIn !== fixed) {
      errorf(`wrong number of args for ${name}: want ${fixed} got ${numIn}`);
    }
    const typeAt = (i: number): ParamType => (i < fixed ? def.params[i] : def.variadic ?? 'any');
    const argv = passed.map((a, i) => evalArg(dot, typeAt(i), a));
    if (final !== MISSING) argv.push(validate(final, typeAt(argv.length)));
    at(node);
    try {
      const r = def.fn(...argv);
      return r === undefined ? null : r;
    } catch (e) {
      if (e instanceof TemplateExecError) throw e;
      return errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  function validate(v: unknown, t: ParamType): unknown {
    const err = checkArg(v, t);
    if (err) errorf(err);
    return v === NO_VALUE && (t === 'any' || t === 'strings') ? null : v;
  }

  function evalArg(dot: unknown, t: ParamType, n: ArgNode): unknown {
    at(n);
    switch (n.kind) {
      case 'dot': return validate(dot, t);
      case 'nil':
        if (t === 'any' || t === 'strings') return null;
        return errorf(`cannot assign nil to ${t === 'int' ? 'int' : 'string'}`);
      case 'field': return validate(evalFieldChain(dot, dot, n, n.ident, [n], MISSING), t);
      case 'variable': return validate(evalVariable(dot, n, [n], MISSING), t);
      case 'pipe': return validate(evalPipeline(dot, n), t);
      case 'identifier': return validate(evalFunction(dot, n.ident, n, [n], MISSING), t);
      case 'chain': return validate(evalChain(dot, n, [n], MISSING), t);
      case 'bool': case 'number': case 'string': {
        const v = n.kind === 'bool' ? n.value : n.kind === 'number' ? n.value : n.text;
        if (checkArg(v, t) !== null || (t === 'int' && n.kind === 'number' && n.isFloat)) {
          errorf(`expected ${t === 'strings' ? '[]string' : t}; found ${nodeString(n)}`);
        }
        return v;
      }
    }
  }

  try {
    walk(data, tmpl.root);
  } catch (e) {
    if (e instanceof Break || e instanceof Continue) return out.join('');
    throw e;
  }
  return out.join('');
}
