// CI workflows: GitHub Actions (`.github/workflows/*.yml`) and GitLab CI (`.gitlab-ci.yml`). Their
// commands (`run:` steps, `script:` lists) are shell scripts, read by the shell parsers from a copy
// of the file with everything but the command blanked, so every span is where the YAML writes it.
// Each job is an environment of its own (one per matrix entry when setup-python's version comes
// from the matrix), with its Python. `${{ … }}` expressions are variables whose value is never
// looked up. Never throws.
import { isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { Grammars } from '../grammars';
import { pushAll } from '../arrays';
import { LineIndex } from '../line-index';
import type { CommandScope, InstallCommand, ParsedFile, Span } from '../model';
import type { MappedText } from './pyproject';
import { parseShellScript } from './shell';
import { parseBatchFile, parsePowerShellScript } from './windows-scripts';
import { mapEntries, mapValue, nodeSpan, parseYaml, scalarString, scalarText, seqItems, type YamlFile } from './yaml';

type Shell = 'bash' | 'pwsh' | 'cmd' | 'other';

/** One command text to read: a `run:` step or a `script:` line, with the job it belongs to. */
interface CommandText {
  node: Node;
  shell: Shell;
  scopes: string[];
  /** Where `-r` paths are looked for (a step's `working-directory`), project-relative; '' for the root. */
  directory: string;
}

/** Masked copies read by the shell parsers cost a file length each: past this many, the rest is a note. */
const maxMaskedCharacters = 64_000_000;

class WorkflowReader {
  readonly file: ParsedFile;
  private readonly yaml: YamlFile;
  private readonly texts: CommandText[] = [];
  private readonly scopes: CommandScope[] = [];

  constructor(
    kind: 'github-workflow' | 'gitlab-ci',
    private readonly path: string,
    private readonly text: string,
    private readonly grammars: Grammars | undefined,
  ) {
    this.file = { path, kind, requirements: [], options: [], includes: [], problems: [], commands: [], scopes: this.scopes };
    this.yaml = parseYaml(text);
    for (const problem of this.yaml.problems) this.file.problems.push(problem);
  }

  get doc(): Document.Parsed | undefined {
    return this.yaml.documents[0];
  }

  entries(node: unknown) {
    return this.doc ? mapEntries(node, this.doc, this.yaml.budget) : [];
  }

  value(node: unknown, key: string): Node | null {
    return this.doc ? (mapValue(node, key, this.doc, this.yaml.budget)?.value ?? null) : null;
  }

  items(node: unknown): Node[] {
    return this.doc ? seqItems(node, this.doc, this.yaml.budget) : [];
  }

  string(node: unknown): string | null {
    return scalarString(node, this.text);
  }

  addScope(scope: CommandScope): void {
    this.scopes.push(scope);
  }

  addCommand(command: CommandText): void {
    this.texts.push(command);
  }

  /** Reads every collected command with its shell's parser, into the workflow's one model. */
  finish(): ParsedFile {
    if (this.yaml.budget.exhausted) this.note({ start: 0, end: 0 }, 'its aliases and merge keys reach past the budget of YAML nodes one file may visit; the rest was not read');
    if (this.texts.some((t) => t.shell === 'bash') && !this.grammars) return this.file;
    const lines = new LineIndex(this.text);
    let masked = 0;
    for (const command of this.texts) {
      if (command.shell === 'other' || !isScalar(command.node)) continue;
      const mapped = scalarText(command.node, this.text);
      if (!mappedExactly(mapped)) {
        this.note(nodeSpan(command.node) ?? { start: 0, end: 0 }, 'a command whose YAML text could not be mapped character by character was not read');
        continue;
      }
      if ((masked += this.text.length) > maxMaskedCharacters) {
        this.note(nodeSpan(command.node) ?? { start: 0, end: 0 }, `the commands from here on were not read: the budget for reading commands (${maxMaskedCharacters / 1_000_000} M characters of copies) was reached`);
        break;
      }
      const { text: script, expressions } = maskedScript(this.text, mapped);
      const parsed =
        command.shell === 'bash' ? parseShellScript(this.path, script, this.grammars) : command.shell === 'pwsh' ? parsePowerShellScript(this.path, script) : parseBatchFile(this.path, script);
      this.merge(parsed, command, expressions, lines);
    }
    return this.file;
  }

  private note(span: Span, why: string): void {
    const lines = new LineIndex(this.text);
    this.file.problems.push({ line: lines.positionAt(span.start).line + 1, span, message: `Not fully checked: ${why}.`, level: 'note' });
  }

  /** One command's parse into the file's model: requirements reindexed, lines of the real text, `${{ }}` words dropped. */
  private merge(parsed: ParsedFile, command: CommandText, expressions: Span[], lines: LineIndex): void {
    const overlaps = (span: Span | null) => !!span && expressions.some((e) => span.start < e.end && e.start < span.end);
    const line = (span: Span) => lines.positionAt(span.start).line + 1;
    const index = new Map<number, number>();
    parsed.requirements.forEach((requirement, i) => {
      if (overlaps(requirement.span)) return;
      index.set(i, this.file.requirements.length);
      this.file.requirements.push({ ...requirement, line: line(requirement.span) });
    });
    for (const problem of parsed.problems) {
      if (problem.level !== 'note' && overlaps(problem.span)) continue;
      this.file.problems.push({ ...problem, line: line(problem.span) });
    }
    for (const c of parsed.commands ?? []) {
      const includes = c.includes.map((include) => ({ ...include, line: line(include.span), target: inDirectory(command.directory, include.target) }));
      const options = c.options.map((option) => ({ ...option, line: line(option.span) }));
      const merged: InstallCommand = {
        ...c,
        line: line(c.span),
        requirements: c.requirements.flatMap((i) => (index.has(i) ? [index.get(i)!] : [])),
        includes,
        options,
        unquotedSpecifiers: c.unquotedSpecifiers.map((u) => ({ ...u, ...(quoteInside(command.node) ? { avoidQuote: quoteInside(command.node)! } : {}) })),
        scopes: command.scopes,
      };
      this.file.commands!.push(merged);
      for (const option of options) this.file.options.push(option);
      for (const include of includes) this.file.includes.push(include);
    }
  }
}

/** The quote character of a quoted YAML scalar (a fix must not write it unescaped there), or null. */
function quoteInside(node: Node): "'" | '"' | null {
  if (!isScalar(node)) return null;
  return node.type === 'QUOTE_SINGLE' ? "'" : node.type === 'QUOTE_DOUBLE' ? '"' : null;
}

/** Each character of the value maps to its own place, in order (not the whole-value fallback). */
function mappedExactly(mapped: MappedText): boolean {
  for (let i = 0; i < mapped.text.length; i++) {
    if (mapped.ends[i]! <= mapped.starts[i]!) return false;
    if (i > 0 && mapped.starts[i]! < mapped.ends[i - 1]!) return false;
  }
  return true;
}

/**
 * A copy of the file with only the command left, each character at its written place: a
 * character written as an escape or a folded line break sits at one end of what wrote it, the
 * rest is blank. `${{ … }}` becomes `${___}` (a variable the shells never know) of the same length.
 */
function maskedScript(text: string, mapped: MappedText): { text: string; expressions: Span[] } {
  const out: string[] = text.split('').map((c) => (c === '\n' || c === '\r' ? c : ' '));
  const value = mapped.text;
  const expressions: Span[] = [];
  const replaced = value.split('');
  for (const m of value.matchAll(/\$\{\{[\s\S]*?\}\}/g)) {
    const length = m[0].length;
    const filler = '${' + '_'.repeat(length - 3) + '}';
    for (let k = 0; k < length; k++) replaced[m.index + k] = filler[k]!;
    expressions.push({ start: mapped.starts[m.index]!, end: mapped.ends[m.index + length - 1]! });
  }
  for (let i = 0; i < replaced.length; i++) {
    const start = mapped.starts[i]!;
    const end = mapped.ends[i]!;
    for (let k = start; k < end; k++) out[k] = ' ';
    // A character written as several (`\\"`, `''`, a folded break) sits next to its neighbours, so a
    // word is not split: beside the next character when that one follows at once, else beside the previous.
    const nextAdjacent = i + 1 < replaced.length && mapped.starts[i + 1] === end;
    const previousAdjacent = i > 0 && mapped.ends[i - 1] === start;
    out[nextAdjacent || !previousAdjacent ? end - 1 : start] = replaced[i]!;
  }
  return { text: out.join(''), expressions };
}

/** A `-r` target of a step run in `directory`, as a project path (left alone when absolute or a variable). */
function inDirectory(directory: string, target: string): string {
  if (!directory || target.startsWith('/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(target) || /[$%`]/.test(target)) return target;
  return `${directory.replace(/\/+$/, '')}/${target}`;
}

/** `3.11`, `"3.10"`, `3.12.1` → X.Y; `3.x`, `pypy3.9`, `>=3.9` and expressions → null. */
function pythonMinor(value: string | null): string | null {
  const m = /^\s*(3\.\d+)(?:\.\d+)?\s*$/.exec(value ?? '');
  return m ? m[1]! : null;
}

/** The span of a scalar's value without its quotes. */
function valueSpan(text: string, node: Node): Span | null {
  if (!isScalar(node)) return null;
  const mapped = scalarText(node, text);
  return { ...mapped.whole };
}

// ---------------------------------------------------------------------------------------------
// GitHub Actions

/** A GitHub Actions workflow: each job (each matrix entry of setup-python's version) an environment. */
export function parseGithubWorkflow(path: string, text: string, grammars?: Grammars): ParsedFile {
  const reader = new WorkflowReader('github-workflow', path, text, grammars);
  try {
    readGithub(reader, text);
    return reader.finish();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    reader.file.problems.push({ line: 1, span: { start: 0, end: 0 }, message: 'Not fully checked: its YAML nests too deeply to follow.', level: 'note' });
    return reader.file;
  }
}

function readGithub(reader: WorkflowReader, text: string): void {
  const root = reader.doc?.contents;
  if (!isMap(root)) return;
  const workflowDefaults = reader.value(reader.value(root, 'defaults'), 'run');
  for (const job of reader.entries(reader.value(root, 'jobs'))) {
    if (job.key === null || !isMap(job.value)) continue;
    const jobDefaults = reader.value(reader.value(job.value, 'defaults'), 'run');
    const runsOn = reader.value(job.value, 'runs-on');
    const runsOnText = isSeq(runsOn) ? reader.items(runsOn).map((n) => reader.string(n) ?? '').join(' ') : (reader.string(runsOn) ?? '');
    const windows = /windows/i.test(runsOnText) && !runsOnText.includes('${{');
    const defaultShell = reader.string(reader.value(jobDefaults, 'shell')) ?? reader.string(reader.value(workflowDefaults, 'shell'));
    const defaultDirectory = reader.string(reader.value(jobDefaults, 'working-directory')) ?? reader.string(reader.value(workflowDefaults, 'working-directory'));
    const steps = reader.items(reader.value(job.value, 'steps'));
    const scopes = githubScopes(reader, text, job.key, job.value, steps);
    for (const scope of scopes) reader.addScope(scope);
    const ids = scopes.map((s) => s.id);
    for (const step of steps) {
      const run = reader.value(step, 'run');
      if (!run || !isScalar(run)) continue;
      const shell = shellOf(reader.string(reader.value(step, 'shell')) ?? defaultShell, windows);
      const directory = reader.string(reader.value(step, 'working-directory')) ?? defaultDirectory ?? '';
      reader.addCommand({ node: run, shell, scopes: ids, directory: /\$\{\{/.test(directory) ? '' : directory.replace(/^\.\/?/, '') });
    }
  }
}

/** GitHub's `shell:` (a name, or a command template like `bash -e {0}`); Windows runners default to pwsh. */
function shellOf(shell: string | null, windows: boolean): Shell {
  const name = (shell ?? (windows ? 'pwsh' : 'bash')).trim().split(/\s+/)[0]!.toLowerCase();
  if (name === 'bash' || name === 'sh') return 'bash';
  if (name === 'pwsh' || name === 'powershell') return 'pwsh';
  if (name === 'cmd') return 'cmd';
  return 'other';
}

/**
 * The job's environments: one per Python its setup-python step installs — the literal version,
 * or each value of the matrix key it names (`${{ matrix.python-version }}`, with `include` rows).
 */
function githubScopes(reader: WorkflowReader, text: string, jobId: string, job: Node, steps: Node[]): CommandScope[] {
  const setup = steps.find((step) => /^actions\/setup-python@/.test(reader.string(reader.value(step, 'uses')) ?? ''));
  const versionNode = setup ? reader.value(reader.value(setup, 'with'), 'python-version') : null;
  const written = reader.string(versionNode);
  const one = (python?: { version: string; span: Span }): CommandScope[] => [{ id: jobId, label: python ? `job ${jobId}, python ${python.version}` : `job ${jobId}`, ...(python ? { python } : {}) }];
  if (!versionNode) {
    // `python-version-file: .python-version` (or a pyproject's requires-python): read where the project reads it.
    const file = reader.string(reader.value(reader.value(setup ?? null, 'with'), 'python-version-file'));
    if (file && !file.includes('${{')) return [{ id: jobId, label: `job ${jobId}, python from ${file}`, pythonFile: file.trim().replace(/^\.\//, '') }];
    return one();
  }
  const matrixKey = /^\s*\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}\s*$/.exec(written ?? '')?.[1];
  if (!matrixKey) {
    // A list installs several Pythons; the last one is the default `python`.
    const literal = isSeq(versionNode) ? reader.items(versionNode).at(-1) ?? null : versionNode;
    const version = pythonMinor(reader.string(literal));
    const span = literal ? valueSpan(text, literal) : null;
    return one(version && span ? { version, span } : undefined);
  }
  const matrix = reader.value(reader.value(job, 'strategy'), 'matrix');
  const values: Node[] = [...reader.items(reader.value(matrix, matrixKey))];
  for (const row of reader.items(reader.value(matrix, 'include'))) {
    const value = reader.value(row, matrixKey);
    if (value) values.push(value);
  }
  const scopes: CommandScope[] = [];
  const seen = new Set<string>();
  for (const node of values) {
    const version = pythonMinor(reader.string(node));
    const span = valueSpan(text, node);
    if (!version || !span || seen.has(version)) continue;
    seen.add(version);
    scopes.push({ id: `${jobId}[python ${version}]`, label: `job ${jobId}, python ${version}`, python: { version, span } });
  }
  return scopes.length > 0 ? scopes : one();
}


// ---------------------------------------------------------------------------------------------
// GitLab CI

/** Top-level keys of `.gitlab-ci.yml` that are not jobs. */
const gitlabReserved = new Set(['image', 'services', 'stages', 'types', 'before_script', 'after_script', 'variables', 'cache', 'include', 'default', 'workflow', 'spec']);

/** A `.gitlab-ci.yml`: each job (with `extends` and `!reference` followed) an environment, its image's Python. */
export function parseGitlabCi(path: string, text: string, grammars?: Grammars): ParsedFile {
  const reader = new WorkflowReader('gitlab-ci', path, text, grammars);
  try {
    readGitlab(reader, text);
    return reader.finish();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    reader.file.problems.push({ line: 1, span: { start: 0, end: 0 }, message: 'Not fully checked: its YAML nests too deeply to follow.', level: 'note' });
    return reader.file;
  }
}

function readGitlab(reader: WorkflowReader, text: string): void {
  const root = reader.doc?.contents;
  if (!isMap(root)) return;
  const jobs = new Map<string, Node>();
  for (const entry of reader.entries(root)) if (entry.key !== null && isMap(entry.value)) jobs.set(entry.key, entry.value);
  const defaults = reader.value(root, 'default');
  /** A job's key, through `extends` (later parents win over earlier ones, the job over all). */
  const lookup = (job: Node, name: string, depth = 0): Node | null => {
    const own = reader.value(job, name);
    if (own || depth > 10) return own;
    const extended = reader.value(job, 'extends');
    const parents = isSeq(extended) ? reader.items(extended) : extended ? [extended] : [];
    for (const parent of [...parents].reverse()) {
      const parentJob = jobs.get(reader.string(parent) ?? '');
      const found = parentJob ? lookup(parentJob, name, depth + 1) : null;
      if (found) return found;
    }
    return null;
  };
  /** Script lines, `!reference [job, key]` entries followed. */
  const lines = (node: Node | null, depth = 0): Node[] => {
    if (!node) return [];
    if (isScalar(node)) return [node];
    const out: Node[] = [];
    for (const item of reader.items(node)) {
      if (isSeq(item) && item.tag === '!reference' && depth < 10) {
        const [jobName, keyName] = reader.items(item).map((n) => reader.string(n) ?? '');
        const target = jobName === undefined ? null : jobName === 'default' ? defaults : (jobs.get(jobName) ?? null);
        pushAll(out, lines(target && keyName ? lookup(target, keyName) : null, depth + 1));
      } else if (isScalar(item)) out.push(item);
      else if (isSeq(item)) pushAll(out, lines(item, depth + 1));
    }
    return out;
  };
  for (const [name, job] of jobs) {
    if (gitlabReserved.has(name) || name.startsWith('.')) continue;
    const script = lookup(job, 'script');
    if (!script) continue;
    const image = lookup(job, 'image') ?? reader.value(defaults, 'image') ?? reader.value(root, 'image');
    const imageName = isMap(image) ? reader.value(image, 'name') : image;
    const scopes = gitlabScopes(reader, text, name, imageName, [reader.value(root, 'variables'), lookup(job, 'variables')], reader.value(lookup(job, 'parallel'), 'matrix'));
    for (const scope of scopes) reader.addScope(scope);
    const before = lookup(job, 'before_script') ?? reader.value(defaults, 'before_script') ?? reader.value(root, 'before_script');
    const after = lookup(job, 'after_script') ?? reader.value(defaults, 'after_script') ?? reader.value(root, 'after_script');
    const ids = scopes.map((s) => s.id);
    for (const node of [...lines(before), ...lines(script), ...lines(after)]) reader.addCommand({ node, shell: 'bash', scopes: ids, directory: '' });
  }
}

/**
 * A GitLab job's environments: one per image it runs (`image:` is the job's container, as FROM is a
 * stage's: what the image gives — its Python, preinstalled packages, accelerator — is read from the
 * knowledge base, rules/docker-images.yaml, when the project is built). An image written with a
 * variable (`python:$PYTHON_VERSION`) takes it from `parallel: matrix:` (one environment per value,
 * the finding pointing at that value) or from `variables:` (the job's over the top level's);
 * otherwise it is unknown.
 */
function gitlabScopes(reader: WorkflowReader, text: string, job: string, imageNode: Node | null, variableMaps: (Node | null)[], matrix: Node | null): CommandScope[] {
  const lines = new LineIndex(text);
  const scope = (id: string, image: { reference: string; span: Span; literal: boolean } | null): CommandScope => ({
    id,
    label: `job ${job}`,
    ...(image ? { baseImage: { ...image, line: lines.positionAt(image.span.start).line + 1 }, labelsPython: true } : {}),
  });
  const written = reader.string(imageNode)?.trim() ?? null;
  const writtenSpan = imageNode ? valueSpan(text, imageNode) : null;
  const variable = /^[^$]*\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(written ?? '');
  if (!written || !writtenSpan) return [scope(job, null)];
  if (!variable) return [scope(job, { reference: written, span: writtenSpan, literal: text.slice(writtenSpan.start, writtenSpan.end) === written })];
  const name = variable[1] ?? variable[2]!;
  const withValue = (value: Node): { reference: string; span: Span; literal: boolean } | null => {
    const span = valueSpan(text, value);
    const reference = written.replace(variable[0].slice(variable[0].indexOf('$')), reader.string(value)?.trim() ?? '');
    return span && !reference.includes('$') ? { reference, span, literal: false } : null;
  };
  const scopes: CommandScope[] = [];
  const seen = new Set<string>();
  for (const row of reader.items(matrix)) {
    const values = reader.value(row, name);
    for (const value of values ? (isSeq(values) ? reader.items(values) : [values]) : []) {
      const image = withValue(value);
      if (!image || seen.has(image.reference)) continue;
      seen.add(image.reference);
      scopes.push(scope(`${job}[${name} ${reader.string(value)?.trim()}]`, image));
    }
  }
  if (scopes.length > 0) return scopes;
  for (const variables of [...variableMaps].reverse()) {
    const value = reader.value(variables, name);
    const image = value && isScalar(value) ? withValue(value) : null;
    if (image) return [scope(job, image)];
  }
  return [scope(job, null)];
}
