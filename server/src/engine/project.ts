// Which files make up the project and which pins install together.
import type { FileKind, Include, ParsedFile, PipOption, Requirement, SourceFile, Span, UnreadableFile } from './model';
import type { Grammars } from './grammars';
import { fileKindOf, parseFile } from './parsers';

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
}

export type UnresolvedReason = 'missing' | 'unreadable' | 'remote' | 'cycle' | 'variable';

export interface UnresolvedInclude {
  include: Include;
  reason: UnresolvedReason;
  /** The resolved path, or the read error. */
  detail: string;
}

export interface TargetPython {
  version: string;
  /** Where it came from: a file span, or the settings. */
  source: { file: string; span: Span } | 'settings';
}

export interface Project {
  sources: Map<string, SourceFile>;
  parsed: Map<string, ParsedFile>;
  unreadable: UnreadableFile[];
  environments: Environment[];
  unresolvedIncludes: UnresolvedInclude[];
  targetPython: TargetPython | null;
}

export interface ProjectInput {
  files: SourceFile[];
  unreadable?: UnreadableFile[];
  /** Target Python from settings; the project's own declaration wins. */
  python?: string;
  grammars?: Grammars;
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
    const file = parseFile(source, kind, input.grammars);
    parsed.set(path, file);
    return file;
  };

  for (const file of input.files) {
    const kind = fileKindOf(file.path);
    if (kind) parseAs(file.path, kind);
  }

  // Follow includes breadth-first: an included file is a requirements file whatever its name.
  const includedBy = new Map<string, Set<string>>();
  const edges = new Map<Include, string>();
  const queue = [...parsed.values()].filter((f) => f.kind === 'requirements');
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i]!;
    for (const include of file.includes) {
      const resolved = resolveInclude(include);
      if ('reason' in resolved) {
        unresolvedIncludes.push(resolved);
        continue;
      }
      edges.set(include, resolved.path);
      if (!includedBy.has(resolved.path)) includedBy.set(resolved.path, new Set());
      includedBy.get(resolved.path)!.add(file.path);
      const before = parsed.has(resolved.path);
      const target = parseAs(resolved.path, 'requirements');
      if (target && !before) queue.push(target);
    }
  }

  function resolveInclude(include: Include): { path: string } | UnresolvedInclude {
    if (remoteTarget.test(include.target)) return { include, reason: 'remote', detail: include.target };
    if (/\$\{[^}]*\}/.test(include.target)) return { include, reason: 'variable', detail: include.target };
    const path = joinPath(include.file, include.target);
    if (sources.has(path)) return { path };
    const bad = unreadableByPath.get(path);
    if (bad) return { include, reason: 'unreadable', detail: bad.reason };
    return { include, reason: 'missing', detail: path };
  }

  const environments = buildRequirementsEnvironments(parsed, includedBy, edges, unresolvedIncludes);
  return {
    sources,
    parsed,
    unreadable,
    environments,
    unresolvedIncludes,
    targetPython: findTargetPython(sources, input.python),
  };
}

function buildRequirementsEnvironments(
  parsed: Map<string, ParsedFile>,
  includedBy: Map<string, Set<string>>,
  edges: Map<Include, string>,
  unresolved: UnresolvedInclude[],
): Environment[] {
  const requirementsFiles = [...parsed.values()].filter((f) => f.kind === 'requirements');
  const roots = requirementsFiles.filter((f) => !includedBy.has(f.path));
  const reported = new Set<Include>();
  const environments: Environment[] = [];
  const covered = new Set<string>();

  const collect = (root: ParsedFile): Environment => {
    const env: Environment = {
      id: root.path,
      label: root.path,
      rootFile: root.path,
      files: [],
      requirements: [],
      constraints: [],
      options: [],
    };
    const visit = (file: ParsedFile, asConstraint: boolean, stack: string[]): void => {
      if (!env.files.includes(file.path)) env.files.push(file.path);
      covered.add(file.path);
      for (const requirement of file.requirements) {
        if (asConstraint) env.constraints.push({ ...requirement, isConstraint: true });
        else env.requirements.push(requirement);
      }
      env.options.push(...file.options);
      for (const include of file.includes) {
        const target = edges.get(include);
        if (target === undefined) continue;
        if (stack.includes(target)) {
          if (!reported.has(include)) {
            reported.add(include);
            unresolved.push({ include, reason: 'cycle', detail: [...stack.slice(stack.indexOf(target)), target].join(' → ') });
          }
          continue;
        }
        const child = parsed.get(target);
        if (child) visit(child, asConstraint || include.kind === 'constraint', [...stack, target]);
      }
    };
    visit(root, false, [root.path]);
    return env;
  };

  for (const root of roots) environments.push(collect(root));
  // Files only reachable inside a cycle have no root: give each its own environment.
  for (const file of requirementsFiles) {
    if (!covered.has(file.path)) environments.push(collect(file));
  }
  return environments;
}

function findTargetPython(sources: Map<string, SourceFile>, fromSettings: string | undefined): TargetPython | null {
  for (const [path, source] of sources) {
    if (path !== '.python-version' && !path.endsWith('/.python-version')) continue;
    if (path.includes('/')) continue; // only the project root's file applies to the whole project
    const match = /^\s*(?:cpython-|python)?(\d+\.\d+)/m.exec(source.text);
    if (match) {
      const start = match.index + match[0].length - match[1]!.length;
      return { version: match[1]!, source: { file: path, span: { start, end: start + match[1]!.length } } };
    }
  }
  if (fromSettings && /^\d+\.\d+$/.test(fromSettings)) return { version: fromSettings, source: 'settings' };
  return null;
}
