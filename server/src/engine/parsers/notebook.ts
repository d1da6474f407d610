// Jupyter notebooks (nbformat 4, jupyter/nbformat's v4 schema): `%pip` / `!pip` / `!uv pip` lines
// read as install commands in cell order, through the shell parser, and code cells read as one
// Python program (what the kernel runs top to bottom), with IPython's magics and shell lines
// blanked. Both are parsed from decoded views of the cells' JSON strings, and every span is mapped
// back onto the `.ipynb` text as written (escapes included). Outputs are never decoded. Never throws.
import type { Grammars } from '../grammars';
import { LineIndex } from '../line-index';
import type { NotebookCell, ParsedFile, Span } from '../model';
import { jsonMember, jsonStringText, parseJson, type JsonValue } from './json';
import { mapSpan, type MappedText } from './pyproject';
import { lazyPythonFacts } from './python';
import { parseShellScript } from './shell';

/** Notebooks past this size (mostly outputs: images, logs) are not read, and a note says so. */
export const maxNotebookLength = 64 * 1024 * 1024;

export function parseNotebook(path: string, text: string, grammars?: Grammars): ParsedFile {
  const file: ParsedFile = { path, kind: 'notebook', requirements: [], options: [], includes: [], problems: [], commands: [], cells: [] };
  const lines = new LineIndex(text);
  const problem = (span: Span, message: string, level?: 'note'): void => {
    file.problems.push({ line: lines.positionAt(span.start).line + 1, span, message, ...(level ? { level } : {}) });
  };
  if (text.length > maxNotebookLength) {
    problem({ start: 0, end: 0 }, `Not checked: the notebook is ${Math.round(text.length / 1024 / 1024)} MB, over the ${maxNotebookLength / 1024 / 1024} MB a notebook may have to be read.`, 'note');
    return file;
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const at = parsed.error.offset;
    problem({ start: at, end: Math.min(text.length, at + 1) }, `Invalid notebook JSON: ${parsed.error.message}.`);
    return file;
  }
  const root = parsed.value;
  if (root.type !== 'object') {
    problem(root.span, 'Not a Jupyter notebook: expected a JSON object with `cells`.');
    return file;
  }
  const format = jsonMember(root, 'nbformat');
  if (format?.type !== 'number' || format.value !== 4) {
    const written = format?.type === 'number' ? `nbformat ${format.raw}` : 'no `nbformat` version';
    problem(format?.span ?? { start: root.span.start, end: root.span.start + 1 }, `Not checked: this notebook has ${written}; Pinwise reads nbformat 4 notebooks (\`jupyter nbconvert --to notebook\` upgrades older ones).`, 'note');
    return file;
  }
  const cells = jsonMember(root, 'cells');
  if (cells?.type !== 'array') {
    problem(cells?.span ?? { start: root.span.start, end: root.span.start + 1 }, 'Not a valid nbformat 4 notebook: `cells` must be a list of cells.');
    return file;
  }

  const shell = new MappedBuilder();
  const python = new MappedBuilder();
  for (const [index, node] of cells.elements.entries()) {
    const cell: NotebookCell = { number: index + 1, kind: '', sources: [] };
    file.cells!.push(cell);
    if (node.type !== 'object') {
      problem(node.span, `Cell ${cell.number} is not a JSON object.`);
      continue;
    }
    const type = jsonMember(node, 'cell_type');
    cell.kind = type?.type === 'string' ? type.value : '';
    if (cell.kind !== 'code') continue; // markdown and raw cells run nothing
    const source = cellSource(text, jsonMember(node, 'source'), cell);
    if (!source) {
      problem(jsonMember(node, 'source')?.span ?? node.span, `Cell ${cell.number}: \`source\` must be a string or a list of strings.`);
      continue;
    }
    readCodeCell(source, shell, python);
  }

  if (!grammars) return file;
  const shellView = shell.build();
  if (shellView.text.trim() !== '') addShellCommands(file, parseShellScript(path, shellView.text, grammars), shellView, lines);
  const pythonView = python.build();
  if (pythonView.text.trim() !== '') {
    file.python = lazyPythonFacts(pythonView.text, grammars, { text: pythonView.text, toFile: (span) => mapSpan(pythonView, span) });
  }
  return file;
}

/** A code cell's source decoded, each character mapped to where it is written; records the strings in `cell`. */
function cellSource(text: string, source: JsonValue | undefined, cell: NotebookCell): MappedText | null {
  const strings = source?.type === 'string' ? [source] : source?.type === 'array' ? source.elements : null;
  if (!strings || strings.some((s) => s.type !== 'string')) return null;
  const out = new MappedBuilder();
  let line = 0;
  let character = 0;
  for (const node of strings) {
    if (node.type !== 'string') continue;
    const mapped = jsonStringText(text, node);
    cell.sources.push({ span: { ...mapped.whole }, offset: out.length, line, character });
    out.append(mapped, 0, mapped.text.length);
    for (let i = 0; i < mapped.text.length; i++) {
      const c = mapped.text.charCodeAt(i);
      if (c === 10 || (c === 13 && mapped.text.charCodeAt(i + 1) !== 10)) {
        line++;
        character = 0;
      } else if (c !== 13) character++;
    }
  }
  return out.build();
}

