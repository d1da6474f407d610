// Python launchers (`launch_utils.py`-style installers): a string literal that is a pip command,
// bound to a name (`TORCH_COMMAND = "pip install torch==2.3.1 …"`) or given as a default
// (`os.environ.get('TORCH_COMMAND', "pip install …")`, a parameter's default), is an install the
// project runs. Each is read by the shell parser from a copy of the file holding only those
// strings, every character at its place in the .py text, so spans are the file's own. An f-string's
// `{…}` is a variable the shell does not know (a requirement or `-r` holding one is left alone).
import type { Node } from '@vscode/tree-sitter-wasm';
import { parseBounded, type Grammars } from '../grammars';
import { LineIndex } from '../line-index';
import type { InstallCommand, ParsedFile, Span } from '../model';
import { pythonString } from './python-strings';
import { parseEmbeddedShell } from './shell';

/**
 * The cheap test, on the bytes: a quote right before a pip install command. A file without one is
 * never parsed for launchers (most .py files; it is what keeps this off the .py hot path).
 */
const launcherStart = /['"]\s*(?:(?:python[\d.]*|py)\s+-m\s+)?(?:uv\s+)?pip[\d.]*\s+install\b/g;
/** The same, on a decoded string's value: it is the command from its start. */
const commandStart = /^\s*(?:(?:python[\d.]*|py)\s+-m\s+)?(?:uv\s+)?pip[\d.]*\s+install\b/;

/** Launchers read per file at most (each is a parse of a copy of the file). */
const maxLaunchers = 32;

export function mayHoldLauncher(text: string): boolean {
  // indexOf is several times faster than the pattern, and most files never write `install`.
  return text.includes('install') && text.search(launcherStart) >= 0;
}

/** Launch commands found in a .py file, read into `file` (requirements, options, includes, commands). */
export function readLaunchers(file: ParsedFile, text: string, grammars: Grammars): void {
  if (!mayHoldLauncher(text)) return;
  let parser: InstanceType<Grammars['Parser']> | undefined;
  let tree: ReturnType<InstanceType<Grammars['Parser']>['parse']> = null;
  try {
    parser = new grammars.Parser();
    parser.setLanguage(grammars.python);
    tree = parseBounded(parser, text);
    if (!tree) return; // deprecated-api's own parse says the file was not checked
    const lines = new LineIndex(text);
    let launchers = 0;
    for (const match of text.matchAll(launcherStart)) {
      const literal = literalAt(tree.rootNode, match.index);
      if (!literal || !isBoundOrDefault(literal)) continue;
      const variables: Span[] = [];
      const mapped = pythonString(literal, text, (span) => {
        variables.push(span);
        const length = span.end - span.start;
        return length >= 4 ? `\${${'_'.repeat(length - 3)}}` : `$${'_'.repeat(length - 1)}`;
      });
      if (!mapped || !commandStart.test(mapped.text)) continue;
      if (++launchers > maxLaunchers) break;
      // One copy per launcher, holding only its command: the characters written as themselves, at
      // their places (an escape is left blank, so a word with one is cut there).
      const masked: string[] = text.split('').map((c) => (c === '\n' || c === '\r' ? c : ' '));
      for (let i = 0; i < mapped.text.length; i++) if (mapped.ends[i]! - mapped.starts[i]! === 1) masked[mapped.starts[i]!] = mapped.text[i]!;
      const quote = text[mapped.whole.start - 1] === "'" ? "'" : '"';
      merge(file, parseEmbeddedShell(file.path, text, masked.join(''), grammars), variables, { quote, within: mapped.whole }, lines);
    }
  } catch {
    // A launcher not read is a launcher not checked; the file's other checks go on.
  } finally {
    tree?.delete();
    parser?.delete();
  }
}

/** The string literal (or implicit concatenation) whose opening quote is at `offset`. */
function literalAt(root: Node, offset: number): Node | null {
  let node = root.descendantForIndex(offset);
  while (node && node.type !== 'string') node = node.type === 'string_start' ? node.parent : null;
  if (!node) return null;
  return node.parent?.type === 'concatenated_string' ? node.parent : node;
}

/** Bound to a name (`X = "…"`, `self.x = "…"`), a parameter's default, or the default of a `.get(…)` / `getenv(…)` call or a `default=` argument. */
function isBoundOrDefault(literal: Node): boolean {
  let child = literal;
  let parent = literal.parent;
  while (parent?.type === 'parenthesized_expression') {
    child = parent;
    parent = parent.parent;
  }
  if (!parent) return false;
  switch (parent.type) {
    case 'assignment':
      return parent.childForFieldName('right')?.id === child.id;
    case 'default_parameter':
    case 'typed_default_parameter':
      return parent.childForFieldName('value')?.id === child.id;
    case 'keyword_argument':
      return parent.childForFieldName('name')?.text === 'default';
    case 'argument_list': {
      const callee = parent.parent?.childForFieldName('function');
      const name = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : callee?.text;
      const position = parent.namedChildren.filter((c) => c && c.type !== 'comment').findIndex((c) => c!.id === child.id);
      return (name === 'get' || name === 'getenv' || name === 'setdefault') && position === 1;
    }
    default:
      return false;
  }
}

/** The shell parse into the .py file's model: a requirement or include holding an f-string's `{…}` dropped. */
function merge(file: ParsedFile, parsed: ParsedFile, variables: readonly Span[], literal: { quote: "'" | '"'; within: Span }, lines: LineIndex): void {
  const overlaps = (span: Span | null) => !!span && variables.some((v) => span.start < v.end && v.start < span.end);
  const line = (span: Span) => lines.positionAt(span.start).line + 1;
  const index = new Map<number, number>();
  parsed.requirements.forEach((requirement, i) => {
    if (overlaps(requirement.span)) return;
    index.set(i, file.requirements.length);
    file.requirements.push({ ...requirement, line: line(requirement.span) });
  });
  for (const problem of parsed.problems) if (problem.level !== 'note' && !overlaps(problem.span)) file.problems.push({ ...problem, line: line(problem.span) });
  file.commands ??= [];
  for (const command of parsed.commands ?? []) {
    const includes = command.includes.filter((include) => !overlaps(include.targetSpan)).map((include) => ({ ...include, line: line(include.span) }));
    const options = command.options.map((option) => ({ ...option, line: line(option.span) }));
    const merged: InstallCommand = {
      ...command,
      line: line(command.span),
      requirements: command.requirements.flatMap((i) => (index.has(i) ? [index.get(i)!] : [])),
      includes,
      options,
      // A fix quoting a requirement must not write the Python string's own quote unescaped; the
      // shell parser reads the word on in the file's text, past the closing quote: cut there.
      unquotedSpecifiers: command.unquotedSpecifiers.map((u) => {
        const end = Math.min(u.span.end, literal.within.end);
        return { ...u, span: { start: u.span.start, end }, text: u.text.slice(0, end - u.span.start), avoidQuote: literal.quote };
      }),
    };
    file.commands.push(merged);
    for (const option of options) file.options.push(option);
    for (const include of includes) file.includes.push(include);
  }
}
