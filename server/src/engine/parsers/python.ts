// .py files: which imported names the code uses, resolved to dotted paths, with spans.
// Tree-sitter gives a real parse tree, so strings, comments and docstrings never match.
// Resolution is per file and flow-insensitive: a name bound to two different things is
// left unresolved rather than guessed.
import type { Node, Tree } from '@vscode/tree-sitter-wasm';
import { pushAll } from '../arrays';
import { parseBounded, parseStopReason, type Grammars } from '../grammars';
import type { ParsedFile, PyGuard, PyReference, PythonFacts, ReferenceFilter, Span } from '../model';
import { readLaunchers } from './python-launchers';
import { scanPython, type ScanQuery } from './python-scan';

export function parsePythonFile(path: string, text: string, grammars?: Grammars): ParsedFile {
  const file: ParsedFile = { path, kind: 'python', requirements: [], options: [], includes: [], problems: [] };
  if (grammars) {
    file.python = lazyPythonFacts(text, grammars);
    // Only files whose bytes hold a quoted pip install command are parsed for it now.
    readLaunchers(file, text, grammars);
  }
  return file;
}

/**
 * A .py file's references, parsed on first use (most files never are: the rules' prefilters settle
 * them), and the token scan's answers, remembered per query. `embedded`: the text is code taken from another
 * format (a notebook's cells), mapped back onto the file by it.
 */
export function lazyPythonFacts(text: string, grammars: Grammars, embedded?: PythonFacts['embedded']): PythonFacts {
  let cached: readonly PyReference[] | undefined;
  /** Per filter (a rule keeps its filters while the knowledge base and the pins stay the same). */
  const filtered = new Map<ReferenceFilter, readonly PyReference[]>();
  const answers = new Map<ScanQuery, boolean>();
  let stopped: string | null = null;
  const onStop = (reason: 'reads' | 'time') => (stopped = parseStopReason(reason));
  return {
    references(wanted) {
      if (cached || !wanted) return (cached ??= pythonReferences(text, grammars, onStop));
      let found = filtered.get(wanted);
      if (!found) {
        if (filtered.size >= maxFilters) filtered.clear();
        filtered.set(wanted, (found = pythonReferences(text, grammars, onStop, wanted)));
      }
      return found;
    },
    notChecked: () => stopped,
    wasParsed: () => cached !== undefined || filtered.size > 0,
    mayReach(queries) {
      const unanswered = queries.filter((query) => !answers.has(query));
      if (unanswered.length > 0) {
        const scan = scanPython(text);
        for (const query of unanswered) answers.set(query, scan.mayReach(query));
      }
      return queries.map((query) => answers.get(query)!);
    },
    ...(embedded ? { embedded } : {}),
  };
}

/** Filters kept per file at most (each holds a list of references). */
const maxFilters = 8;

/**
 * Every reference to an imported name in `text`, or only those `wanted` (with every keyword of a
 * call it wants); never throws (a broken parse gives what it can).
 */