// IPython's escapes (IPython's input transformers): `!cmd` and `!!cmd` run a shell, `%magic` a
// line magic (`%pip` runs pip in the kernel's environment), `%%magic` on a cell's first line
// makes the whole cell its input; `name = !cmd` captures a shell's output; `obj?` asks for help.
const shellCellMagic = /^%%(?:bash|sh|script[ \t]+(?:\S*\/)?(?:ba|z|da)?sh)\b/;
/** Cell magics whose body is still Python run by the kernel. */
const pythonCellMagic = /^%%(?:capture|time|timeit|prun|debug)\b/;
const shellLine = /^([ \t]*)(?:[A-Za-z_][\w.]*[ \t]*=[ \t]*)?!!?/;
const pipMagic = /^[ \t]*%(?=pip\b)/;
const magicLine = /^[ \t]*(?:%|[\w.]+\?\??[ \t]*$)/;

/** Splits a code cell into the shell view (its pip runs) and the Python view (everything else). */
function readCodeCell(source: MappedText, shell: MappedBuilder, python: MappedBuilder): void {
  const text = source.text;
  const lineStarts: number[] = [];
  for (let at = 0; at < text.length || lineStarts.length === 0; ) {
    lineStarts.push(at);
    const newline = text.indexOf('\n', at);
    if (newline < 0) break;
    at = newline + 1;
  }
  const lineEnd = (k: number): number => (k + 1 < lineStarts.length ? lineStarts[k + 1]! : text.length);
  const content = (k: number): string => text.slice(lineStarts[k]!, lineEnd(k)).replace(/\r?\n$/, '');
  const continues = (k: number): boolean => /\\$/.test(content(k));
  python.separate();
  shell.separate();

  let first = 0;
  const head = content(0);
  if (shellCellMagic.test(head)) {
    // The rest of the cell is a shell script.
    const from = lineEnd(0);
    shell.appendExpanded(source, from, text.length, false);
    return;
  }
  if (/^%%/.test(head)) {
    if (!pythonCellMagic.test(head)) return; // %%writefile, %%html, …: not Python
    python.blankLine(source, lineStarts[0]!, lineEnd(0), true);
    first = 1;
  }
  for (let k = first; k < lineStarts.length; k++) {
    const start = lineStarts[k]!;
    const line = content(k);
    const escape = shellLine.exec(line) ?? pipMagic.exec(line);
    if (escape || magicLine.test(line)) {
      // The command and its continuation lines (a trailing backslash joins the next line).
      let last = k;
      while (continues(last) && last + 1 < lineStarts.length) last++;
      if (escape) {
        shell.appendExpanded(source, start + escape[0].length, lineEnd(last), true);
        shell.separate();
      }
      for (let j = k; j <= last; j++) python.blankLine(source, lineStarts[j]!, lineEnd(j), j === k);
      k = last;
      continue;
    }
    python.append(source, start, lineEnd(k));
  }
}

/**
 * A text assembled from pieces of decoded cell sources (each character keeps where it is written)
 * and of text Pinwise writes in (mapped onto the place it stands for).
 */
