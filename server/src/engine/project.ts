// Which files make up the project and which pins install together.
import { blankRequirement, type BuildVariant, type CommandScope, type DependencyGroup, type FileKind, type Include, type InstallCommand, type ParsedFile, type PipOption, type Requirement, type SourceFile, type Span, type UnreadableFile } from './model';
import type { Grammars } from './grammars';
import { fileKindOfText, kindSpec, parseFile } from './kinds';
import { lowestPython } from './parsers/pyproject';
import { pushAll } from './arrays';
import type { InstalledEnvironment } from './installed';
import type { ImageContents, ReferenceRange } from './kb/docker-images';
import { resolveCondaNames, type CondaNames } from './parsers/conda';

/** Pins that pip installs together: a root requirements file with everything it includes. */
export interface Environment {
  id: string;
  /** Human label, e.g. `requirements.txt` or `pyproject.toml [gpu]`. */
  label: string;
  rootFile: string;
  /** Every file whose pins or options take part, root first. */
  files: string[];
  requirements: Requirement[];
  /** Pins from `-c` files: they limit versions but install nothing. */
  constraints: Requirement[];
  /** Options in effect (pip applies an included file's index options to the whole install). */
  options: PipOption[];
  /**
   * Script runs only: the options of the pip command that installed each requirement (its
   * command line and the files it reads with -r). A command's `--index-url` does not apply
   * to the script's other commands.
   */
  optionsFor?: Map<Requirement, PipOption[]>;
  /** An installed environment (`--env`, a project's `.venv`): what is there, not what is declared. */
  installed?: InstalledEnvironment;
  /** The Python this environment runs on when its file fixes one (a CI job's setup-python, a base image); else the project's. */
  python?: TargetPython;
  /** The PyTorch variant its file chooses outside pip (conda `pytorch-cuda=11.8`): its torch family is built for it. */
  variant?: BuildVariant & { file: string };
  /** What the environment's base image is built for (a Dockerfile stage on `nvidia/cuda`, `pytorch/pytorch`, `rocm/pytorch`). */
  accelerator?: EnvironmentAccelerator;
}

export interface EnvironmentAccelerator {
  family: 'cuda' | 'rocm';
  /** CUDA or ROCm version, `12.1`. */
  version: string;
  /** The PyTorch variant built for it (`cu121`), when PyTorch serves one. */
  variant: string | null;
  /** For messages: `the base image nvidia/cuda:12.1.0-runtime-ubuntu22.04`. */
  evidence: string;
  source: { file: string; span: Span };
}

export type UnresolvedReason = 'missing' | 'unreadable' | 'remote' | 'cycle' | 'variable' | 'outside' | 'budget';

export interface UnresolvedInclude {
  include: Include;
  reason: UnresolvedReason;
  /** The resolved path, or the read error. */
  detail: string;
}

export interface TargetPython {
  version: string;
  /** The range the project allows when it comes from `requires-python` (`>=3.10,<3.13`). */
  specifier?: string;
  /** Where it came from: a file span, or the settings. */
  source: { file: string; span: Span } | 'settings';
}

export interface Project {
  sources: Map<string, SourceFile>;
  parsed: Map<string, ParsedFile>;
  unreadable: UnreadableFile[];
  environments: Environment[];
  unresolvedIncludes: UnresolvedInclude[];
  /** Parts of the project not checked because a work budget was reached (reported as notes). */
  budgetNotes: BudgetNote[];
  targetPython: TargetPython | null;
  /** CPython minors the project may run on when it fixes none (rules/python.yaml), for marker questions. */
  pythonMinors: readonly string[];
  /** Installed environments read beside the declared files (each is also in `environments`). */
  installed: InstalledEnvironment[];
}

/** What a budget left unchecked, and why, at the place it starts. */
export interface BudgetNote {
  file: string;
  span: Span;
  message: string;
}

