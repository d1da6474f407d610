// setup.py read statically, never run: the literal `install_requires`, `extras_require`,
// `setup_requires` and `python_requires` of a `setup(…)` call (setuptools.setup, distutils'), names
// bound once to literals in the same file, `+` of literal lists, and reads of a requirements file
// (`open("requirements.txt").read().splitlines()`, `.readlines()`, `with open(…) as f:` then
// `f.read().splitlines()`, `Path("…").read_text().splitlines()`, a path joined to the folder of
// `__file__`), which become includes of that file. Whatever is computed (a comprehension, another
// call, an f-string, a name bound twice) is left alone, and a note says that argument was not read.
import type { Node, Tree } from '@vscode/tree-sitter-wasm';
import { parseBounded, parseStopReason, type Grammars } from '../grammars';
import { LineIndex } from '../line-index';
import type { ParsedFile, RequirementOrigin, Span } from '../model';
import { parseMappedRequirement, type MappedText } from './pyproject';
import { pythonString } from './python-strings';
import { lazyPythonFacts } from './python';

/** How many names deep a value is followed (`A = B`, `B = [...]`). */
const maxBindingDepth = 8;
/** Nodes the walk visits at most: a setup.py is small; a generated monster is read in part. */
const maxNodes = 500_000;

export function parseSetupPy(path: string, text: string, grammars?: Grammars): ParsedFile {
  const file: ParsedFile = { path, kind: 'setup-py', requirements: [], options: [], includes: [], problems: [], groups: [] };
  if (!grammars) return file;
  // Its code is Python like any other: deprecated-api reads it on first use.
  file.python = lazyPythonFacts(text, grammars);
  let parser: InstanceType<Grammars['Parser']> | undefined;
  let tree: Tree | null = null;
  const lines = new LineIndex(text);
  try {
    parser = new grammars.Parser();
    parser.setLanguage(grammars.python);
    tree = parseBounded(parser, text, (reason) => note(file, lines, { start: 0, end: 0 }, `Not checked: ${parseStopReason(reason)}; its requirements were not read.`));
    if (tree) {
      if (tree.rootNode.hasError) syntaxError(file, lines, tree.rootNode);
      new SetupReader(file, text, lines).read(tree.rootNode);
    }
  } catch (error) {
    const why = error instanceof RangeError ? 'its nesting is too deep to follow' : 'the Python parser failed on it';
    file.requirements = [];
    file.includes = [];
    note(file, lines, { start: 0, end: 0 }, `Not checked: ${why}; its requirements were not read.`);
  } finally {
    tree?.delete();
    parser?.delete();
  }
  return file;
}

/** Python would not run this file: the first place the parse failed (what is still readable is read). */
function syntaxError(file: ParsedFile, lines: LineIndex, root: Node): void {
  let node: Node | null = root;
  for (let steps = 0; node && steps < 10_000; steps++) {
    if (node.isError || node.isMissing) break;
    node = node.children.find((c) => !!c && (c.hasError || c.isMissing)) ?? null;
  }
  if (!node) return;
  const span = { start: node.startIndex, end: Math.max(node.endIndex, node.startIndex) };
  const line = lines.positionAt(span.start).line;
  const shown = span.end > span.start ? { start: span.start, end: Math.min(span.end, lines.lineEnd(line)) } : span;
  const what = node.isMissing ? `Invalid Python: missing '${node.type}'` : 'Invalid Python';
  file.problems.push({ line: line + 1, span: shown.end > shown.start ? shown : span, message: `${what}; setup.py would not run, and what follows may be read wrongly.` });
}

function note(file: ParsedFile, lines: LineIndex, span: Span, message: string): void {
  file.problems.push({ line: lines.positionAt(span.start).line + 1, span, message, level: 'note' });
}

