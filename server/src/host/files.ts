// Finding and reading a project's dependency files from disk. Everything
// that touches the file system for the engine lives here (the engine is pure).
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Ignore } from 'ignore';
import type { Grammars } from '../engine/grammars';
import { decodeText, type Decoded } from './decode';
import type { SourceFile, UnreadableFile } from '../engine/model';
import { fileKindOf, fileKindOfText, mayBeKindByContent, sniffBytes } from '../engine/kinds';
import { includeTargets, parseCached, type ParseCache } from '../engine/project';
import { boundaryAt, isUnder, placeOf, realPathOrSelf, type Boundary } from './boundary';
import { compilePatterns, safelyIgnores } from './ignore-patterns';

/** Files larger than this are reported, not read: no dependency file is this big. */
export const maxFileBytes = 16 * 1024 * 1024;

const skippedDirectories = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', '.hg', '.svn', '.tox', '.nox', '.mypy_cache', '.ruff_cache', '.pinwise_cache']);

export type ReadResult = { ok: true; text: string; stats: Stats; decoded: Decoded } | { ok: false; reason: string; outside?: true };

/**
 * Reads a file as text the way pip does (see decode.ts): UTF-8, or UTF-16 when it starts with a
 * UTF-16 BOM; the text holds no BOM, as in an editor, and `decoded` says how to write it back.
 */
export function readTextFile(path: string, noFollow = false): ReadResult {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  }
  if (stats.isDirectory()) return { ok: false, reason: 'it is a directory' };
  if (!stats.isFile()) return { ok: false, reason: 'it is not a regular file' };
  if (stats.size > maxFileBytes) return { ok: false, reason: `it is ${Math.round(stats.size / 1048576)} MB, over the ${maxFileBytes / 1048576} MB limit` };
  let bytes: Buffer;
  let fd: number | undefined;
  try {
    // A real path is opened without following a link put there since it was resolved.
    fd = openSync(path, noFollow ? constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK : 'r');
    const opened = fstatSync(fd);
    if (!opened.isFile() || opened.ino !== stats.ino || opened.dev !== stats.dev) return { ok: false, reason: 'it changed while being read' };
    bytes = readFileSync(fd);
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const decoded = decodeText(bytes);
  return decoded === null ? { ok: false, reason: 'it is not valid UTF-8 text' } : { ok: true, text: decoded.text, stats, decoded };
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'it does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'it is a symbolic link loop';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

interface IgnoreScope {
  base: string;
  rules: Ignore;
}

/** Installed packages, not the project's own files: never walked (their metadata is read only by `--env`). */
function isInstalledPackages(name: string, entries: readonly string[]): boolean {
  return name === 'site-packages' || name === 'dist-packages' || entries.includes('pyvenv.cfg') || entries.includes('conda-meta');
}

export interface DiscoverOptions {
  /** Links whose real path leaves it are not followed (default: the root itself). */
  boundary?: Boundary;
  /** Receives what was skipped and why (a .gitignore pattern that cannot be compiled). */
  onProblem?: (message: string) => void;
}

/**
 * Dependency files under `root` (absolute paths), skipping `.git`, `node_modules`, virtual
 * environments and installed packages (`site-packages`, any folder holding `pyvenv.cfg` or
 * `conda-meta`) and what `.gitignore` files ignore. Iterative, each folder walked once (a link
 * loop or a second link to a folder ends there), and a link whose real path leaves the boundary
 * is not followed: a link to a folder outside is skipped; a dependency file linking outside is
 * listed, so reading it reports it as outside.
 */
export function discoverFiles(root: string, options: DiscoverOptions = {}): string[] {
  const boundary = options.boundary ?? boundaryAt(root);
  const realRoot = realPathOrSelf(resolve(root));
  const found: string[] = [];
  const visited = new Set<string>();
  interface Frame {
    dir: string;
    entries: string[];
    next: number;
    scopes: IgnoreScope[];
  }
  const open = (dir: string, scopes: IgnoreScope[]): Frame | null => {
    try {
      const stats = statSync(dir);
      const key = `${stats.dev}:${stats.ino}`;
      if (visited.has(key)) return null; // a symlink loop or a second path to a folder already walked
      visited.add(key);
    } catch {
      return null;
    }
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return null;
    }
    if (dir !== root && isInstalledPackages(basename(dir), entries)) return null;
    if (dir === root && (entries.includes('pyvenv.cfg') || entries.includes('conda-meta'))) return null;
    let localScopes = scopes;
    if (entries.includes('.gitignore')) {
      const gitignore = readInside(boundary, join(dir, '.gitignore'));
      if (gitignore.ok) {
        const compiled = compilePatterns(gitignore.text.split(/\r?\n/), toProjectPath(root, join(dir, '.gitignore')) || '.gitignore');
        for (const problem of compiled.skipped) options.onProblem?.(problem);
        localScopes = [...scopes, { base: dir, rules: compiled.matcher }];
      }
    }
    return { dir, entries, next: 0, scopes: localScopes };
  };
  const first = open(root, []);
  const stack: Frame[] = first ? [first] : [];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next >= frame.entries.length) {
      stack.pop();
      continue;
    }
    const entry = frame.entries[frame.next++]!;
    const full = join(frame.dir, entry);
    let stats: Stats;
    let outside = false;
    let linkedInsideRoot = false;
    try {
      stats = lstatSync(full);
      if (stats.isSymbolicLink()) {
        const place = placeOf(boundary, full);
        outside = !place.inside;
        linkedInsideRoot = 'real' in place && isUnder(realRoot, place.real);
        stats = statSync(full);
      }
    } catch {
      if (outside && fileKindOf(toProjectPath(root, full)) !== null) found.push(full); // a dangling link out of the project: said so when read
      continue; // dangling link or vanished file
    }
    const isDir = stats.isDirectory();
    // A folder linked from inside the walk is walked under its own name: files are found (and
    // fixed) at their real paths, not through the link.
    if (isDir && (skippedDirectories.has(entry) || outside || linkedInsideRoot)) continue;
    if (isIgnored(frame.scopes, full, isDir)) continue;
    if (isDir) {
      const child = open(full, frame.scopes);
      if (child) stack.push(child);
    } else {
      // Kinds are decided on the project path: `requirements/gpu.txt` is one by its folder.
      const path = toProjectPath(root, full);
      if (fileKindOf(path) !== null || (!outside && stats.isFile() && mayBeKindByContent(path) && isKindByContent(full, path))) found.push(full);
    }
  }
  return found;
}