export interface ProjectInput {
  files: SourceFile[];
  unreadable?: UnreadableFile[];
  /** Target Python from settings; the project's own declaration wins. */
  python?: string;
  /** The knowledge base's CPython minors (see Project.pythonMinors). */
  pythonMinors?: readonly string[];
  grammars?: Grammars;
  /** Parses of earlier runs, reused for files whose text is unchanged (see parseCached). */
  parseCache?: ParseCache;
  /** What a Dockerfile's base image holds (the knowledge base's docker-images.yaml); null: not known, nothing assumed. */
  baseImages?: (reference: string) => ImageContents | null;
  /** What conda packages are to pip (rules/conda.yaml); without it conda names stay as written. */
  condaNames?: CondaNames;
}

/**
 * Parses kept between analyses by a long-lived host (the language server), keyed by project path:
 * an edit re-parses only the edited file. An entry is used only for the exact same text, kind and
 * grammars; the engine never mutates a ParsedFile, so sharing one between runs is safe.
 */
export type ParseCache = Map<string, ParseCacheEntry>;

export interface ParseCacheEntry {
  text: string;
  kind: FileKind;
  /** The grammars it was parsed with: a shell script parsed before they loaded reads as empty. */
  grammars: Grammars | undefined;
  parsed: ParsedFile;
}

/** parseFile through `cache`: the cached parse when the text, kind and grammars match, else a fresh one (stored). */
export function parseCached(source: SourceFile, kind: FileKind, grammars: Grammars | undefined, cache: ParseCache | undefined): ParsedFile {
  if (!cache) return parseFile(source, kind, grammars);
  const entry = cache.get(source.path);
  if (entry && entry.text === source.text && entry.kind === kind && entry.grammars === grammars) return entry.parsed;
  const parsed = parseFile(source, kind, grammars);
  cache.set(source.path, { text: source.text, kind, grammars, parsed });
  return parsed;
}

const remoteTarget = /^[a-z][a-z0-9+.-]*:\/\//i;

/** `dir/a/../b.txt` → `dir/b.txt`; paths are project-relative with `/`. */
export function joinPath(fromFile: string, target: string): string {
  const parts = target.startsWith('/') ? [] : fromFile.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else parts.push('..');
    } else parts.push(part);
  }
  return (target.startsWith('/') ? '/' : '') + parts.join('/');
}

export type IncludeTargets = { reason: 'remote' | 'variable' } | { paths: string[] };

/**
 * Where an include's target is looked for, in order (project paths): relative to the including
 * file, as pip does; a script's also from the project root, where scripts usually run. Remote and
 * variable targets are never looked for. The hosts read these and the engine resolves them, alike.
 */