/** What a value gives: requirement strings and requirements files it reads, and whether part of it is computed. */
interface Value {
  strings: MappedText[];
  reads: { target: MappedText; span: Span }[];
  /** The first part that is computed at run time (left alone). */
  dynamic: Node | null;
}

const nothing = (dynamic: Node | null): Value => ({ strings: [], reads: [], dynamic });

class SetupReader {
  /** Names bound by one assignment (or `with … as name`) in the file; a name bound more often is not followed. */
  private readonly bindings = new Map<string, Node | null>();
  private readonly setupCalls: Node[] = [];

  constructor(
    private readonly file: ParsedFile,
    private readonly text: string,
    private readonly lines: LineIndex,
  ) {}

  read(root: Node): void {
    this.collect(root);
    for (const call of this.setupCalls) this.readSetupCall(call);
  }

  private bind(name: string, value: Node | null): void {
    this.bindings.set(name, this.bindings.has(name) ? null : value);
  }

  /** One iterative walk: `setup(…)` calls and the names bound in the file. */
  private collect(root: Node): void {
    const stack: Node[] = [root];
    let visited = 0;
    while (stack.length > 0) {
      if (++visited > maxNodes) {
        note(this.file, this.lines, { start: 0, end: 0 }, 'Not fully checked: the file is too large to read in full; part of it was not read.');
        return;
      }
      const node = stack.pop()!;
      switch (node.type) {
        case 'assignment': {
          const left = node.childForFieldName('left');
          const right = node.childForFieldName('right');
          if (left?.type === 'identifier') this.bind(left.text, right);
          else if (left) for (const name of left.descendantsOfType('identifier')) if (name) this.bind(name.text, null);
          break;
        }
        case 'augmented_assignment': {
          const left = node.childForFieldName('left');
          if (left?.type === 'identifier') this.bind(left.text, null);
          break;
        }
        case 'as_pattern': {
          const alias = node.childForFieldName('alias')?.namedChild(0);
          if (alias?.type === 'identifier') this.bind(alias.text, node.parent?.type === 'with_item' ? node.namedChild(0) : null);
          break;
        }
        case 'for_statement': {
          const left = node.childForFieldName('left');
          for (const name of left?.type === 'identifier' ? [left] : (left?.descendantsOfType('identifier') ?? [])) if (name) this.bind(name.text, null);
          break;
        }
        case 'call': {
          const callee = node.childForFieldName('function');
          const name = callee?.type === 'identifier' ? callee.text : callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
          if (name === 'setup') this.setupCalls.push(node);
          break;
        }
      }
      // namedChildren once: namedChild(i) walks the children from the first, so a loop over i is
      // quadratic in a node's children (40 KB of `${` is one node of ~20,000).
      const children = node.namedChildren;
      for (let i = children.length - 1; i >= 0; i--) {
        const child = children[i];
        if (child) stack.push(child);
      }
    }
  }

  private readSetupCall(call: Node): void {
    const args = call.childForFieldName('arguments');
    if (args?.type !== 'argument_list') return;
    for (const argument of args.namedChildren) {
      if (argument?.type !== 'keyword_argument') continue;
      const keyword = argument.childForFieldName('name')?.text;
      const value = argument.childForFieldName('value');
      if (!keyword || !value) continue;
      switch (keyword) {
        case 'install_requires':
          this.addRequirements(keyword, this.evaluate(value, 0), { section: 'install_requires', scope: 'base' });
          break;
        case 'setup_requires':
          this.addRequirements(keyword, this.evaluate(value, 0), { section: 'setup_requires', scope: 'build' });
          break;
        case 'extras_require':
          this.readExtras(value);
          break;
        case 'python_requires': {
          const written = this.literalString(value, 0);
          if (written) this.file.pythonRequirement = { specifier: written.text.replace(/\s+/g, ''), span: { ...written.whole } };
          break;
        }
      }
    }
  }

