// Parse tree of a Go text/template, shaped like Go's text/template/parse nodes.
// Each node keeps its source position so errors read "template: :1:2: ..." as Go's do.

export type Node =
  | ListNode | TextNode | ActionNode | IfNode | RangeNode | WithNode | BreakNode | ContinueNode
  | TemplateNode;

export type ArgNode =
  | FieldNode | ChainNode | IdentifierNode | VariableNode | DotNode | NilNode | BoolNode
  | NumberNode | StringNode | PipeNode;

export interface ListNode { kind: 'list'; pos: number; nodes: Node[] }
export interface TextNode { kind: 'text'; pos: number; text: string }
export interface ActionNode { kind: 'action'; pos: number; line: number; pipe: PipeNode }
export interface BranchFields { pos: number; line: number; pipe: PipeNode; list: ListNode; elseList: ListNode | null }
export interface IfNode extends BranchFields { kind: 'if' }
export interface RangeNode extends BranchFields { kind: 'range' }
export interface WithNode extends BranchFields { kind: 'with' }
export interface BreakNode { kind: 'break'; pos: number; line: number }
export interface ContinueNode { kind: 'continue'; pos: number; line: number }
export interface TemplateNode { kind: 'template'; pos: number; line: number; name: string; pipe: PipeNode | null }

export interface PipeNode {
  kind: 'pipe';
  pos: number;
  line: number;
  isAssign: boolean; // "=" rather than ":="
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode { kind: 'command'; pos: number; args: ArgNode[] }
export interface FieldNode { kind: 'field'; pos: number; ident: string[] }
export interface ChainNode { kind: 'chain'; pos: number; node: ArgNode; field: string[] }
export interface IdentifierNode { kind: 'identifier'; pos: number; ident: string }
export interface VariableNode { kind: 'variable'; pos: number; ident: string[] }
export interface DotNode { kind: 'dot'; pos: number }
export interface NilNode { kind: 'nil'; pos: number }
export interface BoolNode { kind: 'bool'; pos: number; value: boolean }
export interface NumberNode { kind: 'number'; pos: number; text: string; value: number; isFloat: boolean }
export interface StringNode { kind: 'string'; pos: number; quoted: string; text: string }

/** Source form of a node, as Go's Node.String() gives it (used in error context). */
export function nodeString(n: Node | ArgNode | CommandNode): string {
  switch (n.kind) {
    case 'list': return n.nodes.map(nodeString).join('');
    case 'text': return n.text;
    case 'action': return `{{${nodeString(n.pipe)}}}`;
    case 'if': case 'range': case 'with':
      return `{{${n.kind} ${nodeString(n.pipe)}}}${nodeString(n.list)}${n.elseList ? `{{else}}${nodeString(n.elseList)}` : ''}{{end}}`;
    case 'break': return '{{break}}';
    case 'continue': return '{{continue}}';
    case 'template': return `{{template ${JSON.stringify(n.name)}${n.pipe ? ' ' + nodeString(n.pipe) : ''}}}`;
    case 'pipe': {
      const decl = n.decl.length ? n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ') : '';
      return decl + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.kind === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'field': return n.ident.map((i) => '.' + i).join('');
    case 'chain': {
      const base = n.node.kind === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return base + n.field.map((f) => '.' + f).join('');
    }
    case 'identifier': return n.ident;
    case 'variable': return n.ident.join('.');
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'bool': return String(n.value);
    case 'number': return n.text;
    case 'string': return n.quoted;
  }
}