class MappedBuilder {
  private readonly parts: string[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  get length(): number {
    return this.starts.length;
  }

  append(from: MappedText, start: number, end: number): void {
    this.parts.push(from.text.slice(start, end));
    for (let i = start; i < end; i++) {
      this.starts.push(from.starts[i]!);
      this.ends.push(from.ends[i]!);
    }
  }

  /** Text that stands for `at` in the file. */
  appendSynthetic(text: string, at: Span): void {
    this.parts.push(text);
    for (let i = 0; i < text.length; i++) {
      this.starts.push(at.start);
      this.ends.push(at.end);
    }
  }

  /** A line break between cells or commands, unless the text already ends with one. */
  separate(): void {
    const last = this.parts[this.parts.length - 1];
    if (last === undefined || last.endsWith('\n')) return;
    const at = this.ends[this.ends.length - 1] ?? 0;
    this.appendSynthetic('\n', { start: at, end: at });
  }

  /**
   * A line the kernel does not run as Python (a magic, a shell escape): `pass` at its indent, so
   * the block around it still parses (`statement`: false for its continuation lines, left empty),
   * with its line break.
   */
  blankLine(from: MappedText, start: number, end: number, statement: boolean): void {
    const indent = statement ? /^[ \t]*/.exec(from.text.slice(start, end))![0].length : 0;
    this.append(from, start, start + indent);
    const written = from.starts[start + indent] ?? from.whole.start;
    if (statement && start + indent < end && from.text[start + indent] !== '\n' && from.text[start + indent] !== '\r') this.appendSynthetic('pass', { start: written, end: written });
    const breakAt = from.text.lastIndexOf('\n', end - 1);
    if (breakAt >= start && breakAt === end - 1) this.append(from, breakAt, end);
  }

  /**
   * Shell text with IPython's `{expression}` expansions replaced: `{sys.executable}` runs Python
   * (`!{sys.executable} -m pip install …`); any other is a value not known statically, written as
   * a shell variable the parser leaves alone. `inLine`: a `!` line, where the kernel expands them.
   */
  appendExpanded(from: MappedText, start: number, end: number, inLine: boolean): void {
    if (!inLine) {
      this.append(from, start, end);
      return;
    }
    const text = from.text.slice(start, end);
    let at = 0;
    for (const match of text.matchAll(/\{([^{}\n]*)\}/g)) {
      this.append(from, start + at, start + match.index);
      const written = mapSpan(from, { start: start + match.index, end: start + match.index + match[0].length });
      this.appendSynthetic(/^\s*sys\.executable\s*$/.test(match[1]!) ? 'python' : '${IPYTHON_EXPRESSION}', written);
      at = match.index + match[0].length;
    }
    this.append(from, start + at, end);
  }

  build(): MappedText {
    const text = this.parts.join('');
    const n = this.starts.length;
    return { text, starts: this.starts, ends: this.ends, whole: { start: n > 0 ? this.starts[0]! : 0, end: n > 0 ? this.ends[n - 1]! : 0 } };
  }
}

/** The shell parse of the install lines, its spans moved from the shell view onto the file. */
function addShellCommands(file: ParsedFile, parsed: ParsedFile, view: MappedText, lines: LineIndex): void {
  relocate(parsed, (span) => mapSpan(view, span), (offset) => lines.positionAt(offset).line + 1, new Set());
  for (const requirement of parsed.requirements) requirement.file = file.path;
  file.requirements = parsed.requirements;
  file.options = parsed.options;
  file.includes = parsed.includes;
  file.commands = parsed.commands ?? [];
  for (const problem of parsed.problems) file.problems.push(problem);
}

const isSpan = (value: unknown): value is Span => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 2 && typeof (value as Span).start === 'number' && typeof (value as Span).end === 'number';
};

/**
 * Moves every span in a parse result (requirements, clauses, options, includes, commands,
 * problems) through `map`, and recomputes each `line` from its span: the shell parser's model,
 * whatever fields it gains, lands on the notebook's text. Objects shared between lists move once.
 */
function relocate(value: unknown, map: (span: Span) => Span, lineOf: (offset: number) => number, seen: Set<object>): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const item of value) relocate(item, map, lineOf, seen);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const [key, field] of Object.entries(record)) {
    if (isSpan(field)) record[key] = map(field);
    else relocate(field, map, lineOf, seen);
  }
  if (typeof record.line === 'number' && isSpan(record.span)) record.line = lineOf(record.span.start);
}

/** Where a notebook file offset is in its cells: 1-based cell, 0-based line and character in the cell's source, and the offset there. */
export interface CellPosition {
  cell: number;
  line: number;
  character: number;
  offset: number;
}

/** Finds cell positions of offsets in one notebook's text (binary search over its source strings). */
export function cellLocator(text: string, cells: readonly NotebookCell[]): (offset: number) => CellPosition | null {
  const strings = cells.flatMap((cell) => cell.sources.map((source) => ({ cell: cell.number, ...source })));
  return (offset) => {
    let low = 0;
    let high = strings.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (strings[mid]!.span.start <= offset) low = mid;
      else high = mid - 1;
    }
    const string = strings[low];
    if (!string || offset < string.span.start || offset > string.span.end) return null;
    let { line, character, offset: decoded } = string;
    for (let i = string.span.start; i < offset; ) {
      let c: string;
      if (text[i] === '\\') {
        const length = text[i + 1] === 'u' ? 6 : 2;
        c = length === 6 ? String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)) : ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[text[i + 1]!] ?? text[i + 1]!;
        i += length;
      } else c = text[i++]!;
      decoded++;
      if (c === '\n' || (c === '\r' && !text.startsWith('\\n', i))) {
        line++;
        character = 0;
      } else if (c !== '\r') character++;
    }
    return { cell: string.cell, line, character, offset: decoded };
  };
}

/** Replacement text written inside a JSON string: what a fix inserts, escaped as JSON requires. */
export function jsonEscape(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