export function includeTargets(include: Include, fromKind: FileKind): IncludeTargets {
  if (include.copiedFrom) {
    // Put in the image by a Dockerfile's COPY: its build context is usually the Dockerfile's folder, else the project root.
    const beside = include.copiedFrom.map((source) => joinPath(include.file, source));
    const fromRoot = include.copiedFrom.map((source) => joinPath('', source));
    return { paths: [...new Set([...beside, ...fromRoot])] };
  }
  if (remoteTarget.test(include.target)) return { reason: 'remote' };
  if (/\$\{[^}]*\}/.test(include.target)) return { reason: 'variable' };
  const runsCommands = kindSpec(fromKind).runsCommands;
  // `$VAR` / `$(…)` / backticks (POSIX shells, PowerShell), `%VAR%` / `%~dp0` (cmd.exe): known only when it runs.
  if (runsCommands && /\$[A-Za-z_({]|`|%[^%\s]+%|%~?[0-9a-z*]/i.test(include.target)) return { reason: 'variable' };
  const relativeToFile = joinPath(include.file, include.target);
  const fromRoot = joinPath('', include.target);
  return { paths: runsCommands && fromRoot !== relativeToFile ? [relativeToFile, fromRoot] : [relativeToFile] };
}

export function buildProject(input: ProjectInput): Project {
  const sources = new Map(input.files.map((f) => [f.path, f]));
  const unreadable = input.unreadable ?? [];
  const unreadableByPath = new Map(unreadable.map((u) => [u.path, u]));
  const parsed = new Map<string, ParsedFile>();
  const unresolvedIncludes: UnresolvedInclude[] = [];

  const parseAs = (path: string, kind: FileKind): ParsedFile | undefined => {
    const existing = parsed.get(path);
    if (existing) return existing;
    const source = sources.get(path);
    if (!source) return undefined;
    const file = resolveCondaNames(parseCached(source, kind, input.grammars, input.parseCache), input.condaNames);
    parsed.set(path, file);
    return file;
  };

  for (const file of input.files) {
    const kind = file.kind ?? fileKindOfText(file.path, file.text);
    if (kind) parseAs(file.path, kind);
  }

  // Follow includes breadth-first: an included file is a requirements file whatever its name.
  // Only includes from requirements files make a file a non-root: a requirements file that a
  // script or pyproject reads is still installable on its own.
  const includedBy = new Map<string, Set<string>>();
  const edges = new Map<Include, string>();
  const queue = [...parsed.values()].filter((f) => f.includes.length > 0 || f.kind === 'requirements');
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i]!;
    for (const include of file.includes) {
      const resolved = resolveInclude(include, file.kind);
      if ('reason' in resolved) {
        unresolvedIncludes.push(resolved);
        continue;
      }
      edges.set(include, resolved.path);
      if (file.kind === 'requirements') {
        if (!includedBy.has(resolved.path)) includedBy.set(resolved.path, new Set());
        includedBy.get(resolved.path)!.add(file.path);
      }
      const before = parsed.has(resolved.path);
      const target = parseAs(resolved.path, 'requirements');
      if (target && !before) queue.push(target);
    }
  }

  function resolveInclude(include: Include, fromKind: FileKind): { path: string } | UnresolvedInclude {
    const targets = includeTargets(include, fromKind);
    if ('reason' in targets) return { include, reason: targets.reason, detail: include.target };
    const found = targets.paths.find((path) => sources.has(path));
    if (found !== undefined) return { path: found };
    for (const path of targets.paths) {
      const bad = unreadableByPath.get(path);
      if (bad) return { include, reason: bad.notRead === 'outside' || bad.notRead === 'budget' ? bad.notRead : 'unreadable', detail: bad.reason };
    }
    return { include, reason: 'missing', detail: targets.paths[0]! };
  }

  const trees = new IncludeGraph(parsed, edges, unresolvedIncludes);
  const environments = buildRequirementsEnvironments(parsed, includedBy, trees);
  const budgetNotes: BudgetNote[] = [];
  // Declarations first, then scripts: the order environments are listed and reported in.
  for (const file of parsed.values()) {
    if (kindSpec(file.kind).environments === 'declaration') pushAll(environments, buildDeclarationEnvironments(file, trees, budgetNotes));
  }
  for (const file of parsed.values()) {
    if (kindSpec(file.kind).environments === 'script') pushAll(environments, buildScriptEnvironments(file, trees, input.baseImages, (path) => pythonNamedBy(path, sources, parsed)));
  }
  return {
    sources,
    parsed,
    unreadable,
    environments,
    unresolvedIncludes,
    budgetNotes,
    targetPython: findTargetPython(sources, parsed, input.python),
    pythonMinors: input.pythonMinors ?? [],
    installed: [],
  };
}

/** What one requirements file contributes, with everything it includes (cycle-safe). */
interface FileTree {
  files: string[];
  requirements: Requirement[];
  constraints: Requirement[];
  options: PipOption[];
}

/** File visits one project's environments may make in all; past it, an include is not followed (a `note` says so). */
export const maxEnvironmentFileVisits = 1_000_000;

/**
 * Walks include graphs: from one file, everything it includes, each file once per mode (installed
 * or constraint-only) however many paths reach it — a diamond is not a tree — iteratively (a chain
 * of any length), with a shared budget of file visits. An include back to a file on the current
 * path closes a cycle: reported once, however many environments meet it.
 */
class IncludeGraph {
  private readonly reported = new Set<Include>();
  private readonly trees = new Map<string, FileTree>();
  private visitsLeft = maxEnvironmentFileVisits;

  constructor(
    private readonly parsed: Map<string, ParsedFile>,
    private readonly edges: Map<Include, string>,
    private readonly unresolved: UnresolvedInclude[],
  ) {}

  /** The tree reached through `include` (shared: callers only read it), or null when it did not resolve. */
  ofInclude(include: Include): FileTree | null {
    const target = this.edges.get(include);
    const file = target === undefined ? undefined : this.parsed.get(target);
    if (!file) return null;
    const key = `${include.kind}\0${file.path}`;
    let tree = this.trees.get(key);
    if (!tree) {
      tree = this.collect(file, include.kind === 'constraint');
      this.trees.set(key, tree);
    }
    return tree;
  }

  /** `root` and everything it includes, in pip's order (a file's lines, then what it includes, depth first). */
  collect(root: ParsedFile, rootAsConstraint: boolean): FileTree {
    const tree: FileTree = { files: [], requirements: [], constraints: [], options: [] };
    const inTree = new Set<string>();
    const entered = new Set<string>();
    /** Where each file on the current path first stands in `stack`. */
    const depthOf = new Map<string, number>();
    const stack: { file: ParsedFile; asConstraint: boolean; next: number }[] = [];
    const enter = (file: ParsedFile, asConstraint: boolean): void => {
      entered.add(`${asConstraint ? 'c' : 'r'}\0${file.path}`);
      this.visitsLeft--;
      if (!depthOf.has(file.path)) depthOf.set(file.path, stack.length);
      stack.push({ file, asConstraint, next: 0 });
      if (!inTree.has(file.path)) {
        inTree.add(file.path);
        tree.files.push(file.path);
      }
      for (const requirement of file.requirements) {
        if (asConstraint || requirement.isConstraint) tree.constraints.push({ ...requirement, isConstraint: true });
        else tree.requirements.push(requirement);
      }
      for (const option of file.options) tree.options.push(option);
    };
    enter(root, rootAsConstraint);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next >= frame.file.includes.length) {
        stack.pop();
        if (depthOf.get(frame.file.path) === stack.length) depthOf.delete(frame.file.path);
        continue;
      }
      const include = frame.file.includes[frame.next++]!;
      const target = this.edges.get(include);
      if (target === undefined) continue;
      const depth = depthOf.get(target);
      if (depth !== undefined) {
        this.reportCycle(include, stack.slice(depth).map((f) => f.file.path), target);
        continue;
      }
      const child = this.parsed.get(target);
      const asConstraint = frame.asConstraint || include.kind === 'constraint';
      if (!child || entered.has(`${asConstraint ? 'c' : 'r'}\0${target}`)) continue;
      if (this.visitsLeft <= 0) {
        this.reportOnce(include, 'budget', `not followed: the project's environments reached their limit of ${maxEnvironmentFileVisits} file visits in all`);
        continue;
      }
      enter(child, asConstraint);
    }
    return tree;
  }

  private reportCycle(include: Include, path: string[], target: string): void {
    if (this.reported.has(include)) return;
    // A long cycle is named by its ends: the message stays short whatever its length.
    const names = path.length <= 8 ? path : [...path.slice(0, 3), `… ${path.length - 6} more …`, ...path.slice(-3)];
    this.reportOnce(include, 'cycle', [...names, target].join(' → '));
  }

  private reportOnce(include: Include, reason: UnresolvedReason, detail: string): void {
    if (this.reported.has(include)) return;
    this.reported.add(include);
    this.unresolved.push({ include, reason, detail });
  }
}

