// The file-kind registry: every kind of file Pinwise reads, and everything about it that other
// parts need — which paths are of the kind, how content decides the rest, its parser, how its
// pins form environments, where its includes are looked for, and what the editor watches and
// selects. The server's watched globs, the client's document selector and the manifest's
// activation events are generated from it (scripts/gen-manifest.ts); nothing else lists kinds.
//
// Adding a kind: a name in `FileKind` (model.ts), its parser in parsers/, one entry below (the
// `satisfies` makes a kind without an entry a compile error), and its tests.
import type { Grammars } from './grammars';
import type { FileKind, ParsedFile, SourceFile } from './model';
import { parsePythonFile } from './parsers/python';
import { parsePyproject } from './parsers/pyproject';
import { parseRequirementsFile } from './parsers/requirements';
import { parseDockerfile } from './parsers/dockerfile';
import { parseNotebook } from './parsers/notebook';
import { parseShellScript } from './parsers/shell';
import { parseBatchFile, parsePowerShellScript } from './parsers/windows-scripts';
import { parseGithubWorkflow, parseGitlabCi } from './parsers/ci';
import type { CommentStyle } from './suppressions';
import { parsePdmLock, parsePoetryLock, parsePylock, parseUvLock } from './parsers/locks';
import { parsePipfileLock } from './parsers/pipfile-lock';
import { looksLikeCondaEnvironment, parseCondaEnvironment } from './parsers/conda';
import { parseCogConfig } from './parsers/cog';
import { parseSetupCfg } from './parsers/setup-cfg';
import { parseSetupPy } from './parsers/setup-py';
import { parsePipfile } from './parsers/pipfile';

/**
 * How a kind's pins become environments (see project.ts):
 * - `requirements`: a file no other requirements file includes is an install of its own, with its includes;
 * - `declaration`: a project declaration — the base install, one per extra and group over it, the build
 *   environment (requirements say which by `origin.scope`, or pyproject's section names);
 * - `script`: commands run in order (a later install of a package replaces an earlier one), one
 *   environment per `commands[].scope` (a CI job), or one for the file;
 * - `none`: read for other facts (a `.py` file's API uses, `.python-version`).
 */
export type EnvironmentRole = 'requirements' | 'declaration' | 'script' | 'none';

export interface FileKindSpec {
  kind: FileKind;
  /** What the README's file-kind table calls it. */
  title: string;
  /** The names it is read from, for the README. */
  names: string;
  /** Whether a project path (`/` separators, folders included) is of this kind by its name alone. */
  matchesPath(path: string): boolean;
  /**
   * For a path no kind claims by name: whether the content makes it this kind (a `#!` line, a
   * requirements file under another name). `path` is checked first, so only candidates are read.
   */
  sniff?: {
    candidate(path: string): boolean;
    matches(text: string): boolean;
    /** The candidates as globs, watched and selected too (never activating: most are not ours). */
    globs: string[];
  };
  parse(source: SourceFile, grammars?: Grammars): ParsedFile;
  environments: EnvironmentRole;
  /**
   * Its commands run from the project root (a script, a CI step): an include is looked for beside
   * the file, then from the root; and `$NAME` in a target is a shell variable, never looked for.
   */
  runsCommands: boolean;
  /** Files of the kind, as workspace globs: what the editor watches (and what activates it, if `activates`). */
  globs: string[];
  /** VS Code language ids its documents may carry (none: selected by `globs`). */
  languages: string[];
  /** A workspace holding one is a Python dependency project: the extension starts. */
  activates: boolean;
  /** How `pinwise: ignore` comments are written (`rem`: `REM …` / `:: …` lines of cmd.exe), or null when the format has no comments. */
  comment: CommentStyle | null;
  /** Its parser needs the tree-sitter grammars: until they load, its files read as empty. */
  needsGrammars: boolean;
  /**
   * A file a tool writes (a lock): findings never edit it (their fixes are dropped and the message
   * says to regenerate it with `by`), and it is meant to agree with the files it is generated
   * `from` (project paths beside it), which inconsistent-pins checks.
   */
  generated?: { by: string; from(path: string): string[] };
  /**
   * The editor's notebook type for files it opens as notebooks (`jupyter-notebook`): their cells
   * reach the server by notebook document sync, their code cells are selected, and opening one starts the extension.
   */
  notebookType?: string;
}

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
const parentName = (path: string): string => path.split('/').slice(-2, -1)[0] ?? '';

