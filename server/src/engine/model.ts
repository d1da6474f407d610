// The one model every parser produces. Spans are half-open offsets into the
// file's text in UTF-16 code units (what JS strings index); line/column is
// computed only at the edges, by line-index.ts.
import type { ScanQuery } from './parsers/python-scan';

export interface Span {
  start: number;
  end: number;
}

/** Every kind has one entry in the file-kind registry (kinds.ts). */
export type FileKind = 'requirements' | 'pyproject' | 'setup-py' | 'setup-cfg' | 'pipfile' | 'shell' | 'dockerfile' | 'python' | 'python-version' | 'batch' | 'powershell' | 'uv-lock' | 'poetry-lock' | 'pdm-lock' | 'pipfile-lock' | 'pylock' | 'conda' | 'cog' | 'notebook' | 'github-workflow' | 'gitlab-ci';

/** A file handed to the engine: a project-relative path (`/` separators) and its text. */
export interface SourceFile {
  path: string;
  text: string;
  /**
   * The kind the host decided for a file its name and content leave open (a file named on the
   * command line, one reached by `-r`); otherwise the registry decides (kinds.ts).
   */
  kind?: FileKind;
}

/** A file the host found but could not read or decode; the engine reports it instead of crashing. */
export interface UnreadableFile {
  path: string;
  reason: string;
  /**
   * Not read by design rather than by a read error: it lies `outside` the project boundary, or
   * past the project's `budget` of files, or it was named but is `not-dependency` file Pinwise reads. Reported where it is included (or, for a file the walk
   * found, on the file), never as a file of its own.
   */
  notRead?: 'outside' | 'budget' | 'not-dependency';
}

/** One clause of a specifier set, e.g. `>=2.1` in `>=2.1,<2.3`. */
export interface SpecifierClause {
  operator: '==' | '!=' | '<=' | '>=' | '<' | '>' | '~=' | '===';
  version: string;
  span: Span;
  versionSpan: Span;
}

/** Where a requirement was declared, so messages and environments can say it. */
export interface RequirementOrigin {
  /** e.g. 'requirements', 'project.dependencies', 'project.optional-dependencies', 'pip install' */
  section: string;
  /** e.g. the extra's or group's name */
  group?: string;
  /**
   * Which environment of a project declaration it belongs to (kinds with the `declaration` role):
   * the base install, an extra or group over it (named by `group`), the build environment, or none
   * of them. Absent: decided from pyproject's section names.
   */
  scope?: 'base' | 'extra' | 'group' | 'build' | 'other';
  /**
   * Who installs it when not pip: `conda`, from its channels (a conda environment's own
   * dependencies), so pip's index options do not apply to it.
   */
  installer?: 'conda';
}

/** A per-package index from `[tool.uv.sources]` or a Poetry `source = "…"`. */
export interface RequirementIndex {
  /** The index's name as declared (`pytorch-cu121`). */
  name: string;
  /** Its URL when the project declares it, null otherwise. */
  url: string | null;
  /** Where that URL is written (the index declaration), when declared in the same file. */
  urlSpan?: Span;
  /** Marker limiting this source (uv `marker = "…"`), null when none. */
  marker: string | null;
  /** uv `extra = "…"` / `group = "…"`: the source applies only when that extra or group is installed. */
  extra?: string;
  group?: string;
  /** Where the index is named, in the file that names it. */
  span: Span;
}

export interface Requirement {
  file: string;
  /** 1-based physical line where the logical line starts. */
  line: number;
  /** The requirement text itself (without pip per-requirement options or comment). */
  span: Span;
  /** Name as written (null for bare URLs/paths without `#egg=`). */
  name: string | null;
  nameSpan: Span | null;
  /** PEP 503 normalized name. */
  normalizedName: string | null;
  extras: string[];
  /** Specifier set as written, minus spaces ('' when none). */
  specifier: string;
  specifierSpan: Span | null;
  clauses: SpecifierClause[];
  /** Marker text as written, trimmed (null when none). */
  marker: string | null;
  markerSpan: Span | null;
  url: string | null;
  urlSpan: Span | null;
  editable: boolean;
  hashes: string[];
  /** From a `-c` constraints file: limits versions but installs nothing. */
  isConstraint: boolean;
  origin: RequirementOrigin;
  /** Indexes this package must come from (uv sources, Poetry `source`); absent when none. */
  indexes?: RequirementIndex[];
  /**
   * Installed by a Dockerfile's base image, not written by anyone: `span` is the FROM line's tag
   * (or image). Messages say so, and no fix edits it.
   */
  preinstalled?: { image: string };
  /** A conda package's build string as written (`py3.10_cuda11.8*` of `pytorch=2.1.2=py3.10_cuda11.8*`). */
  build?: { text: string; span: Span };
  /** A conda package bound to one channel (`pytorch::torchaudio`): that channel. */
  channel?: string;
}