  private readExtras(value: Node): void {
    const dict = this.follow(value, 0);
    const entries: { key: MappedText; value: Node; keySpan: Span }[] = [];
    if (dict?.type === 'dictionary') {
      for (const pair of dict.namedChildren) {
        if (pair?.type !== 'pair') {
          if (pair && pair.type !== 'comment') this.notRead('extras_require', pair);
          continue;
        }
        const key = pair.childForFieldName('key');
        const item = pair.childForFieldName('value');
        const name = key ? this.literalString(key, 0) : null;
        if (!name || !item) {
          this.notRead('extras_require', pair);
          continue;
        }
        entries.push({ key: name, value: item, keySpan: { ...name.whole } });
      }
    } else if (dict?.type === 'call' && dict.childForFieldName('function')?.text === 'dict') {
      for (const argument of dict.childForFieldName('arguments')?.namedChildren ?? []) {
        const name = argument?.type === 'keyword_argument' ? argument.childForFieldName('name') : null;
        const item = argument?.childForFieldName('value');
        if (!name || !item) continue;
        entries.push({ key: { text: name.text, starts: [], ends: [], whole: { start: name.startIndex, end: name.endIndex } }, value: item, keySpan: { start: name.startIndex, end: name.endIndex } });
      }
    } else {
      this.notRead('extras_require', dict ?? value);
      return;
    }
    for (const entry of entries) {
      // `"gpu:platform_system == 'Linux'"`: an extra with a marker, left alone.
      if (entry.key.text.includes(':')) continue;
      const name = entry.key.text.trim();
      if (!this.file.groups!.some((g) => g.name === name)) this.file.groups!.push({ kind: 'extra', name, span: entry.keySpan, includeGroups: [] });
      this.addRequirements(`extras_require["${name}"]`, this.evaluate(entry.value, 0), { section: 'extras_require', group: name, scope: 'extra' });
    }
  }

  private notRead(argument: string, node: Node): void {
    note(
      this.file,
      this.lines,
      { start: node.startIndex, end: node.endIndex },
      `Not checked: ${argument} is computed here when setup.py runs, and Pinwise never runs it; what it computes was not read.`,
    );
  }

  private addRequirements(argument: string, value: Value, origin: RequirementOrigin): void {
    for (const mapped of value.strings) {
      // setuptools reads each string's lines, ` #` starting a comment.
      for (const line of mapped.text.matchAll(/[^\r\n]+/g)) {
        const comment = line[0].indexOf(' #');
        const written = comment >= 0 ? line[0].slice(0, comment) : line[0];
        const requirement = written.trim();
        if (requirement === '' || requirement.startsWith('#')) continue;
        const from = line.index + written.indexOf(requirement);
        const part: MappedText = {
          text: requirement,
          starts: mapped.starts.slice(from, from + requirement.length),
          ends: mapped.ends.slice(from, from + requirement.length),
          whole: { start: mapped.starts[from]!, end: mapped.ends[from + requirement.length - 1]! },
        };
        const parsed = parseMappedRequirement(this.file.path, this.lines, part, origin, this.file.problems);
        if (parsed) this.file.requirements.push(parsed);
      }
    }
    for (const read of value.reads) {
      this.file.includes.push({
        file: this.file.path,
        line: this.lines.positionAt(read.span.start).line + 1,
        span: read.span,
        kind: 'requirement',
        target: read.target.text,
        targetSpan: { ...read.target.whole },
        origin,
      });
    }
    if (value.dynamic) this.notRead(argument, value.dynamic);
  }

  /** A name followed to the one literal it is bound to (the node itself when not a name). */
  private follow(node: Node, depth: number): Node | null {
    let at: Node | null = node;
    for (let d = depth; at && d <= maxBindingDepth; d++) {
      if (at.type === 'parenthesized_expression') at = at.namedChild(0);
      else if (at.type === 'identifier') at = this.bindings.get(at.text) ?? null;
      else return at;
    }
    return null;
  }