const requirementsName = /^(?:.*[-_.])?(?:requirements?|requirments?|constraints|reqs|deps)(?:[-_.].*)?\.(?:txt|in)$/i;

/** A requirements file by its name: `requirements*.txt`, `*-constraints.in`, `req.txt`, `deps.txt`, `*.pip`, anything in `requirements/`. */
export function isRequirementsName(path: string): boolean {
  const base = baseName(path);
  if (requirementsName.test(base) || /^req\.(?:txt|in)$/i.test(base) || /\.pip$/i.test(base)) return true;
  return /^requirements?$/i.test(parentName(path)) && /\.(?:txt|in)$/i.test(base);
}

/** Dockerfile-like names: their RUN lines are shell. */
export function isDockerfileName(path: string): boolean {
  const base = baseName(path);
  return /^(?:Dockerfile|Containerfile)(?:[._-].*)?$/i.test(base) || /\.(?:dockerfile|containerfile)$/i.test(base);
}

// The interpreter is an absolute path to the shell itself, or to `env` (with its options) naming it.
const shellShebang = /^#![ \t]*\/(?:[\w.+-]+\/)*(?:(?:ba|da|z|k)?sh|env(?:[ \t]+-\S+)*[ \t]+(?:ba|da|z|k)?sh)(?=[ \t\r\n]|$)/;

/** A `#!` line naming a POSIX-style shell: `#!/bin/sh`, `#!/usr/bin/env bash`, `#!/usr/bin/env -S bash -e`, dash, zsh, ksh. */
export function hasShellShebang(text: string): boolean {
  return shellShebang.test(text.slice(text.charCodeAt(0) === 0xfeff ? 1 : 0, 256));
}

/** Whether a file name has no extension (`install`, `scripts/setup`), so its kind can only come from its content. */
export function isExtensionless(path: string): boolean {
  const base = baseName(path);
  return base.length > 0 && !base.includes('.');
}

/** How much of a file content sniffing reads: enough lines to judge, never the whole of a big file. */
export const sniffBytes = 16 * 1024;