/**
 * The PyTorch build variant a file chooses outside pip's local tags: a conda environment's
 * `pytorch-cuda=11.8` (cu118), `cpuonly` (cpu), or a pytorch build string. Its environments' torch
 * family is that variant, so a pip pin tagged for another one disagrees with it.
 */
export interface BuildVariant {
  /** The wheel variant it corresponds to (`cu118`, `cpu`). */
  tag: string;
  /** What chose it, as written (`pytorch-cuda=11.8`). */
  text: string;
  span: Span;
}

export type PipOptionName =
  | '--index-url'
  | '--extra-index-url'
  | '--no-index'
  | '--find-links'
  | '--pre'
  | '--prefer-binary'
  | '--only-binary'
  | '--no-binary'
  | '--trusted-host'
  | '--requirement'
  | '--constraint'
  | '--editable'
  | '--use-feature'
  | '--config-settings'
  | '--global-option'
  | '--hash'
  | '--require-hashes';

/** A file-level pip option (`--index-url URL`, `--pre`, `-r other.txt`, ...). */
export interface PipOption {
  file: string;
  line: number;
  span: Span;
  option: PipOptionName;
  value: string | null;
  valueSpan: Span | null;
}

/** A `-r` / `-c` reference to another requirements file. */
export interface Include {
  file: string;
  line: number;
  span: Span;
  kind: 'requirement' | 'constraint';
  /** The target as written (may hold `${VAR}` references or a URL). */
  target: string;
  targetSpan: Span;
  /** For includes declared in pyproject (`file = [...]`) or by a script: where they apply. */
  origin?: RequirementOrigin;
  /**
   * A Dockerfile's image path put there by `COPY`/`ADD` from the build context: the context paths
   * it may be (relative to the context, most likely first). They are looked for instead of `target`.
   */
  copiedFrom?: string[];
}

/** One `pip install` / `pip uninstall` (or `uv pip …`) run found in a shell script or Dockerfile. */
export interface InstallCommand {
  file: string;
  line: number;
  /** The whole command as written, continuation lines included. */
  span: Span;
  /** How pip was invoked, e.g. `pip3`, `python -m pip`, `uv pip`. */
  tool: string;
  action: 'install' | 'uninstall';
  /** Indexes into the file's `requirements` (install) of the packages named on the command line. */
  requirements: number[];
  /** Names removed, as written, with their spans (uninstall). */
  removes: { name: string; normalizedName: string; span: Span }[];
  /** Options on this command line (`--index-url`, `--pre`, ...). */
  options: PipOption[];
  /** `-r` / `-c` files this command installs or constrains with. */
  includes: Include[];
  upgrade: boolean;
  noDeps: boolean;
  forceReinstall: boolean;
  /** False for commands inside a shell function that the script never calls. */
  reachable: boolean;
  /** Requirements whose `<` / `>` the shell takes for a redirection (`pip install numpy>=1.24`). */
  unquotedSpecifiers: UnquotedSpecifier[];
  /** The parts of the file that run it (ids of `ParsedFile.scopes`, e.g. CI jobs); absent: the whole file. */
  scopes?: string[];
}

/**
 * A part of a file whose commands run on their own, in a fresh environment (a CI job, one entry
 * of its matrix): its commands form one environment, with its own Python when it sets one.
 */