  private literalString(node: Node, depth: number): MappedText | null {
    const value = this.follow(node, depth);
    return value && (value.type === 'string' || value.type === 'concatenated_string') ? pythonString(value, this.text) : null;
  }

  /** The requirement strings a value is made of, and the requirements files it reads. */
  private evaluate(node: Node, depth: number): Value {
    if (depth > maxBindingDepth) return nothing(node);
    const value = this.follow(node, depth);
    if (!value) return nothing(node);
    switch (value.type) {
      case 'string':
      case 'concatenated_string': {
        const mapped = pythonString(value, this.text);
        return mapped ? { strings: [mapped], reads: [], dynamic: null } : nothing(value);
      }
      case 'list':
      case 'tuple': {
        const out: Value = { strings: [], reads: [], dynamic: null };
        for (const element of value.namedChildren) {
          if (!element || element.type === 'comment') continue;
          merge(out, this.evaluate(element, depth + 1));
        }
        return out;
      }
      case 'binary_operator': {
        if (value.childForFieldName('operator')?.type !== '+') return nothing(value);
        const left = value.childForFieldName('left');
        const right = value.childForFieldName('right');
        const out: Value = { strings: [], reads: [], dynamic: null };
        if (left) merge(out, this.evaluate(left, depth + 1));
        if (right) merge(out, this.evaluate(right, depth + 1));
        return out;
      }
      case 'call': {
        const read = this.fileRead(value, depth);
        return read ? { strings: [], reads: [{ target: read, span: { start: value.startIndex, end: value.endIndex } }], dynamic: null } : nothing(value);
      }
      default:
        return nothing(value);
    }
  }

  /**
   * The requirements file a call reads line by line: `X.read().splitlines()`, `X.read().split("\n")`,
   * `X.readlines()` or `X.read_text().splitlines()`, X being `open(path)` (or a name bound by
   * `with open(path) as f`) or `Path(path)`. The target as written, or null.
   */
  private fileRead(call: Node, depth: number): MappedText | null {
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'attribute') return null;
    const method = callee.childForFieldName('attribute')?.text;
    const object = callee.childForFieldName('object');
    if (!object) return null;
    const args = call.childForFieldName('arguments')?.namedChildren.filter((c) => c && c.type !== 'comment') ?? [];
    if (method === 'readlines' && args.length === 0) return this.opened(object, depth, 'open');
    const splits = method === 'splitlines' ? args.length === 0 : method === 'split' && args.length === 1 && this.literalString(args[0]!, depth)?.text === '\n';
    if (!splits) return null;
    const inner = this.follow(object, depth);
    if (inner?.type !== 'call' || (inner.childForFieldName('arguments')?.namedChildCount ?? 0) > 1) return null;
    const read = inner.childForFieldName('function');
    if (read?.type !== 'attribute') return null;
    const readName = read.childForFieldName('attribute')?.text;
    const source = read.childForFieldName('object');
    if (!source) return null;
    if (readName === 'read') return this.opened(source, depth, 'open');
    if (readName === 'read_text') return this.opened(source, depth, 'path');
    return null;
  }

  /** The path of `open(path, …)` / `io.open` / `codecs.open` (or `Path(path)`), followed through a name. */
  private opened(node: Node, depth: number, how: 'open' | 'path'): MappedText | null {
    const call = (node.type === 'identifier' ? withTarget(node) : null) ?? this.follow(node, depth + 1);
    if (call?.type === 'binary_operator' && how === 'path') return this.pathJoin(call, depth);
    if (call?.type !== 'call') return null;
    const callee = call.childForFieldName('function');
    const name = callee?.type === 'identifier' ? callee.text : callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
    if (how === 'open' ? name !== 'open' : name !== 'Path') return null;
    const first = call.childForFieldName('arguments')?.namedChildren.find((c) => c && c.type !== 'comment');
    return first ? this.pathOf(first, depth + 1) : null;
  }

  /** A path as written: a string, or `os.path.join(<this file's folder>, "a", "b.txt")` (its parts joined). */
  private pathOf(node: Node, depth: number): MappedText | null {
    const literal = this.literalString(node, depth);
    if (literal) return literal;
    const value = this.follow(node, depth);
    if (value?.type === 'binary_operator') return this.pathJoin(value, depth);
    if (value?.type !== 'call' || !/(?:^|\.)join$/.test(value.childForFieldName('function')?.text ?? '')) return null;
    const parts = value.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') ?? [];
    if (parts.length < 2 || !this.isHere(parts[0]!, depth)) return null;
    const strings = parts.slice(1).map((p) => this.literalString(p, depth));
    if (strings.some((s) => !s)) return null;
    return joinPath(strings as MappedText[]);
  }

  /** `Path(__file__).parent / "requirements.txt"` (or a name bound to the folder). */
  private pathJoin(node: Node, depth: number): MappedText | null {
    if (node.childForFieldName('operator')?.type !== '/') return null;
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const name = right ? this.literalString(right, depth) : null;
    if (!left || !name) return null;
    if (this.isHere(left, depth)) return name;
    const inner = this.follow(left, depth);
    if (inner?.type !== 'binary_operator') return null;
    const before = this.pathJoin(inner, depth + 1);
    return before ? joinPath([before, name]) : null;
  }

  /** The folder setup.py is in: `os.path.dirname(__file__)` (through abspath/realpath), `Path(__file__).parent`, or a name bound to one. */
  private isHere(node: Node, depth: number): boolean {
    const value = this.follow(node, depth);
    if (!value) return false;
    const written = value.text.replace(/\s+/g, '');
    if (!written.includes('__file__')) return false;
    if (/^(?:(?:os\.)?path\.)?(?:abspath|realpath)?\(?(?:(?:os\.)?path\.)?dirname\((?:(?:os\.)?path\.)?(?:abspath|realpath)?\(?__file__\)?\)\)?$/.test(written)) return true;
    return /^(?:pathlib\.)?Path\(__file__\)(?:\.resolve\(\)|\.absolute\(\))?\.parent$/.test(written);
  }
}

