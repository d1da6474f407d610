// .py files: which imported names the code uses, resolved to dotted paths, with spans.
// Tree-sitter gives a real parse tree, so strings, comments and docstrings never match.
// Resolution is per file and flow-insensitive: a name bound to two different things is
// left unresolved rather than guessed.
import type { Node, Tree } from '@vscode/tree-sitter-wasm';
import { parseBounded, type Grammars } from '../grammars';
import type { ParsedFile, PyReference, PythonFacts, Span } from '../model';

export function parsePythonFile(path: string, text: string, grammars?: Grammars): ParsedFile {
  const file: ParsedFile = { path, kind: 'python', requirements: [], options: [], includes: [], problems: [] };
  if (grammars) file.python = lazyFacts(text, grammars);
  return file;
}

function lazyFacts(text: string, grammars: Grammars): PythonFacts {
  let cached: readonly PyReference[] | undefined;
  return {
    references() {
      cached ??= pythonReferences(text, grammars);
      return cached;
    },
  };
}

/** Every reference to an imported name in `text`; never throws (a broken parse gives what it can). */
export function pythonReferences(text: string, grammars: Grammars): PyReference[] {
  let parser: InstanceType<Grammars['Parser']> | undefined;
  let tree: Tree | null = null;
  try {
    parser = new grammars.Parser();
    parser.setLanguage(grammars.python);
    tree = parseBounded(parser, text);
    if (!tree) return [];
    return collect(tree.rootNode);
  } catch {
    return [];
  } finally {
    tree?.delete();
    parser?.delete();
  }
}

const span = (node: Node): Span => ({ start: node.startIndex, end: node.endIndex });

/** Bindings seen for one name; more than one distinct path makes it ambiguous. */
type Binding = { path: string | null };

function collect(root: Node): PyReference[] {
  const imports: Node[] = [];
  const assignments: { target: Node; value: Node }[] = [];
  const attributes: Node[] = [];
  const calls: Node[] = [];

  // One iterative walk over the tree (no recursion: deep nesting must not overflow the stack).
  const cursor = root.walk();
  try {
    let descend = true;
    for (;;) {
      if (descend) {
        const node = cursor.currentNode;
        switch (node.type) {
          case 'import_statement':
          case 'import_from_statement':
            imports.push(node);
            break;
          case 'assignment': {
            const target = node.childForFieldName('left');
            const value = node.childForFieldName('right');
            if (target?.type === 'identifier' && value) assignments.push({ target, value });
            break;
          }
          case 'as_pattern': {
            // `with gr.Blocks() as demo:`
            const value = node.namedChild(0);
            const alias = node.childForFieldName('alias');
            const target = alias?.namedChild(0) ?? null;
            if (node.parent?.type === 'with_item' && value && target?.type === 'identifier') assignments.push({ target, value });
            break;
          }
          case 'attribute':
            attributes.push(node);
            break;
          case 'call':
            calls.push(node);
            break;
        }
      }
      if (descend && cursor.gotoFirstChild()) continue;
      if (cursor.gotoNextSibling()) {
        descend = true;
        continue;
      }
      if (!cursor.gotoParent()) break;
      descend = false;
    }
  } finally {
    cursor.delete();
  }

  const bindings = new Map<string, Binding>();
  const bind = (name: string, path: string | null): void => {
    const existing = bindings.get(name);
    if (!existing) bindings.set(name, { path });
    else if (existing.path !== path) existing.path = null;
  };
  const references: PyReference[] = [];

  for (const statement of imports) collectImport(statement, bind, references);

  const resolve = (node: Node | null, depth = 0): { path: string; root: Node } | null => {
    if (!node || depth > 64) return null;
    if (node.type === 'identifier') {
      const path = bindings.get(node.text)?.path;
      return path ? { path, root: node } : null;
    }
    if (node.type === 'attribute') {
      const object = resolve(node.childForFieldName('object'), depth + 1);
      const name = node.childForFieldName('attribute');
      return object && name ? { path: `${object.path}.${name.text}`, root: object.root } : null;
    }
    if (node.type === 'call') {
      const callee = resolve(node.childForFieldName('function'), depth + 1);
      return callee ? { path: `${callee.path}()`, root: callee.root } : null;
    }
    if (node.type === 'parenthesized_expression') return resolve(node.namedChild(0), depth + 1);
    return null;
  };

  // Assignments from resolvable expressions bind too (`demo = gr.Blocks()`); two passes let
  // one assignment build on another. `x = None` (the optional-import idiom) binds nothing.
  const imported = new Set(bindings.keys());
  for (let pass = 0; pass < 2; pass++) {
    for (const { target, value } of assignments) {
      if (value.type === 'none') continue;
      const resolved = resolve(value);
      if (resolved) bind(target.text, resolved.path);
      else if (pass === 0 && imported.has(target.text)) bind(target.text, null);
    }
  }

  for (const node of attributes) {
    const resolved = resolve(node);
    const name = node.childForFieldName('attribute');
    if (!resolved || !name) continue;
    references.push({
      kind: 'attribute',
      path: resolved.path,
      span: span(node),
      nameSpan: span(name),
      root: { span: span(resolved.root), path: bindings.get(resolved.root.text)!.path! },
    });
  }

  for (const node of calls) {
    const callee = node.childForFieldName('function');
    const resolved = resolve(callee);
    if (!resolved || !callee) continue;
    const name = callee.type === 'attribute' ? callee.childForFieldName('attribute') : callee;
    const args = node.childForFieldName('arguments');
    const root = { span: span(resolved.root), path: bindings.get(resolved.root.text)!.path! };
    references.push({
      kind: 'call',
      path: resolved.path,
      span: span(callee),
      nameSpan: span(name ?? callee),
      root,
      ...(args?.type === 'argument_list' ? { argumentsSpan: span(args) } : {}),
    });
    if (args?.type !== 'argument_list') continue;
    for (const argument of args.namedChildren) {
      if (argument?.type !== 'keyword_argument') continue;
      const keyword = argument.childForFieldName('name');
      const value = argument.childForFieldName('value');
      if (!keyword || !value) continue;
      references.push({
        kind: 'keyword',
        path: resolved.path,
        keyword: keyword.text,
        span: span(keyword),
        nameSpan: span(keyword),
        root,
        argument: { span: span(argument), valueSpan: span(value) },
      });
    }
  }
  references.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return references;
}