export interface CommandScope {
  id: string;
  /** For messages: `build (python 3.11)`. */
  label: string;
  python?: { version: string; span: Span };
  /** setup-python's `python-version-file`: the project file (`.python-version`, `pyproject.toml`) that names the job's Python. */
  pythonFile?: string;
  /**
   * A Dockerfile stage's base image (for a stage built on another stage, the first stage's): the
   * reference with ARG defaults substituted, where it is written, and whether it is written as is
   * (`literal`: offsets into `reference` are offsets from `span.start`).
   */
  baseImage?: { reference: string; span: Span; literal: boolean; line: number };
  /** A GitLab job: its label names the Python its image gives (`job test, python 3.11`). */
  labelsPython?: boolean;
}

/** A requirement written unquoted in a shell command, so its comparison became a redirection. */
export interface UnquotedSpecifier {
  /** The requirement as written, redirection included (`numpy>=1.24`). */
  span: Span;
  text: string;
  /** What the shell runs instead: `<` reads stdin from `target`, `>` writes stdout to it. */
  operator: '<' | '>';
  operatorSpan: Span;
  target: string;
  /** The shell that reads it, for what it does instead: absent for POSIX shells (sh, bash, a Dockerfile's RUN). */
  shell?: 'cmd' | 'powershell';
  /** A quote the text around the command forbids unescaped (a CI step in a quoted YAML scalar): the fix uses the other one. */
  avoidQuote?: "'" | '"';
}

/** `requires-python` or Poetry's `python = "…"`, as written and translated. */
export interface PythonRequirement {
  /** PEP 440 specifier set (Poetry constraints translated). */
  specifier: string;
  /** The written value's span. */
  span: Span;
}

/** A PEP 621 extra, PEP 735 dependency group or Poetry group, with what it pulls in. */
export interface DependencyGroup {
  kind: 'extra' | 'group';
  name: string;
  /** The group key's span. */
  span: Span;
  /** `{include-group = "…"}` entries (PEP 735). */
  includeGroups: string[];
}

/** Something the parser could not accept, with the reason pip/packaging/TOML would give. */
export interface ParseProblem {
  line: number;
  span: Span;
  message: string;
  /** 'note': not an error in the file, but part of it was not checked (a work budget was reached). */
  level?: 'note';
}

export interface ParsedFile {
  path: string;
  kind: FileKind;
  requirements: Requirement[];
  options: PipOption[];
  includes: Include[];
  problems: ParseProblem[];
  /** Shell scripts and Dockerfiles: the pip runs in the order they happen. */
  commands?: InstallCommand[];
  /** Kinds whose commands run in separate environments (CI jobs): those environments. */
  scopes?: CommandScope[];
  /** pyproject: `requires-python` / Poetry `python`. */
  pythonRequirement?: PythonRequirement;
  /** The one Python this file's environments run on (conda `python=3.10`, cog's `python_version`), when it fixes one. */
  targetPython?: { version: string; span: Span; /** When the file allows a range (a lock's `requires-python`): that range; `version` is its lowest X.Y. */ specifier?: string };
  /** The PyTorch variant the file chooses outside local tags (conda `pytorch-cuda=11.8`), once names are resolved (conda.ts). */
  variant?: BuildVariant;
  /** Conda environment files: the `channels:` list, in priority order. */
  channels?: string[];
  /** pyproject: the extras and groups declared (each is an environment over the base). */
  groups?: DependencyGroup[];
  /** pyproject: `[tool.uv] conflicts`, sets of extras/groups declared mutually exclusive. */
  conflicts?: { kind: 'extra' | 'group'; name: string }[][];
  /**
   * Lock files: the values `extra` takes in their markers (uv encodes the conflicting extras and
   * groups of its forks as `extra == 'extra-7-project-cu124'`); at most one of them holds at a time.
   */
  markerExtras?: string[];
  /** .py files (when grammars are present): references to imported names, parsed on first use. */
  python?: PythonFacts;
  /** Notebooks: every cell, with where its source is written (findings name their cell). */
  cells?: NotebookCell[];
}

/** One cell of a Jupyter notebook, located in the `.ipynb` text. */
export interface NotebookCell {
  /** 1-based, as the text output and SARIF's `properties.cell` give it. */
  number: number;
  /** `cell_type` as written: `code`, `markdown`, `raw`. */
  kind: string;
  /**
   * The JSON strings holding its source, in order: where each is written (inside its quotes) and
   * where its decoded text starts in the cell's source (offset, 0-based line and character).
   */
  sources: { span: Span; offset: number; line: number; character: number }[];
}