/**
 * What the `with … as name:` around a use binds the name to: the nearest enclosing one decides,
 * however often the file reuses the name (`with open(a) as f:` … `with open(b) as f:`).
 */
function withTarget(use: Node): Node | null {
  for (let at = use.parent, steps = 0; at && steps < 64; at = at.parent, steps++) {
    if (at.type !== 'with_statement') continue;
    const clause = at.namedChildren.find((c) => c?.type === 'with_clause');
    for (const item of clause?.namedChildren ?? []) {
      const pattern = item?.namedChild(0);
      if (pattern?.type === 'as_pattern' && pattern.childForFieldName('alias')?.namedChild(0)?.text === use.text) return pattern.namedChild(0);
    }
  }
  return null;
}

function merge(into: Value, from: Value): void {
  for (const s of from.strings) into.strings.push(s);
  for (const r of from.reads) into.reads.push(r);
  into.dynamic ??= from.dynamic;
}

/** Parts of a path joined with `/`, each character still where it is written (a separator beside the part after it). */
function joinPath(parts: MappedText[]): MappedText {
  const out: MappedText = { text: '', starts: [], ends: [], whole: { start: parts[0]!.whole.start, end: parts[parts.length - 1]!.whole.end } };
  parts.forEach((part, i) => {
    if (i > 0) {
      out.text += '/';
      out.starts.push(part.whole.start);
      out.ends.push(part.whole.start);
    }
    out.text += part.text;
    for (const s of part.starts) out.starts.push(s);
    for (const e of part.ends) out.ends.push(e);
  });
  // The target's span: the last part, where the file's name is written.
  out.whole = { ...parts[parts.length - 1]!.whole };
  return out;
}
