import { createRequire } from 'node:module';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';

/**
 * PowerShell's grammar for the tests: tree-sitter-powershell's WASM build run by web-tree-sitter
 * (no native build). A script is syntactically valid when its tree holds no ERROR and no MISSING
 * node — the same test tree-sitter's own `parse` command makes.
 */
const require = createRequire(import.meta.url);
let parser: Parser | null = null;

export async function powershellParser(): Promise<Parser> {
  if (parser) return parser;
  await Parser.init();
  const language = await Language.load(require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm'));
  const p = new Parser();
  p.setLanguage(language);
  parser = p;
  return p;
}

export async function parsePowerShell(text: string): Promise<Tree> {
  const tree = (await powershellParser()).parse(text);
  if (!tree) throw new Error('the parser returned no tree');
  return tree;
}

/** Every node, depth first, without recursion (a long script is a deep tree). */
export function* nodes(root: Node): Generator<Node> {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    yield n;
    for (let i = n.childCount - 1; i >= 0; i--) {
      const c = n.child(i);
      if (c) stack.push(c);
    }
  }
}

/** `ERROR`/missing nodes with their line, for a readable failure. */
export function syntaxErrors(tree: Tree): string[] {
  const out: string[] = [];
  for (const n of nodes(tree.rootNode)) {
    if (n.type === 'ERROR' || n.isMissing) out.push(`${n.isMissing ? 'missing ' + n.type : 'ERROR'} at line ${n.startPosition.row + 1}: ${JSON.stringify(n.text.slice(0, 100))}`);
  }
  return out;
}

/** A command call: its name and the node. */
export interface CommandCall {
  name: string;
  node: Node;
}

export function commandCalls(tree: Tree): CommandCall[] {
  const out: CommandCall[] = [];
  for (const n of nodes(tree.rootNode)) {
    if (n.type !== 'command') continue;
    const name = n.childForFieldName('command_name');
    if (name) out.push({ name: name.text, node: n });
  }
  return out;
}

/** The innermost enclosing node of a type. */
export function enclosing(n: Node, type: string): Node | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === type) return p;
  return null;
}

/** The command whose argument a script block is (`Save-Export … -Command { … }`), or null. */
export function commandTakingBlock(block: Node): Node | null {
  for (let p = block.parent; p; p = p.parent) {
    if (p.type === 'command') return p;
    if (p.type === 'script_block' || p.type === 'statement_block') return null;
  }
  return null;
}

/** `-Name value` of a command, the value's text (quotes removed), or null. */
export function parameterValue(command: Node, parameter: string): string | null {
  const elements = command.childForFieldName('command_elements');
  if (!elements) return null;
  const kids = elements.namedChildren.filter((k): k is Node => k !== null && k.type !== 'command_argument_sep');
  for (let i = 0; i < kids.length - 1; i++) {
    if (kids[i]!.type === 'command_parameter' && kids[i]!.text.toLowerCase() === `-${parameter.toLowerCase()}`) return kids[i + 1]!.text.replace(/^'(.*)'$/s, '$1');
  }
  return null;
}