export function pythonReferences(text: string, grammars: Grammars, onStop?: (reason: 'reads' | 'time') => void, wanted?: ReferenceFilter): PyReference[] {
  let parser: InstanceType<Grammars['Parser']> | undefined;
  let tree: Tree | null = null;
  try {
    parser = new grammars.Parser();
    parser.setLanguage(grammars.python);
    tree = parseBounded(parser, text, onStop);
    if (!tree) return [];
    return collect(tree.rootNode, text, wanted);
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

function collect(root: Node, text: string, wanted?: ReferenceFilter): PyReference[] {
  const imports: Node[] = [];
  const assignments: { target: Node; value: Node }[] = [];
  const attributes: Node[] = [];
  const calls: Node[] = [];
  // Parameters and loop targets bind names too: an instance binding (`df = pd.DataFrame()`) is
  // certain only when the name is bound nowhere else in the file.
  const annotated: { target: Node; type: Node }[] = [];
  const otherTargets: Node[] = [];

  // The nodes the walk reads, in document order, found by tree-sitter itself (descendantsOfType
  // runs inside the WASM module): stepping a cursor from JavaScript over every node cost a call
  // into the module per step, most of the extraction's time, for the few nodes that matter.
  // No recursion, so deep nesting cannot overflow the stack.
  const found = root.descendantsOfType(walkedTypes);
  /** The guard-type nodes (try, if, conditional, and/or, functions) around the current node, outermost first. */
  const open: Node[] = [];
  const ancestors = new Map<number, Node[]>();
  const recordAncestors = (node: Node): void => {
    const out: Node[] = [];
    for (let i = open.length - 1; i >= 0 && out.length < maxGuardAncestors; i--) out.push(open[i]!);
    ancestors.set(node.id, out);
  };
  let previous: Node | null = null;
  for (const node of found) {
    if (!node) continue;
    // Spans nest as the tree does: whatever ends before this node starts is not around it.
    while (open.length > 0 && open[open.length - 1]!.endIndex <= node.startIndex) open.pop();
    const type = node.type;
    const before = previous;
    previous = node;
    if (guardAncestorTypes.has(type)) {
      open.push(node);
      continue;
    }
    if (type === 'attribute' || type === 'call' || type === 'import_statement' || type === 'import_from_statement') recordAncestors(node);
    switch (type) {
      case 'import_statement':
      case 'import_from_statement':
        imports.push(node);
        break;
      case 'assignment': {
        const target = node.childForFieldName('left');
        const value = node.childForFieldName('right');
        const type = node.childForFieldName('type');
        if (target?.type === 'identifier' && type) annotated.push({ target, type });
        else if (target?.type === 'identifier' && value) assignments.push({ target, value });
        else if (target) otherTargets.push(target);
        break;
      }
      case 'as_pattern': {
        // `with gr.Blocks() as demo:` (the with_item around it has its span, and comes right before it)
        const value = node.namedChild(0);
        const alias = node.childForFieldName('alias');
        const target = alias?.namedChild(0) ?? null;
        const inWith = before?.type === 'with_item' && before.startIndex === node.startIndex && before.endIndex === node.endIndex;
        if (inWith && value && target?.type === 'identifier') assignments.push({ target, value });
        else if (target) otherTargets.push(target);
        break;
      }
      case 'typed_parameter':
      case 'typed_default_parameter': {
        const target = node.childForFieldName('name') ?? node.namedChild(0);
        const type = node.childForFieldName('type');
        if (target?.type === 'identifier' && type) annotated.push({ target, type });
        break;
      }
      case 'parameters':
      case 'lambda_parameters':
        for (const parameter of node.namedChildren) {
          if (parameter?.type === 'identifier') otherTargets.push(parameter);
          else if (parameter?.type === 'default_parameter') {
            const name = parameter.childForFieldName('name');
            if (name) otherTargets.push(name);
          } else if (parameter?.type === 'list_splat_pattern' || parameter?.type === 'dictionary_splat_pattern') {
            const name = parameter.namedChild(0);
            if (name) otherTargets.push(name);
          }
        }
        break;
      case 'for_statement':
      case 'for_in_clause':
      case 'augmented_assignment': {
        const target = node.childForFieldName('left');
        if (target) otherTargets.push(target);
        break;
      }
      case 'named_expression': {
        const target = node.childForFieldName('name');
        if (target) otherTargets.push(target);
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

  const bindings = new Map<string, Binding>();
  const bind = (name: string, path: string | null): void => {
    const existing = bindings.get(name);
    if (!existing) bindings.set(name, { path });
    else if (existing.path !== path) existing.path = null;
  };
  const references: PyReference[] = [];

  const importRefs: { ref: PyReference; statement: Node }[] = [];
  for (const statement of imports) collectImport(statement, bind, (ref) => importRefs.push({ ref, statement }));

  // Once the bindings are final, resolutions are memoised by node: resolving every link of a long
  // attribute chain from the bottom up then costs one step per link (not up to 64 each).
  type Resolved = { path: string; root: Node; links: number };
  const memo = new Map<number, Resolved | null>();
  let memoise = false;
  const capped = Symbol('capped');
  const resolveStep = (node: Node | null, depth: number): Resolved | null | typeof capped => {
    if (!node) return null;
    if (memoise && memo.has(node.id)) return memo.get(node.id)!;
    if (depth > maxResolveDepth) return capped;
    let result: Resolved | null | typeof capped = null;
    const link = (inner: Resolved | null | typeof capped, path: (p: string) => string): Resolved | null | typeof capped =>
      inner === capped || inner === null ? inner : inner.links >= maxResolveDepth ? null : { path: path(inner.path), root: inner.root, links: inner.links + 1 };
    if (node.type === 'identifier') {
      const path = bindings.get(node.text)?.path;
      result = path ? { path, root: node, links: 0 } : null;
    } else if (node.type === 'attribute') {
      const name = node.childForFieldName('attribute');
      result = name ? link(resolveStep(node.childForFieldName('object'), depth + 1), (p) => `${p}.${name.text}`) : null;
    } else if (node.type === 'call') {
      result = link(resolveStep(node.childForFieldName('function'), depth + 1), (p) => `${p}()`);
    } else if (node.type === 'parenthesized_expression') result = link(resolveStep(node.namedChild(0), depth + 1), (p) => p);
    // A result cut short by the depth limit depends on where the resolution started: not memoised.
    if (memoise && result !== capped) memo.set(node.id, result);
    return result;
  };
  const resolve = (node: Node | null): { path: string; root: Node } | null => {
    const result = resolveStep(node, 0);
    return result === capped || result === null ? null : { path: result.path, root: result.root };
  };

  // Assignments from resolvable expressions bind too (`demo = gr.Blocks()`); two passes let
  // one assignment build on another. `x = None` (the optional-import idiom) binds nothing.
  const imported = new Set(bindings.keys());
  const rebound = new Set<string>();
  for (const target of otherTargets) for (const name of identifiersIn(target)) rebound.add(name);
  for (let pass = 0; pass < 2; pass++) {
    for (const { target, value } of assignments) {
      if (value.type === 'none') continue;
      const resolved = resolve(value);
      if (resolved) bind(target.text, resolved.path);
      else {
        if (pass === 0 && imported.has(target.text)) bind(target.text, null);
        rebound.add(target.text);
      }
    }
    // `def f(df: pd.DataFrame)`, `df: pd.DataFrame = load()`: an instance of the annotated class.
    for (const { target, type } of annotated) {
      const resolved = resolve(type.namedChild(0));
      if (resolved && !resolved.path.includes('()')) bind(target.text, `${resolved.path}()`);
      else rebound.add(target.text);
    }
  }
  // A name is certain only where it means nothing else anywhere in the file: a parameter, loop
  // variable or other assignment of the same name (`def f(np): np.float`) leaves it unresolved.
  for (const [name, binding] of bindings) if (rebound.has(name)) binding.path = null;

  const guards = guardFinder(resolve, assignments, (node) => ancestors.get(node.id) ?? []);
  memoise = true;
  // Innermost first (the walk met them outermost first), so each link finds the one below memoised.
  // An attribute or call whose chain starts with a name the file binds to nothing (`self.x`,
  // `foo()`: most of them) resolves to nothing: told from the text, without asking the tree.
  const rootMayResolve = (node: Node): boolean => {
    leadingName.lastIndex = node.startIndex;
    const name = leadingName.exec(text)?.[1];
    return name === undefined || !!bindings.get(name)?.path;
  };
  for (let i = attributes.length - 1; i >= 0; i--) if (rootMayResolve(attributes[i]!)) resolve(attributes[i]!);

  for (const node of attributes) {
    if (!rootMayResolve(node)) continue;
    const resolved = resolve(node);
    // Spans, guards and the reference itself only where the caller wants the path.
    if (!resolved || (wanted && !wanted(resolved.path))) continue;
    const name = node.childForFieldName('attribute');
    if (!name) continue;
    references.push({
      kind: 'attribute',
      path: resolved.path,
      span: span(node),
      nameSpan: span(name),
      root: { span: span(resolved.root), path: bindings.get(resolved.root.text)!.path! },
      ...guards(node),
    });
  }

  for (const node of calls) {
    if (!rootMayResolve(node)) continue;
    const callee = node.childForFieldName('function');
    const resolved = resolve(callee);
    if (!resolved || !callee) continue;
    const args = node.childForFieldName('arguments');
    const root = { span: span(resolved.root), path: bindings.get(resolved.root.text)!.path! };
    if (wanted && !wanted(resolved.path)) {
      // Not the call: maybe one of its keywords.
      if (args?.type !== 'argument_list') continue;
      let guard: ReturnType<typeof guards> | undefined;
      for (const argument of args.namedChildren) {
        if (argument?.type !== 'keyword_argument') continue;
        const keyword = argument.childForFieldName('name');
        const value = argument.childForFieldName('value');
        if (!keyword || !value || !wanted(resolved.path, keyword.text)) continue;
        guard ??= guards(node);
        references.push(keywordReference(resolved.path, keyword, argument, value, root, guard));
      }
      continue;
    }
    const name = callee.type === 'attribute' ? callee.childForFieldName('attribute') : callee;
    const guard = guards(node);
    const passed = args?.type === 'argument_list' ? args.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') : [];
    references.push({
      kind: 'call',
      path: resolved.path,
      span: span(callee),
      nameSpan: span(name ?? callee),
      root,
      ...(args?.type === 'argument_list'
        ? {
            argumentsSpan: span(args),
            positional: passed.filter((a) => !['keyword_argument', 'list_splat', 'dictionary_splat'].includes(a.type)).map(span),
            keywords: passed.filter((a) => a.type === 'keyword_argument').map((a) => a.childForFieldName('name')?.text ?? ''),
            starred: passed.some((a) => a.type === 'list_splat'),
            doubleStarred: passed.some((a) => a.type === 'dictionary_splat'),
          }
        : args
          ? { positional: [span(args)], keywords: [], starred: false, doubleStarred: false } // `f(x for x in xs)`
          : {}),
      ...guard,
    });
    if (args?.type !== 'argument_list') continue;
    for (const argument of args.namedChildren) {
      if (argument?.type !== 'keyword_argument') continue;
      const keyword = argument.childForFieldName('name');
      const value = argument.childForFieldName('value');
      if (!keyword || !value) continue;
      references.push(keywordReference(resolved.path, keyword, argument, value, root, guard));
    }
  }
  // Imports are guarded by the try / if around their statement.
  for (const { ref, statement } of importRefs) if (!wanted || wanted(ref.path)) references.push({ ...ref, ...guards(statement) });
  references.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return references;
}

function keywordReference(path: string, keyword: Node, argument: Node, value: Node, root: PyReference['root'], guard: { guard?: PyGuard }): PyReference {
  return {
    kind: 'keyword',
    path,
    keyword: keyword.text,
    span: span(keyword),
    nameSpan: span(keyword),
    root,
    argument: { span: span(argument), valueSpan: span(value) },
    ...guard,
  };
}

function collectImport(statement: Node, bind: (name: string, path: string | null) => void, found: (ref: PyReference) => void): void {
  const importRef = (node: Node, path: string, module: boolean): void => {
    const last = node.type === 'dotted_name' ? node.namedChild(node.namedChildCount - 1) : node;
    found({ kind: 'import', path, span: span(node), nameSpan: span(last ?? node), ...(module ? { module } : {}) });
  };
  if (statement.type === 'import_statement') {
    for (const item of statement.childrenForFieldName('name')) {
      if (!item) continue;
      if (item.type === 'dotted_name') {
        importRef(item, dotted(item), true);
        bind(item.namedChild(0)?.text ?? item.text, item.namedChild(0)?.text ?? item.text);
      } else if (item.type === 'aliased_import') {
        const name = item.childForFieldName('name');
        const alias = item.childForFieldName('alias');
        if (!name || !alias) continue;
        importRef(name, dotted(name), true);
        bind(alias.text, dotted(name));
      }
    }
    return;
  }
  const module = statement.childForFieldName('module_name');
  if (!module || module.type !== 'dotted_name') return; // relative imports stay inside the package
  const modulePath = dotted(module);
  importRef(module, modulePath, true);
  for (const item of statement.childrenForFieldName('name')) {
    if (!item) continue;
    if (item.type === 'dotted_name') {
      importRef(item, `${modulePath}.${dotted(item)}`, false);
      bind(item.text, `${modulePath}.${dotted(item)}`);
    } else if (item.type === 'aliased_import') {
      const name = item.childForFieldName('name');
      const alias = item.childForFieldName('alias');
      if (!name || !alias) continue;
      importRef(name, `${modulePath}.${dotted(name)}`, false);
      bind(alias.text, `${modulePath}.${dotted(name)}`);
    }
  }
}

/** The names a binding target writes: `a`, `a, (b, c)`, `*rest`. */
function identifiersIn(target: Node): string[] {
  if (target.type === 'identifier') return [target.text];
  if (['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'list_splat_pattern', 'parenthesized_expression'].includes(target.type)) {
    return target.namedChildren.flatMap((c) => (c ? identifiersIn(c) : []));
  }
  return [];
}

type Resolve = (node: Node | null) => { path: string; root: Node } | null;

/** The exceptions one `except` clause catches (`*` for a bare one), by their last name. */
function caughtBy(clause: Node): string[] {
  const value = clause.childForFieldName('value') ?? clause.namedChildren.find((c) => c && c.type !== 'block' && c.type !== 'comment') ?? null;
  if (!value) return ['*'];
  const types = value.type === 'as_pattern' ? value.namedChild(0) : value;
  const names = (node: Node | null): string[] => {
    if (!node) return [];
    if (node.type === 'identifier') return [node.text];
    if (node.type === 'attribute') return [node.childForFieldName('attribute')?.text ?? ''];
    if (node.type === 'tuple' || node.type === 'parenthesized_expression') return node.namedChildren.flatMap((c) => names(c));
    return [];
  };
  return names(types);
}

const functionLike = new Set(['function_definition', 'lambda']);

/** Links (attributes, calls, parentheses) a reference is followed through to its imported root. */
const maxResolveDepth = 64;

/** The node types guardFinder reads among a reference's ancestors (nearest first). */
const guardAncestorTypes = new Set(['try_statement', 'if_statement', 'conditional_expression', 'boolean_operator', ...functionLike]);

/**
 * The name an attribute chain or call starts with, after opening parentheses (`(np).x` → np); none
 * when it starts otherwise (a string, a number, a comment or a line continuation inside the
 * parentheses), and the tree decides. A keyword read as a name (`(lambda: x).y`) is never bound.
 */
const leadingName = /[ \t\r\n(]*([\p{ID_Start}_][\p{ID_Continue}]*)(?![\p{ID_Continue}])/uy;

/** The node types the walk reads: the cases of its switch, the guards' and `with` items (for `with … as`). */
const walkedTypes = [
  'import_statement',
  'import_from_statement',
  'assignment',
  'as_pattern',
  'typed_parameter',
  'typed_default_parameter',
  'parameters',
  'lambda_parameters',
  'for_statement',
  'for_in_clause',
  'augmented_assignment',
  'named_expression',
  'attribute',
  'call',
  'with_item',
  ...guardAncestorTypes,
];

/** How many enclosing guard-type nodes (nearest first) a guard is looked for in. */
const maxGuardAncestors = 256;
const stringValue = (node: Node): string | null => {
  if (node.type !== 'string') return null;
  const parts = node.namedChildren.filter((c) => c?.type === 'string_content');
  return parts.length === 1 ? parts[0]!.text : node.namedChildCount === 2 ? '' : null;
};

/**
 * Finds what guards a node: enclosing `try` blocks (their body and handlers, not across a function
 * boundary: a function defined in a try runs later) and the conditions of enclosing `if` / `elif`,
 * conditional expressions and `and` / `or` operands that test `hasattr(x, "name")`,
 * `getattr(x, "name", default)` or a library's version (`np.__version__`, `sys.version_info`, a
 * name assigned from one, `importlib.metadata.version("numpy")`).
 */
function guardFinder(resolve: Resolve, assignments: { target: Node; value: Node }[], ancestorsOf: (node: Node) => Node[]): (node: Node) => { guard?: PyGuard } {
  const flags = new Map<string, Node[]>();
  for (const { target, value } of assignments) {
    const list = flags.get(target.text);
    if (list) list.push(value);
    else flags.set(target.text, [value]);
  }
  const facts = new Map<number, { checked: string[]; versions: string[] }>();
  const factsOf = (condition: Node, depth = 0): { checked: string[]; versions: string[] } => {
    const known = facts.get(condition.id);
    if (known) return known;
    const result = { checked: [] as string[], versions: [] as string[] };
    facts.set(condition.id, result);
    const stack: Node[] = [condition];
    let budget = 2000; // conditions are short; a pathological one is read in part
    while (stack.length > 0 && budget-- > 0) {
      const node = stack.pop()!;
      if (node.type === 'attribute') {
        const name = node.childForFieldName('attribute')?.text;
        const object = resolve(node.childForFieldName('object'));
        if (object && (name === '__version__' || name === 'VERSION')) result.versions.push(object.path.split(/[.(]/, 1)[0]!);
        if (object?.path === 'sys' && (name === 'version_info' || name === 'version' || name === 'hexversion')) result.versions.push('python');
      } else if (node.type === 'call') {
        const fn = node.childForFieldName('function');
        const args = node.childForFieldName('arguments');
        const list = args?.type === 'argument_list' ? args.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') : [];
        if (fn?.type === 'identifier' && (fn.text === 'hasattr' || (fn.text === 'getattr' && list.length === 3)) && list.length >= 2) {
          const object = resolve(list[0]!);
          const name = stringValue(list[1]!);
          if (object && name) result.checked.push(`${object.path}.${name}`);
        }
        // importlib.metadata.version("numpy"), pkg_resources.get_distribution("torch").version
        const callee = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
        if ((callee === 'version' || callee === 'get_distribution') && list[0]) {
          const name = stringValue(list[0]);
          if (name) result.versions.push(name.toLowerCase().replace(/[-_.]+/g, '-'));
        }
      } else if (node.type === 'identifier' && depth < 4) {
        // A name assigned in many places whose values name others again: without dropping repeats
        // the facts multiply at each level (millions of copies of one name in backend_svg.py).
        for (const value of flags.get(node.text) ?? []) {
          const more = factsOf(value, depth + 1);
          for (const checked of more.checked) if (!result.checked.includes(checked)) result.checked.push(checked);
          for (const version of more.versions) if (!result.versions.includes(version)) result.versions.push(version);
        }
      }
      for (const child of node.namedChildren) if (child) stack.push(child);
    }
    return result;
  };

  return (node) => {
    const caught: string[] = [];
    const checked: string[] = [];
    const versions: string[] = [];
    const add = (condition: Node | null): void => {
      if (!condition) return;
      const found = factsOf(condition);
      pushAll(checked, found.checked);
      pushAll(versions, found.versions);
    };
    let insideFunction = false;
    const within = (outer: Node | null): boolean => !!outer && outer.startIndex <= node.startIndex && node.endIndex <= outer.endIndex && outer.endIndex > outer.startIndex;
    for (const parent of ancestorsOf(node)) {
      switch (parent.type) {
        case 'try_statement':
          // In the body or a handler (not in `else:` or `finally:`).
          if (!insideFunction && (within(parent.childForFieldName('body')) || parent.namedChildren.some((c) => c?.type === 'except_clause' && within(c)))) {
            for (const clause of parent.namedChildren) if (clause?.type === 'except_clause') pushAll(caught, caughtBy(clause));
          }
          break;
        case 'if_statement': {
          const condition = parent.childForFieldName('condition');
          if (within(condition)) break;
          add(condition);
          for (const clause of parent.namedChildren) if (clause?.type === 'elif_clause') add(clause.childForFieldName('condition'));
          break;
        }
        case 'conditional_expression': {
          const condition = parent.namedChild(1);
          if (condition && !within(condition)) add(condition);
          break;
        }
        case 'boolean_operator': {
          const left = parent.childForFieldName('left');
          if (left && !within(left)) add(left);
          break;
        }
        default:
          if (functionLike.has(parent.type)) insideFunction = true;
      }
    }
    if (caught.length === 0 && checked.length === 0 && versions.length === 0) return {};
    return { guard: { caught: [...new Set(caught)], checked: [...new Set(checked)], versions: [...new Set(versions)] } };
  };
}

/** A dotted name without the spaces or comments Python allows inside it. */
function dotted(node: Node): string {
  if (node.type !== 'dotted_name') return node.text;
  return node.namedChildren.filter((c): c is Node => c?.type === 'identifier').map((c) => c.text).join('.');
}
