// Replicate's cog.yaml: `build.python_version` is the image's Python; `build.python_packages`
// (requirement lines) and `build.python_requirements` (a requirements file) are installed first,
// as one pip run; then each `build.run` command runs in order, read by the shell parser. Cog
// builds its image in that order (pip installs, then run commands). Never throws.
import { isMap, isScalar, isSeq, type Node, type Scalar } from '#yaml';
import type { Grammars } from '../grammars';
import type { LineIndex } from '../line-index';
import type { Include, InstallCommand, ParsedFile, ParseProblem, PipOption, Span } from '../model';
import { pushAll } from '../arrays';
import { budgetNote } from './conda';
import { parseEmbeddedRequirements } from './embedded-requirements';
import { parseEmbeddedShell } from './shell';
import { mapEntries, mapValue, parseYaml, scalarString, scalarText, seqItems, type YamlFile } from './yaml';

export function parseCogConfig(path: string, text: string, grammars?: Grammars): ParsedFile {
  const file: ParsedFile = { path, kind: 'cog', requirements: [], options: [], includes: [], problems: [], commands: [] };
  const yaml = parseYaml(text);
  pushAll(file.problems, yaml.problems);
  const doc = yaml.documents[0];
  if (!doc || doc.contents === null) return file;
  const build = mapValue(doc.contents, 'build', doc, yaml.budget)?.value ?? null;
  if (!isMap(build)) {
    if (build !== null) file.problems.push(problemAt(yaml.lines, spanOf(build), '`build` must be a mapping'));
    budgetNote(file, yaml.budget);
    return file;
  }
  const fields = new Map(mapEntries(build, doc, yaml.budget).map((e) => [e.key, e]));

  const python = fields.get('python_version')?.value;
  if (python) {
    const value = scalarString(python, text);
    const minor = value === null ? null : /^\s*(\d+\.\d+)/.exec(value);
    if (minor && isScalar(python)) {
      const mapped = scalarText(python, text);
      const at = mapped.text.indexOf(minor[1]!);
      file.targetPython = { version: minor[1]!, span: { start: mapped.starts[at] ?? mapped.whole.start, end: mapped.ends[at + minor[1]!.length - 1] ?? mapped.whole.end } };
    } else {
      file.problems.push(problemAt(yaml.lines, spanOf(python), '`python_version` must be a Python version such as "3.11"'));
    }
  }

  // The pip run of python_packages and python_requirements.
  const installed: number[] = [];
  const options: PipOption[] = [];
  const includes: Include[] = [];
  let installSpan: Span | null = null;
  const packages = fields.get('python_packages');
  if (packages?.value) {
    installSpan = spanOf(packages.value);
    if (!isSeq(packages.value)) file.problems.push(problemAt(yaml.lines, installSpan, '`python_packages` must be a list of requirements'));
    for (const item of seqItems(packages.value, doc, yaml.budget)) {
      if (!isScalar(item) || item.value === null) {
        if (!isScalar(item)) file.problems.push(problemAt(yaml.lines, spanOf(item), 'A `python_packages` entry must be a requirement string'));
        continue;
      }
      const embedded = parseEmbeddedRequirements(path, yaml.lines, scalarText(item as Scalar, text), { section: 'build.python_packages' });
      for (const r of embedded.requirements) {
        installed.push(file.requirements.length);
        file.requirements.push(r);
      }
      pushAll(options, embedded.options);
      pushAll(includes, embedded.includes);
      pushAll(file.problems, embedded.problems);
    }
  }
  const requirementsFile = fields.get('python_requirements')?.value;
  if (requirementsFile) {
    const target = isScalar(requirementsFile) ? scalarString(requirementsFile, text) : null;
    if (target && target.trim() !== '') {
      const mapped = scalarText(requirementsFile as Scalar, text);
      const span = { ...mapped.whole };
      installSpan ??= span;
      includes.push({ file: path, line: yaml.lines.positionAt(span.start).line + 1, span, kind: 'requirement', target: target.trim(), targetSpan: span, origin: { section: 'build.python_requirements' } });
    } else {
      file.problems.push(problemAt(yaml.lines, spanOf(requirementsFile), '`python_requirements` must be the path of a requirements file'));
    }
  }
  pushAll(file.options, options);
  pushAll(file.includes, includes);
  if (installSpan && (installed.length > 0 || includes.length > 0)) {
    file.commands!.push({
      file: path,
      line: yaml.lines.positionAt(installSpan.start).line + 1,
      span: installSpan,
      tool: 'cog',
      action: 'install',
      requirements: installed,
      removes: [],
      options,
      includes,
      upgrade: false,
      noDeps: false,
      forceReinstall: false,
      reachable: true,
      unquotedSpecifiers: [],
    });
  }

  const run = fields.get('run')?.value;
  if (run) readRunCommands(file, yaml, run, grammars);
  budgetNote(file, yaml.budget);
  return file;
}