const requirementLine = /^(?:[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]\n]*\])?\s*(?:(?:===?|~=|!=|<=?|>=?)\s*[A-Za-z0-9*.+!_-]+(?:\s*,\s*(?:===?|~=|!=|<=?|>=?)\s*[A-Za-z0-9*.+!_-]+)*)?\s*(?:;[^#\n]*)?|-[rce]\s+\S+|--(?:requirement|constraint|editable|index-url|extra-index-url|find-links|pre|no-index)(?:[ =]\S+)?|(?:git\+)?https?:\/\/\S+)\s*(?:\s#.*)?$/;
const nameOnly = /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\s#.*)?$/;

/**
 * Whether a `.txt` file under another name is a requirements file: nearly every line that is not
 * blank or a comment reads as a requirement or a pip option, and at least three name a package
 * with a version or an option (a word list or prose is not a requirements file).
 */
export function looksLikeRequirements(text: string): boolean {
  let lines = 0;
  let good = 0;
  let specific = 0;
  for (const raw of text.slice(0, sniffBytes).split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    lines++;
    if (!requirementLine.test(line)) continue;
    good++;
    if (!nameOnly.test(line)) specific++;
  }
  return lines > 0 && specific >= 3 && good >= lines * 0.9;
}

/** The path of `name` in the folder of `path`. */
const beside = (path: string, name: string): string => (path.includes('/') ? `${path.slice(0, path.lastIndexOf('/'))}/${name}` : name);

/** PEP 751 names: `pylock.toml`, or `pylock.<name>.toml` (lowercase prefix and suffix). */
export const isPylockName = (path: string): boolean => /^pylock\.(?:[^.\/]+\.)?toml$/.test(baseName(path));

/** A parse that cannot fail to exist: the kinds with no content of their own (read by other code). */
const noModel = (kind: FileKind) => (source: SourceFile): ParsedFile => ({ path: source.path, kind, requirements: [], options: [], includes: [], problems: [] });

export const fileKinds = {
  requirements: {
    kind: 'requirements',
    title: 'Requirements and constraints files',
    names: '`requirements*.txt` and `.in`, `*constraints*`, `*reqs*`, `req.txt`, `deps*.txt`, `requirments*.txt`, `*.pip`, any `.txt`/`.in` in `requirements/`, any file reached by `-r`/`-c`, and any other `.txt` whose lines are requirements',
    matchesPath: isRequirementsName,
    sniff: { candidate: (path) => /\.txt$/i.test(path), matches: looksLikeRequirements, globs: ['**/*.txt'] },
    parse: (source) => parseRequirementsFile(source.path, source.text),
    environments: 'requirements',
    runsCommands: false,
    globs: ['**/*requirement*.{txt,in}', '**/*requirment*.{txt,in}', '**/*constraints*.{txt,in}', '**/*reqs*.{txt,in}', '**/req.{txt,in}', '**/deps*.{txt,in}', '**/requirements/*.{txt,in}', '**/*.pip'],
    languages: ['pip-requirements'],
    activates: true,
    comment: '#',
    needsGrammars: false,
  },
  pyproject: {
    kind: 'pyproject',
    title: 'pyproject.toml',
    names: '`pyproject.toml` (PEP 621, PEP 735 groups, Poetry, uv, PDM)',
    matchesPath: (path) => baseName(path) === 'pyproject.toml',
    parse: (source) => parsePyproject(source.path, source.text),
    environments: 'declaration',
    runsCommands: false,
    globs: ['**/pyproject.toml'],
    languages: ['toml'],
    activates: true,
    comment: '#',
    needsGrammars: false,
  },
  'setup-py': {
    kind: 'setup-py',
    title: 'setup.py',
    names: '`setup.py`, read statically (never run): literal `install_requires`, `extras_require`, `setup_requires`, `python_requires`, names bound to literals, `open("requirements.txt")` reads',
    matchesPath: (path) => baseName(path) === 'setup.py',
    parse: (source, grammars) => parseSetupPy(source.path, source.text, grammars),
    environments: 'declaration',
    runsCommands: false,
    globs: ['**/setup.py'],
    languages: [],
    activates: true,
    comment: '#',
    needsGrammars: true,
  },
  'setup-cfg': {
    kind: 'setup-cfg',
    title: 'setup.cfg',
    names: '`setup.cfg` (setuptools: `[options]` `install_requires` and `python_requires`, `[options.extras_require]`)',
    matchesPath: (path) => baseName(path) === 'setup.cfg',
    parse: (source) => parseSetupCfg(source.path, source.text),
    environments: 'declaration',
    runsCommands: false,
    globs: ['**/setup.cfg'],
    languages: [],
    activates: true,
    comment: '#',
    needsGrammars: false,
  },
  pipfile: {
    kind: 'pipfile',
    title: 'Pipfile',
    names: '`Pipfile` (pipenv: `[packages]`, `[dev-packages]` and other categories, `[requires]`, `[[source]]`)',
    matchesPath: (path) => baseName(path) === 'Pipfile',
    parse: (source) => parsePipfile(source.path, source.text),
    environments: 'declaration',
    runsCommands: false,
    globs: ['**/Pipfile'],
    languages: [],
    activates: true,
    comment: '#',
    needsGrammars: false,
  },
  shell: {
    kind: 'shell',
    title: 'Shell scripts',
    names: '`*.sh`, `*.bash`, and files without an extension that start with a `sh`/`bash`/`zsh` `#!` line',
    matchesPath: (path) => /\.(?:sh|bash)$/i.test(path),
    sniff: { candidate: isExtensionless, matches: hasShellShebang, globs: [] },
    parse: (source, grammars) => parseShellScript(source.path, source.text, grammars),
    environments: 'script',
    runsCommands: true,
    globs: ['**/*.{sh,bash}'],
    languages: ['shellscript'],
    activates: false,
    comment: '#',
    needsGrammars: true,
  },
  dockerfile: {
    kind: 'dockerfile',
    title: 'Dockerfiles',
    names: '`Dockerfile`, `Dockerfile.*`, `Containerfile`, `*.dockerfile`',
    matchesPath: isDockerfileName,
    parse: (source, grammars) => parseDockerfile(source.path, source.text, grammars),
    environments: 'script',
    runsCommands: true,
    globs: ['**/{Dockerfile,Containerfile}', '**/{Dockerfile,Containerfile}.*', '**/*.{dockerfile,containerfile}'],
    languages: ['dockerfile'],
    activates: false,
    comment: '#',
    needsGrammars: true,
  },
  'python-version': {
    kind: 'python-version',
    title: '.python-version',
    names: '`.python-version` at the project root (pyenv, uv)',
    matchesPath: (path) => baseName(path) === '.python-version',
    parse: noModel('python-version'),
    environments: 'none',
    runsCommands: false,
    globs: ['**/.python-version'],
    languages: [],
    activates: false,
    comment: null,
    needsGrammars: false,
  },
  python: {
    kind: 'python',
    title: 'Python code',
    names: '`*.py`, `*.pyi` (for `deprecated-api`), and the pip commands of launchers: a string literal `"pip install …"` bound to a name or given as a default',
    matchesPath: (path) => /\.pyi?$/i.test(path),
    parse: (source, grammars) => parsePythonFile(source.path, source.text, grammars),
    // A launcher's pip commands run in order, like a script's, from the project root.
    environments: 'script',
    runsCommands: true,
    globs: ['**/*.{py,pyi}'],
    languages: ['python'],
    activates: false,
    comment: '#',
    needsGrammars: true,
  },
  batch: {
    kind: 'batch',
    title: 'Windows batch files',
    names: '`*.bat`, `*.cmd` (cmd.exe: `set` variables, `call`, `if`/`for` blocks, `^` continuations)',
    matchesPath: (path) => /\.(?:bat|cmd)$/i.test(path),
    parse: (source) => parseBatchFile(source.path, source.text),
    environments: 'script',
    runsCommands: true,
    globs: ['**/*.{bat,cmd,BAT,CMD,Bat,Cmd}'],
    languages: ['bat'],
    activates: false,
    comment: 'rem',
    needsGrammars: false,
  },
  powershell: {
    kind: 'powershell',
    title: 'PowerShell scripts',
    names: '`*.ps1`',
    matchesPath: (path) => /\.ps1$/i.test(path),
    parse: (source) => parsePowerShellScript(source.path, source.text),
    environments: 'script',
    runsCommands: true,
    globs: ['**/*.ps1'],
    languages: ['powershell'],
    activates: false,
    comment: '#',
    needsGrammars: false,
  },
  'uv-lock': {
    kind: 'uv-lock',
    title: 'uv lock file',
    names: '`uv.lock`',
    matchesPath: (path) => baseName(path) === 'uv.lock',
    parse: (source) => parseUvLock(source.path, source.text),
    environments: 'declaration',
    runsCommands: false,
    globs: ['**/uv.lock'],
    languages: [],
    activates: true,
    comment: '#',
    needsGrammars: false,
    generated: { by: 'uv lock', from: (path) => [beside(path, 'pyproject.toml')] },
  },
  'poetry-lock': {
    kind: 'poetry-lock',
    title: 'Poetry lock file',
    names: '`poetry.lock`',
    matchesPath: (path) => baseName(path) === 'poetry.lock',
    parse: (source) => parsePoetryLock(source.path, source.text),
    environments: 'declaration',
    runsCommands: false,
    globs: ['**/poetry.lock'],
    languages: [],
    activates: true,
    comment: '#',
    needsGrammars: false,
    generated: { by: 'poetry lock', from: (path) => [beside(path, 'pyproject.toml')] },
  },
  'pdm-lock': {
    kind: 'pdm-lock',
    title: 'PDM lock file',
    names: '`pdm.lock`',
    matchesPath: (path) => baseName(path) === 'pdm.lock',
    parse: (source) => parsePdmLock(source.path, source.text),
    environments: 'declaration',
    runsCommands: false,
    globs: ['**/pdm.lock'],
    languages: [],
    activates: true,
    comment: '#',
    needsGrammars: false,
    generated: { by: 'pdm lock', from: (path) => [beside(path, 'pyproject.toml')] },
  },
  'pipfile-lock': {
    kind: 'pipfile-lock',
    title: 'Pipfile.lock',
    names: '`Pipfile.lock` (pipenv)',
    matchesPath: (path) => baseName(path) === 'Pipfile.lock',
    parse: (source) => parsePipfileLock(source.path, source.text),
    environments: 'declaration',
    runsCommands: false,
    globs: ['**/Pipfile.lock'],
    languages: [],
    activates: true,
    comment: null,
    needsGrammars: false,
    generated: { by: 'pipenv lock', from: (path) => [beside(path, 'Pipfile')] },
  },
  pylock: {
    kind: 'pylock',
    title: 'PEP 751 lock file',
    names: '`pylock.toml`, `pylock.<name>.toml`',
    matchesPath: isPylockName,
    parse: (source) => parsePylock(source.path, source.text),
    environments: 'declaration',
    runsCommands: false,
    globs: ['**/pylock.toml', '**/pylock.?*.toml'],
    languages: [],
    activates: true,
    comment: '#',
    needsGrammars: false,
    generated: { by: 'with the tool its `created-by` names', from: (path) => [beside(path, 'pyproject.toml')] },
  },
  conda: {
    kind: 'conda',
    title: 'Conda environment files',
    names: '`environment*.yml`/`.yaml`, `conda*.yml`/`.yaml`, and any other YAML file with top-level `dependencies:` and `channels:`',
    matchesPath: (path) => /^(?:environment|conda)[^/]*\.ya?ml$/i.test(baseName(path)),
    sniff: { candidate: (path) => /\.ya?ml$/i.test(path), matches: looksLikeCondaEnvironment, globs: ['**/*.{yml,yaml}'] },
    parse: (source) => parseCondaEnvironment(source.path, source.text),
    environments: 'declaration',
    runsCommands: false,
    globs: ['**/{environment,conda}*.{yml,yaml}'],
    languages: [],
    activates: true,
    comment: '#',
    needsGrammars: false,
  },
  cog: {
    kind: 'cog',
    title: "Replicate's cog.yaml",
    names: '`cog.yaml`',
    matchesPath: (path) => baseName(path) === 'cog.yaml',
    parse: (source, grammars) => parseCogConfig(source.path, source.text, grammars),
    environments: 'script',
    runsCommands: true,
    globs: ['**/cog.yaml'],
    languages: [],
    activates: true,
    comment: '#',
    needsGrammars: true,
  },
  notebook: {
    kind: 'notebook',
    title: 'Jupyter notebooks',
    names: '`*.ipynb` (nbformat 4): `%pip` / `!pip` lines, and code cells for `deprecated-api`',
    matchesPath: (path) => /\.ipynb$/i.test(path),
    parse: (source, grammars) => parseNotebook(source.path, source.text, grammars),
    environments: 'script',
    // `!pip install -r requirements.txt` runs where the kernel started: beside the notebook, or the project root.
    runsCommands: true,
    globs: ['**/*.{ipynb,IPYNB}'],
    // Opened as a notebook, its cells reach the server by notebook document sync (lsp/notebooks.ts).
    languages: [],
    activates: false,
    comment: '#',
    needsGrammars: true,
    notebookType: 'jupyter-notebook',
  },
  'github-workflow': {
    kind: 'github-workflow',
    title: 'GitHub Actions workflows',
    names: '`.github/workflows/*.yml` / `*.yaml`: `run:` steps, each job (each matrix Python) an environment',
    matchesPath: (path) => /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(path),
    parse: (source, grammars) => parseGithubWorkflow(source.path, source.text, grammars),
    environments: 'script',
    runsCommands: true,
    globs: ['**/.github/workflows/*.{yml,yaml}'],
    languages: [],
    activates: false,
    comment: '#',
    needsGrammars: true,
  },
  'gitlab-ci': {
    kind: 'gitlab-ci',
    title: 'GitLab CI',
    names: '`.gitlab-ci.yml`: `script:` / `before_script:` / `after_script:`, each job an environment',
    matchesPath: (path) => /(?:^|\/)\.gitlab-ci\.ya?ml$/i.test(path),
    parse: (source, grammars) => parseGitlabCi(source.path, source.text, grammars),
    environments: 'script',
    runsCommands: true,
    globs: ['**/.gitlab-ci.{yml,yaml}'],
    languages: [],
    activates: false,
    comment: '#',
    needsGrammars: true,
  },
} as const satisfies { [K in FileKind]: FileKindSpec & { kind: K } };

/** Every kind, in the order they are tried: by name first, then by content. */
export const fileKindList: readonly FileKindSpec[] = Object.values(fileKinds);

export function kindSpec(kind: FileKind): FileKindSpec {
  return fileKinds[kind];
}

/** The kind of a file from its path alone (`null`: no kind claims the name). */
export function fileKindOf(path: string): FileKind | null {
  for (const spec of fileKindList) if (spec.matchesPath(path)) return spec.kind;
  return null;
}

/** Whether some kind may claim the file from its content, so it is worth reading. */
export function mayBeKindByContent(path: string): boolean {
  return fileKindList.some((spec) => spec.sniff?.candidate(path));
}

/** The kind of a file from its path, or else from its content (a `#!` line, lines that are requirements). */
export function fileKindOfText(path: string, text: string): FileKind | null {
  const byName = fileKindOf(path);
  if (byName) return byName;
  for (const spec of fileKindList) if (spec.sniff?.candidate(path) && spec.sniff.matches(text)) return spec.kind;
  return null;
}

/** Parses a file as `kind`. Parsers never throw. */
export function parseFile(source: SourceFile, kind: FileKind, grammars?: Grammars): ParsedFile {
  return fileKinds[kind].parse(withoutBom(source, kind), grammars);
}

/**
 * A byte order mark at the start of a text (an editor that keeps it; the host strips it when it
 * reads a file) would make TOML and Python unreadable: it is parsed as blank, one UTF-16 unit
 * like the mark, so every offset still points into the text as given. Python gets a newline (a
 * space would be an indent); the other kinds, whose models count lines, a space.
 */
function withoutBom(source: SourceFile, kind: FileKind): SourceFile {
  if (source.text.charCodeAt(0) !== 0xfeff) return source;
  return { ...source, text: (kind === 'python' || kind === 'setup-py' || kind === 'conda' || kind === 'cog' ? '\n' : ' ') + source.text.slice(1) };
}

/** Notebook types whose documents the editor syncs to the server (and which start the extension). */
export const notebookTypes: readonly string[] = [...new Set(fileKindList.flatMap((spec) => (spec.notebookType ? [spec.notebookType] : [])))];

/** Workspaces holding one of these start the extension (`workspaceContains:`). */
export const activatingGlobs: readonly string[] = fileKindList.filter((spec) => spec.activates).flatMap((spec) => spec.globs);

/** What the editor watches: every kind's files, plus what changes the analysis without being a kind. */
export const watchedGlobs: readonly string[] = [
  ...new Set(fileKindList.flatMap((spec) => [...spec.globs, ...(spec.sniff?.globs ?? [])])),
  '**/.gitignore',
  // The installed environment (pinwise.environment, default .venv / venv): its metadata changes on every pip run.
  '**/pyvenv.cfg',
  '**/*.dist-info/METADATA',
  '**/*.egg-info/PKG-INFO',
];

/** The client's document selector: documents the server is sent (it checks each path's kind itself). */
export type DocumentFilter = { scheme: 'file'; language?: string; pattern?: string } | { notebook: { notebookType: string }; language: string };

export function documentSelector(): DocumentFilter[] {
  const selector: DocumentFilter[] = [];
  const languages = new Set<string>();
  for (const spec of fileKindList) {
    for (const language of spec.languages) {
      if (languages.has(language)) continue;
      languages.add(language);
      selector.push({ scheme: 'file', language });
    }
    // Files VS Code gives a generic language (plaintext, toml): by their names.
    for (const glob of [...spec.globs, ...(spec.sniff?.globs ?? [])]) selector.push({ scheme: 'file', pattern: glob });
    // A notebook's Python cells (code actions on them; their text comes by notebook sync).
    if (spec.notebookType) selector.push({ notebook: { notebookType: spec.notebookType }, language: 'python' });
  }
  return selector;
}

/** A workspace glob of the registry as a regular expression over project paths (`**\/` any folders, `*`, `?`, `{a,b}`). */
export function globSource(glob: string): string {
  let body = glob;
  let prefix = '^';
  if (body.startsWith('**/')) {
    body = body.slice(3);
    prefix = '(?:^|/)';
  }
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') out += '(?:';
    else if (c === '}') out += ')';
    else if (c === ',') out += '|';
    else out += /[\\^$.|?+()[\]]/.test(c) ? `\\${c}` : c;
  }
  return `${prefix}${out}$`;
}

/** pre-commit's `files` pattern (Python `re.search`, case-insensitive): every file of every kind, candidates by content included. */
export function preCommitFilesPattern(): string {
  const globs = [...new Set(fileKindList.flatMap((spec) => [...spec.globs, ...(spec.sniff?.globs ?? [])]))];
  return `(?i)${globs.map(globSource).join('|')}`;
}