/** Adds `tree` to `env`: its files once each (`listed` holds env.files as a set), its pins and options. */
function mergeTree(env: Environment, tree: FileTree | null, listed: Set<string> = new Set(env.files)): void {
  if (!tree) return;
  for (const file of tree.files) {
    if (listed.has(file)) continue;
    listed.add(file);
    env.files.push(file);
  }
  for (const requirement of tree.requirements) env.requirements.push(requirement);
  for (const constraint of tree.constraints) env.constraints.push(constraint);
  for (const option of tree.options) env.options.push(option);
}

const baseSections = new Set(['project.dependencies', 'tool.poetry.dependencies']);
const extraSections = new Set(['project.optional-dependencies', 'tool.poetry.extras']);
const groupSections = new Set(['dependency-groups', 'tool.poetry.group', 'tool.uv.dev-dependencies', 'tool.pdm.dev-dependencies']);

/** Which environment of its declaration a requirement belongs to: as its parser said, else by pyproject's section. */
function scopeOf(r: Requirement): NonNullable<Requirement['origin']['scope']> {
  if (r.origin.scope) return r.origin.scope;
  const section = r.origin.section;
  if (baseSections.has(section)) return 'base';
  if (extraSections.has(section)) return 'extra';
  if (groupSections.has(section)) return 'group';
  return section === 'build-system.requires' ? 'build' : 'other';
}