/** Whether a file no kind claims by name is one by its first bytes (a `#!` line, requirements under another name); only those are read. */
function isKindByContent(absolute: string, path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(absolute, constants.O_RDONLY | constants.O_NONBLOCK);
    const head = Buffer.alloc(sniffBytes);
    const read = readSync(fd, head, 0, head.length, 0);
    const decoded = decodeText(head.subarray(0, read));
    return fileKindOfText(path, decoded?.text ?? head.subarray(0, read).toString('latin1')) !== null;
  } catch {
    return false; // unreadable: not worth a finding for a file that may not be ours
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isIgnored(scopes: IgnoreScope[], full: string, isDir: boolean): boolean {
  for (const scope of scopes) {
    const rel = relative(scope.base, full).split(sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    if (safelyIgnores(scope.rules, isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

export interface LoadedProject {
  /** Absolute folder that project-relative paths are relative to. */
  root: string;
  /** Nothing outside it was read. */
  boundary: Boundary;
  files: SourceFile[];
  unreadable: UnreadableFile[];
  /** Modification time and size when read, so `--fix` can refuse a file changed since. */
  readStats: Map<string, { mtimeMs: number; size: number }>;
  /** The parses made while following includes: the analysis reuses them, so each file is parsed once. */
  parses: ParseCache;
}

export function toProjectPath(root: string, absolute: string): string {
  return relative(root, absolute).split(sep).join('/');
}

/** The file a project path names: relative to the root, or an absolute path as written. */
export function absolutePathOf(root: string, path: string): string {
  return path.startsWith('/') ? path : resolve(root, path);
}

/** What one project may read: past either, the rest is listed as not read (a `note` says so). */
export const projectLimits = { files: 20_000, bytes: 256 * 1024 * 1024 };

export interface LoadOptions {
  /** Nothing outside it is read (default: the root itself). */
  boundary?: Boundary;
  grammars?: Grammars;
  /** Text of open documents by project path, used instead of the disk. */
  open?: ReadonlyMap<string, string>;
  /** Disk text read before, by project path (a long-lived host's cache); receives what is read now. */
  disk?: Map<string, string>;
  /**
   * Parses kept between runs (the language server): an include is found by parsing once. Without
   * one, the load makes its own (`LoadedProject.parses`), for the analysis to reuse.
   */
  parseCache?: ParseCache;
  /**
   * Files the user named (absolute): read whatever their name, as the kind their content shows,
   * as a requirements file when their name allows it (`.txt`, `.in`, no extension), or else listed
   * as not a dependency file, never skipped silently.
   */
  named?: readonly string[];
  limits?: { files: number; bytes: number };
}

/**
 * Reads `paths` (absolute) relative to `root`, then follows includes (`-r`, `-c`, a script's
 * `pip install -r`, pyproject `file = [...]`) to files whose names the discovery does not know, so
 * the engine sees every file pip would read. Each file is read once; remote and variable targets
 * are never fetched; a target outside the boundary is not read but listed as outside, so its
 * include says so without quoting it.
 */
export function loadProject(root: string, paths: readonly string[], options: LoadOptions = {}): LoadedProject {
  const boundary = options.boundary ?? boundaryAt(root);
  const realRoot = realPathOrSelf(resolve(root));
  const limits = options.limits ?? projectLimits;
  const files = new Map<string, SourceFile>();
  const unreadable = new Map<string, UnreadableFile>();
  const readStats = new Map<string, { mtimeMs: number; size: number }>();
  const parses: ParseCache = options.parseCache ?? new Map();
  const named = new Set((options.named ?? []).map((p) => toProjectPath(root, p)));
  const queued = new Set<string>();
  const queue: string[] = [];
  const enqueue = (path: string): void => {
    if (queued.has(path)) return;
    queued.add(path);
    queue.push(path);
  };
  for (const p of paths) enqueue(toProjectPath(root, p));
  for (const p of named) enqueue(p);
  const listed = queue.length;
  let bytes = 0;
  for (let i = 0; i < queue.length; i++) {
    const path = queue[i]!;
    if (files.size >= limits.files || bytes >= limits.bytes) {
      const limit = files.size >= limits.files ? `${limits.files} files` : `${Math.round(limits.bytes / 1048576)} MB`;
      unreadable.set(path, { path, reason: `not read: the project reached its limit of ${limit}`, notRead: 'budget' });
      continue;
    }
    let text = options.open?.get(path) ?? options.disk?.get(path);
    if (text === undefined) {
      const result = readInside(boundary, absolutePathOf(realRoot, path));
      if (!result.ok) {
        unreadable.set(path, { path, reason: result.reason, ...(result.outside ? { notRead: 'outside' as const } : {}) });
        continue;
      }
      text = result.text;
      options.disk?.set(path, text);
      readStats.set(path, { mtimeMs: result.stats.mtimeMs, size: result.stats.size });
    }
    bytes += text.length;
    // A file reached by an include, or named with a name a requirements file may have, is one whatever its name.
    const kind = fileKindOfText(path, text) ?? (i >= listed || (named.has(path) && /(?:\.txt|\.in|^[^.]*)$/i.test(basename(path))) ? 'requirements' : null);
    if (!kind && named.has(path)) {
      unreadable.set(path, { path, reason: notDependencyFileReason, notRead: 'not-dependency' });
      continue;
    }
    const source: SourceFile = kind && kind !== fileKindOfText(path, text) ? { path, text, kind } : { path, text };
    files.set(path, source);
    if (!kind) continue;
    for (const include of parseCached(source, kind, options.grammars, parses).includes) {
      const targets = includeTargets(include, kind);
      if ('reason' in targets) continue;
      // The first candidate known or existing inside the project, as the engine resolves it; else
      // one outside, so the include is reported as outside rather than missing.
      let outside: string | undefined;
      for (const candidate of targets.paths) {
        if (queued.has(candidate) || options.open?.has(candidate) || options.disk?.has(candidate)) {
          enqueue(candidate);
          outside = undefined;
          break;
        }
        const absolute = absolutePathOf(realRoot, candidate);
        if (!placeOf(boundary, absolute).inside) outside ??= candidate;
        else if (existsAsEntry(absolute)) {
          enqueue(candidate);
          outside = undefined;
          break;
        }
      }
      if (outside !== undefined) enqueue(outside);
    }
  }
  return { root, boundary, files: [...files.values()], unreadable: [...unreadable.values()], readStats, parses };
}

/** Why a file named on the command line was not checked. */
export const notDependencyFileReason = 'it is not a dependency file Pinwise reads (a requirements file, pyproject.toml, a script, a Dockerfile, Python code; see the README for every kind)';

/** Why a file outside the boundary is not read (its include quotes nothing of it). */
export const outsideReason = 'it is outside the project';

/** Reads `absolute` when it (and its real path) lies inside `boundary`. */
export function readInside(boundary: Boundary, absolute: string): ReadResult {
  const place = placeOf(boundary, absolute);
  if (!place.inside) return { ok: false, reason: outsideReason, outside: true };
  if ('failure' in place) return { ok: false, reason: describeError(place.failure) };
  return readTextFile(place.real, true);
}

/** True when something is at `path` (a file, a directory, a broken link): reading it then says what is wrong. */
function existsAsEntry(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The folder a PATH argument stands for: itself, or a file's parent. */
export function projectRootFor(path: string): string {
  const absolute = resolve(path);
  try {
    return statSync(absolute).isDirectory() ? absolute : dirname(absolute);
  } catch {
    return dirname(absolute);
  }
}