function collectImport(statement: Node, bind: (name: string, path: string | null) => void, references: PyReference[]): void {
  const importRef = (node: Node, path: string): void => {
    const last = node.type === 'dotted_name' ? node.namedChild(node.namedChildCount - 1) : node;
    references.push({ kind: 'import', path, span: span(node), nameSpan: span(last ?? node) });
  };
  if (statement.type === 'import_statement') {
    for (const item of statement.childrenForFieldName('name')) {
      if (!item) continue;
      if (item.type === 'dotted_name') {
        importRef(item, dotted(item));
        bind(item.namedChild(0)?.text ?? item.text, item.namedChild(0)?.text ?? item.text);
      } else if (item.type === 'aliased_import') {
        const name = item.childForFieldName('name');
        const alias = item.childForFieldName('alias');
        if (!name || !alias) continue;
        importRef(name, dotted(name));
        bind(alias.text, dotted(name));
      }
    }
    return;
  }
  const module = statement.childForFieldName('module_name');
  if (!module || module.type !== 'dotted_name') return; // relative imports stay inside the package
  const modulePath = dotted(module);
  importRef(module, modulePath);
  for (const item of statement.childrenForFieldName('name')) {
    if (!item) continue;
    if (item.type === 'dotted_name') {
      importRef(item, `${modulePath}.${dotted(item)}`);
      bind(item.text, `${modulePath}.${dotted(item)}`);
    } else if (item.type === 'aliased_import') {
      const name = item.childForFieldName('name');
      const alias = item.childForFieldName('alias');
      if (!name || !alias) continue;
      importRef(name, `${modulePath}.${dotted(name)}`);
      bind(alias.text, `${modulePath}.${dotted(name)}`);
    }
  }
}

/** A dotted name without the spaces or comments Python allows inside it. */
function dotted(node: Node): string {
  if (node.type !== 'dotted_name') return node.text;
  return node.namedChildren.filter((c): c is Node => c?.type === 'identifier').map((c) => c.text).join('.');
}