/**
 * Options for the indexes packages are pinned to (uv sources, Poetry `source`), declared in this file.
 * A uv source scoped to an extra or a group (`extra = "cuda"`) counts only where it is installed.
 */
function indexOptionsOf(requirements: readonly Requirement[], active: { kind: 'extra' | 'group'; names: ReadonlySet<string> } | null): PipOption[] {
  const out: PipOption[] = [];
  const seen = new Set<string>();
  for (const requirement of requirements) {
    for (const index of requirement.indexes ?? []) {
      if (!index.url || !index.urlSpan) continue;
      if (index.extra !== undefined && !(active?.kind === 'extra' && active.names.has(index.extra))) continue;
      if (index.group !== undefined && !(active?.kind === 'group' && active.names.has(index.group))) continue;
      const key = `${index.url}\0${index.urlSpan.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ file: requirement.file, line: requirement.line, span: { ...index.urlSpan }, option: '--extra-index-url', value: index.url, valueSpan: { ...index.urlSpan } });
    }
  }
  return out;
}

/**
 * Pins one pyproject.toml's extras and groups may put into environments, all together. Each
 * environment repeats the base dependencies and the groups it includes, so 1,000 groups each
 * including the one before make half a million pins for every rule to visit; past this budget
 * the remaining extras and groups are not checked, and a note says which.
 */
export const maxGroupEnvironmentPins = 25_000;

/** A project declaration (pyproject.toml and its like): the base install, each extra and each group over it, and the build environment. */
function buildDeclarationEnvironments(file: ParsedFile, trees: IncludeGraph, notes: BudgetNote[]): Environment[] {
  const python = file.targetPython
    ? { version: file.targetPython.version, ...(file.targetPython.specifier ? { specifier: file.targetPython.specifier } : {}), source: { file: file.path, span: file.targetPython.span } }
    : undefined;
  const variant = file.variant ? { ...file.variant, file: file.path } : undefined;
  const make = (id: string, label: string): Environment => ({
    id,
    label,
    rootFile: file.path,
    files: [file.path],
    requirements: [],
    constraints: file.requirements.filter((r) => r.isConstraint),
    options: [...file.options],
    ...(python ? { python } : {}),
    ...(variant ? { variant } : {}),
  });
  const finish = (env: Environment, active: { kind: 'extra' | 'group'; names: ReadonlySet<string> } | null = null): Environment => {
    pushAll(env.options, indexOptionsOf(env.requirements, active));
    // What conda installs comes from its channels: pip's index options are not in effect for it.
    const conda = env.requirements.filter((r) => r.origin.installer === 'conda');
    if (conda.length > 0) env.optionsFor = new Map(conda.map((r) => [r, []]));
    return env;
  };
  const isBase = (r: Requirement) => !r.isConstraint && r.origin.group === undefined && scopeOf(r) === 'base';
  const base = make(file.path, file.path);
  pushAll(base.requirements, file.requirements.filter(isBase));
  for (const include of file.includes) {
    if (include.origin?.group === undefined) mergeTree(base, trees.ofInclude(include));
  }
  const environments: Environment[] = [];
  if (base.requirements.length > 0 || base.files.length > 1) environments.push(finish(base));

  const groups = file.groups ?? [];
  // Indexes, so that each environment costs its own size (not a scan of the file per group).
  const groupByName = new Map<string, DependencyGroup>();
  for (const group of groups) if (group.kind === 'group' && !groupByName.has(group.name)) groupByName.set(group.name, group);
  const position = new Map<Requirement, number>();
  const ownOf = new Map<string, Requirement[]>();
  file.requirements.forEach((r, i) => {
    position.set(r, i);
    if (r.isConstraint || r.origin.group === undefined) return;
    const scope = scopeOf(r);
    const kind = scope === 'extra' || scope === 'group' ? scope : null;
    if (!kind) return;
    const key = `${kind}\0${r.origin.group}`;
    if (!ownOf.has(key)) ownOf.set(key, []);
    ownOf.get(key)!.push(r);
  });
  const baseRequirements = file.requirements.filter(isBase);
  const baseIncludes = file.includes.filter((i) => i.origin?.group === undefined);
  const includesOf = new Map<string, Include[]>();
  for (const include of file.includes) {
    const group = include.origin?.group;
    if (group === undefined) continue;
    if (!includesOf.has(group)) includesOf.set(group, []);
    includesOf.get(group)!.push(include);
  }
  let pinsLeft = maxGroupEnvironmentPins;
  for (const [at, group] of groups.entries()) {
    const names = new Set<string>([group.name]);
    if (group.kind === 'group') {
      // PEP 735 include-group, transitively (cycle-safe).
      const queue = [group.name];
      for (let i = 0; i < queue.length; i++) {
        for (const included of groupByName.get(queue[i]!)?.includeGroups ?? []) {
          if (!names.has(included)) {
            names.add(included);
            queue.push(included);
          }
        }
      }
    }
    const own: Requirement[] = [];
    for (const name of names) pushAll(own, ownOf.get(`${group.kind}\0${name}`) ?? []);
    if (names.size > 1) own.sort((a, b) => position.get(a)! - position.get(b)!);
    const ownIncludes = group.kind === 'extra' ? (includesOf.get(group.name) ?? []) : [];
    if (own.length === 0 && ownIncludes.length === 0) continue;
    pinsLeft -= baseRequirements.length + own.length;
    if (pinsLeft < 0) {
      notes.push({
        file: file.path,
        span: group.span,
        message:
          `Not checked: ${groups.length - at} of the ${groups.length} extras and dependency groups of this file, from '${group.name}' on. ` +
          `With the base dependencies and the groups they include, they put more than ${maxGroupEnvironmentPins} pins into environments, the budget for one pyproject.toml.`,
      });
      break;
    }
    const label = group.kind === 'extra' ? `${file.path} [${group.name}]` : `${file.path} (group ${group.name})`;
    const env = make(`${file.path}#${group.kind}:${group.name}`, label);
    pushAll(pushAll(env.requirements, baseRequirements), own);
    for (const include of baseIncludes) mergeTree(env, trees.ofInclude(include));
    for (const include of ownIncludes) mergeTree(env, trees.ofInclude(include));
    environments.push(finish(env, { kind: group.kind, names }));
  }

  const build = file.requirements.filter((r) => scopeOf(r) === 'build');
  if (build.length > 0) {
    const env = make(`${file.path}#build-system`, `${file.path} [build-system]`);
    env.constraints = [];
    pushAll(env.requirements, build);
    environments.push(env);
  }
  return environments;
}

/** A script's runs: the whole file, or each of its scopes (CI jobs, Dockerfile stages) on its own. */
function buildScriptEnvironments(
  file: ParsedFile,
  trees: IncludeGraph,
  baseImages: ProjectInput['baseImages'],
  pythonOfFile: (path: string) => TargetPython | undefined,
): Environment[] {
  const reachable = (file.commands ?? []).filter((c) => c.reachable);
  if (!file.scopes || file.scopes.length === 0) {
    const python = file.targetPython ? { version: file.targetPython.version, source: { file: file.path, span: file.targetPython.span } } : undefined;
    const env = buildScriptEnvironment(file, reachable, trees, { id: file.path, label: file.path, python });
    return env ? [env] : [];
  }
  const environments: Environment[] = [];
  for (const scope of file.scopes) {
    const commands = reachable.filter((c) => c.scopes?.includes(scope.id));
    const image = scope.baseImage ? baseImageOf(file, scope.baseImage, baseImages) : null;
    const python = scope.python ? { version: scope.python.version, source: { file: file.path, span: scope.python.span } } : scope.pythonFile ? pythonOfFile(scope.pythonFile) : image?.python;
    const label = scope.labelsPython && python ? `${scope.label}, python ${python.version}` : scope.label;
    const at = { id: `${file.path}#${scope.id}`, label: `${file.path} (${label})`, python, preinstalled: image?.packages, accelerator: image?.accelerator };
    const env = buildScriptEnvironment(file, commands, trees, at);
    if (env) environments.push(env);
  }
  return environments;
}

/** What a stage starts with, from its base image as the knowledge base knows it (nothing when it does not). */
function baseImageOf(
  file: ParsedFile,
  image: NonNullable<CommandScope['baseImage']>,
  baseImages: ProjectInput['baseImages'],
): { python?: TargetPython; packages: Requirement[]; accelerator?: EnvironmentAccelerator } | null {
  const contents = baseImages?.(image.reference);
  if (!contents) return null;
  // Offsets into the reference are offsets into the file when the reference is written as is.
  const spanOf = (at: ReferenceRange | undefined): Span => (at && image.literal ? { start: image.span.start + at[0], end: image.span.start + at[1] } : { ...image.span });
  const tagAt = contents.reference.lastIndexOf(':') > contents.reference.lastIndexOf('/') ? contents.reference.lastIndexOf(':') + 1 : 0;
  const tagSpan = spanOf([tagAt, contents.reference.length]);
  const packages = contents.packages.map((pkg) => {
    const versionSpan = pkg.at ? spanOf(pkg.at) : tagSpan;
    const requirement = blankRequirement({ file: file.path, line: image.line, span: tagSpan, origin: { section: 'FROM' } });
    requirement.name = pkg.name;
    requirement.normalizedName = pkg.name;
    requirement.specifier = `==${pkg.version}`;
    requirement.specifierSpan = versionSpan;
    requirement.clauses = [{ operator: '==', version: pkg.version, span: versionSpan, versionSpan }];
    requirement.preinstalled = { image: contents.reference };
    return requirement;
  });
  return {
    ...(contents.python ? { python: { version: contents.python.version, source: { file: file.path, span: spanOf(contents.python.at ?? [tagAt, contents.reference.length]) } } } : {}),
    packages,
    ...(contents.accelerator
      ? {
          accelerator: {
            family: contents.accelerator.family,
            version: contents.accelerator.version,
            variant: contents.accelerator.variant,
            evidence: `the base image ${contents.reference}`,
            source: { file: file.path, span: spanOf(contents.accelerator.at) },
          },
        }
      : {}),
  };
}


/**
 * A script run: its pip commands applied in order over an empty environment, with the
 * requirements files it installs. `pip uninstall` removes; a later install of the same name wins.
 */
function buildScriptEnvironment(
  file: ParsedFile,
  commands: readonly InstallCommand[],
  trees: IncludeGraph,
  at: { id: string; label: string; python?: TargetPython; preinstalled?: readonly Requirement[]; accelerator?: EnvironmentAccelerator },
): Environment | null {
  if (!commands.some((c) => c.action === 'install')) return null;
  const env: Environment = {
    id: at.id,
    label: at.label,
    rootFile: file.path,
    files: [file.path],
    requirements: [],
    constraints: [],
    options: [],
    ...(at.python ? { python: at.python } : {}),
    ...(at.accelerator ? { accelerator: at.accelerator } : {}),
  };
  const installed = new Map<string, Requirement>();
  const optionsFor = new Map<Requirement, PipOption[]>();
  const keyOf = (r: Requirement) => r.normalizedName ?? `url:${r.url ?? ''}:${r.span.start}:${r.file}`;
  // What the base image installed comes first: the stage's own installs replace it. No pip option
  // of the stage (an --index-url) applied to it.
  for (const r of at.preinstalled ?? []) {
    installed.set(keyOf(r), r);
    optionsFor.set(r, []);
  }
  const listed = new Set(env.files);
  for (const command of commands) {
    if (command.action === 'uninstall') {
      for (const removed of command.removes) installed.delete(removed.normalizedName);
      for (const include of command.includes) {
        const tree = trees.ofInclude(include);
        for (const r of tree?.requirements ?? []) installed.delete(keyOf(r));
      }
      continue;
    }
    const commandOptions = [...command.options, ...command.includes.flatMap((include) => trees.ofInclude(include)?.options ?? [])];
    for (const include of command.includes) {
      const tree = trees.ofInclude(include);
      if (!tree) continue;
      for (const r of tree.requirements) {
        installed.delete(keyOf(r));
        installed.set(keyOf(r), r);
        optionsFor.set(r, commandOptions);
      }
      mergeTree(env, { ...tree, requirements: [] }, listed);
    }
    for (const index of command.requirements) {
      const r = file.requirements[index];
      if (!r) continue;
      installed.delete(keyOf(r));
      installed.set(keyOf(r), r);
      optionsFor.set(r, commandOptions);
    }
    for (const option of command.options) env.options.push(option);
  }
  env.requirements = [...installed.values()];
  env.optionsFor = optionsFor;
  return env;
}

function buildRequirementsEnvironments(parsed: Map<string, ParsedFile>, includedBy: Map<string, Set<string>>, graph: IncludeGraph): Environment[] {
  const requirementsFiles = [...parsed.values()].filter((f) => f.kind === 'requirements');
  const roots = requirementsFiles.filter((f) => !includedBy.has(f.path));
  const environments: Environment[] = [];
  const covered = new Set<string>();

  const collect = (root: ParsedFile): Environment => {
    const tree = graph.collect(root, false);
    for (const file of tree.files) covered.add(file);
    return { id: root.path, label: root.path, rootFile: root.path, ...tree };
  };

  for (const root of roots) environments.push(collect(root));
  // Files only reachable inside a cycle have no root: give each its own environment.
  for (const file of requirementsFiles) {
    if (!covered.has(file.path)) environments.push(collect(file));
  }
  return environments;
}

/** A `.python-version` file's X.Y (`3.11.4`, `cpython-3.11`), with where it is written. */
function pythonVersionFile(path: string, text: string): TargetPython | null {
  const match = /^\s*(?:cpython-|python)?(\d+\.\d+)/m.exec(text);
  if (!match) return null;
  const start = match.index + match[0].length - match[1]!.length;
  return { version: match[1]!, source: { file: path, span: { start, end: start + match[1]!.length } } };
}

/** The Python a project file names (setup-python's `python-version-file`): a declaration's lowest allowed X.Y, else the file's version line. */
function pythonNamedBy(path: string, sources: Map<string, SourceFile>, parsed: Map<string, ParsedFile>): TargetPython | undefined {
  const declaration = parsed.get(path);
  if (declaration?.pythonRequirement) {
    const version = lowestPython(declaration.pythonRequirement);
    return version ? { version, specifier: declaration.pythonRequirement.specifier, source: { file: path, span: declaration.pythonRequirement.span } } : undefined;
  }
  const source = sources.get(path);
  return (source && pythonVersionFile(path, source.text)) ?? undefined;
}

/** The declarations whose Python is the project's (a lock's is what it was locked for). */
const declaresProjectPython: ReadonlySet<FileKind> = new Set<FileKind>(['pyproject', 'setup-py', 'setup-cfg', 'pipfile']);

function findTargetPython(sources: Map<string, SourceFile>, parsed: Map<string, ParsedFile>, fromSettings: string | undefined): TargetPython | null {
  for (const [path, source] of sources) {
    if (path !== '.python-version' && !path.endsWith('/.python-version')) continue;
    if (path.includes('/')) continue; // only the project root's file applies to the whole project
    const named = pythonVersionFile(path, source.text);
    if (named) return named;
  }
  // Then requires-python (Poetry's python, setuptools' python_requires, Pipfile's python_version) of
  // the shallowest declaration: its lowest allowed X.Y.
  const pyprojects = [...parsed.values()]
    .filter((f) => declaresProjectPython.has(f.kind) && f.pythonRequirement)
    .sort((a, b) => a.path.split('/').length - b.path.split('/').length || (a.path < b.path ? -1 : 1));
  for (const pyproject of pyprojects) {
    const version = lowestPython(pyproject.pythonRequirement);
    if (version) return { version, specifier: pyproject.pythonRequirement!.specifier, source: { file: pyproject.path, span: pyproject.pythonRequirement!.span } };
  }
  if (fromSettings && /^\d+\.\d+$/.test(fromSettings)) return { version: fromSettings, source: 'settings' };
  return null;
}