/**
 * `build.run`: each command (a string, or `{command: …, mounts: …}`) kept at its place in an
 * otherwise blank copy of the file, and read by the shell parser. Folded line breaks become
 * spaces, as YAML reads them; a command written with escapes is not read (a note says so).
 */
function readRunCommands(file: ParsedFile, yaml: YamlFile, run: Node, grammars: Grammars | undefined): void {
  const doc = yaml.documents[0]!;
  if (!isSeq(run)) {
    file.problems.push(problemAt(yaml.lines, spanOf(run), '`run` must be a list of commands'));
    return;
  }
  const text = yaml.text;
  const masked = text.replace(/[^\r\n]/g, ' ').split('');
  let kept = 0;
  for (const item of seqItems(run, doc, yaml.budget)) {
    const command = isMap(item) ? mapValue(item, 'command', doc, yaml.budget)?.value : item;
    if (!isScalar(command) || typeof command.value !== 'string' || !command.range) {
      if (command !== null && command !== undefined) file.problems.push(problemAt(yaml.lines, spanOf(command), 'A `run` entry must be a command string or a `command:` mapping'));
      continue;
    }
    const [start, end] = command.range;
    let from = start;
    let to = end;
    if (command.type === 'QUOTE_DOUBLE' || command.type === 'QUOTE_SINGLE') {
      from++;
      to--;
      const inner = text.slice(from, to);
      if ((command.type === 'QUOTE_DOUBLE' && inner.includes('\\')) || (command.type === 'QUOTE_SINGLE' && inner.includes("''"))) {
        file.problems.push({ ...problemAt(yaml.lines, spanOf(command), 'Not checked: this run command is written with escapes, which Pinwise does not read as shell'), level: 'note' });
        continue;
      }
    } else if (command.type === 'BLOCK_LITERAL' || command.type === 'BLOCK_FOLDED') {
      // The body's lines (indentation is blank to the shell anyway); the `|` header is not shell.
      const header = text.indexOf('\n', start);
      from = header < 0 ? end : header + 1;
    }
    const folds = command.type !== 'BLOCK_LITERAL';
    for (let i = from; i < to; i++) {
      const c = text[i]!;
      masked[i] = folds && (c === '\n' || c === '\r') ? ' ' : c;
    }
    // Commands are separate: one written on the same line as the next ends here.
    if (to < text.length && text[to] !== '\n' && text[to] !== '\r') masked[to] = ';';
    kept++;
  }
  if (kept === 0) return;
  const shell = parseEmbeddedShell(file.path, text, masked.join(''), grammars);
  const offset = file.requirements.length;
  pushAll(file.requirements, shell.requirements);
  pushAll(file.options, shell.options);
  pushAll(file.includes, shell.includes);
  pushAll(file.problems, shell.problems);
  for (const c of shell.commands ?? []) file.commands!.push(shifted(c, offset));
}

function shifted(command: InstallCommand, offset: number): InstallCommand {
  return offset === 0 ? command : { ...command, requirements: command.requirements.map((i) => i + offset) };
}

function spanOf(node: Node | null | undefined): Span {
  const range = node?.range;
  return range ? { start: range[0], end: range[1] } : { start: 0, end: 0 };
}

function problemAt(lines: LineIndex, span: Span, message: string): ParseProblem {
  return { line: lines.positionAt(span.start).line + 1, span, message };
}