/**
 * A use of an imported name in a `.py` file, resolved through the file's imports to a dotted
 * path. Calling a name makes an instance, written with `()`: `demo = gr.Blocks()` then
 * `demo.queue(...)` has the path `gradio.Blocks().queue`.
 */
export interface PyReference {
  kind: 'import' | 'attribute' | 'call' | 'keyword';
  /** `numpy.float_`; for `call` and `keyword` the callee's path. */
  path: string;
  /** `keyword`: the argument's name. */
  keyword?: string;
  /** What is flagged: the dotted expression, the imported name, the callee, or the keyword's name. */
  span: Span;
  /** The last name of the path as written (a rename replaces only this). */
  nameSpan: Span;
  /** attribute / call: the root name as written and the path it is bound to (`np` → `numpy`). */
  root?: { span: Span; path: string };
  /** keyword: the whole `name=value` argument and its value. */
  argument?: { span: Span; valueSpan: Span };
  /** call: the parenthesized argument list. */
  argumentsSpan?: Span;
  /** call: the arguments passed by position, and whether `*args` / `**kwargs` may pass more. */
  positional?: Span[];
  /** call: the names passed as `name=value`. */
  keywords?: string[];
  starred?: boolean;
  doubleStarred?: boolean;
  /** import: the name is a module (`import a.b`, `from a.b import x`), not a name taken from one. */
  module?: boolean;
  /** What protects the use where it is written (absent: nothing). */
  guard?: PyGuard;
}

/** The checks around a use that make a missing name harmless there. */
export interface PyGuard {
  /** Exceptions caught by an enclosing `try` (`*` for a bare `except:`), for uses in its body or handlers. */
  caught: string[];
  /** Paths tested by `hasattr(x, "name")` / `getattr(x, "name", default)` in an enclosing condition. */
  checked: string[];
  /** Top-level modules (or `python` for `sys.version_info`) whose version an enclosing condition compares. */
  versions: string[];
}

/** Which references a rule wants, by path (and keyword, for a keyword argument); a pure function, kept by the rule as long as what it wants stays the same. */
export type ReferenceFilter = (path: string, keyword?: string) => boolean;

/** Parsing a .py file is the costly part, so it happens only when a rule asks. */
export interface PythonFacts {
  /**
   * Every reference, or only those `wanted` (and every keyword argument of a call it wants):
   * spans and guards cost the most, and most references are to names no rule looks for.
   * Remembered per filter, and all of them once asked without one.
   */
  references(wanted?: ReferenceFilter): readonly PyReference[];
  /** After references(): why the file could not be parsed within its budget (none were found), or null. */
  notChecked(): string | null;
  /** Whether references() ran, i.e. the file was parsed (a prefilter may leave it unparsed): for `--verbose`. */
  wasParsed?(): boolean;
  /**
   * The token scan's answer (parsers/python-scan.ts) to each query, remembered per query: a file
   * the editor re-checks on every keystroke elsewhere is not scanned again for the same queries.
   * The scan itself is not kept (its tokens take several times the text's memory).
   */
  mayReach(queries: readonly ScanQuery[]): boolean[];
  /**
   * Code embedded in another format (a notebook's code cells): the references' spans index this
   * Python `text`, and `toFile` maps a span of it onto the file as written. Absent: the file's own text.
   */
  embedded?: { text: string; toFile(span: Span): Span };
}

/** A requirement with nothing but its place: parsers fill in what the text says. */
export function blankRequirement(at: Pick<Requirement, 'file' | 'line' | 'span' | 'origin'>): Requirement {
  // Fields copied one by one: an object spread here made V8 build every requirement through its
  // slow generic path (about 80% of the time to parse a 2,000-line requirements file).
  return {
    file: at.file,
    line: at.line,
    span: at.span,
    origin: at.origin,
    name: null,
    nameSpan: null,
    normalizedName: null,
    extras: [],
    specifier: '',
    specifierSpan: null,
    clauses: [],
    marker: null,
    markerSpan: null,
    url: null,
    urlSpan: null,
    editable: false,
    hashes: [],
    isConstraint: false,
  };
}
