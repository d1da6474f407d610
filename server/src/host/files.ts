// Finding and reading a project's dependency files from disk. Everything
// that touches the file system for the engine lives here (the engine is pure).
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { Grammars } from '../engine/grammars';
import type { SourceFile, UnreadableFile } from '../engine/model';
import { fileKindOf, fileKindOfText, hasShellShebang, isExtensionless, parseFile } from '../engine/parsers';
import { joinPath } from '../engine/project';

/** Files larger than this are reported, not read: no dependency file is this big. */
export const maxFileBytes = 16 * 1024 * 1024;

const skippedDirectories = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', '.hg', '.svn', '.tox', '.nox', '.mypy_cache', '.ruff_cache']);

export type ReadResult = { ok: true; text: string; stats: Stats } | { ok: false; reason: string };

/**
 * Reads a file as text the way pip does: UTF-8 (a BOM is kept in the text so
 * offsets match the bytes on disk), or UTF-16 when it starts with a UTF-16 BOM.
 */
export function readTextFile(path: string): ReadResult {
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
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  }
  const text = decode(bytes);
  return text === null ? { ok: false, reason: 'it is not valid UTF-8 text' } : { ok: true, text, stats };
}

function decode(bytes: Buffer): string | null {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
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

/**
 * Dependency files under `root` (absolute paths), skipping `.git`, `node_modules`,
 * virtual environments (any folder holding `pyvenv.cfg`) and what `.gitignore` files ignore.
 */
export function discoverFiles(root: string): string[] {
  const found: string[] = [];
  const visited = new Set<string>();
  const walk = (dir: string, scopes: IgnoreScope[]): void => {
    let real: string;
    try {
      real = resolve(dir);
      const key = `${statSync(real).dev}:${statSync(real).ino}`;
      if (visited.has(key)) return; // a symlink loop or a second path to a folder already walked
      visited.add(key);
    } catch {
      return;
    }
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    if (entries.includes('pyvenv.cfg')) return;
    let localScopes = scopes;
    if (entries.includes('.gitignore')) {
      const gitignore = readTextFile(join(dir, '.gitignore'));
      if (gitignore.ok) localScopes = [...scopes, { base: dir, rules: ignore().add(gitignore.text) }];
    }
    for (const entry of entries) {
      const full = join(dir, entry);
      let stats: Stats;
      try {
        stats = lstatSync(full);
        if (stats.isSymbolicLink()) stats = statSync(full);
      } catch {
        continue; // dangling link or vanished file
      }
      const isDir = stats.isDirectory();
      if (isDir && skippedDirectories.has(entry)) continue;
      if (isIgnored(localScopes, full, isDir)) continue;
      if (isDir) walk(full, localScopes);
      else if (fileKindOf(entry) !== null || (isExtensionless(entry) && stats.isFile() && isShellScript(full))) found.push(full);
    }
  };
  walk(root, []);
  return found;
}

/** Whether a file without an extension is a shell script: its first bytes are a sh/bash `#!` line (only those are read). */
function isShellScript(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(256);
    const read = readSync(fd, head, 0, head.length, 0);
    return hasShellShebang(head.subarray(0, read).toString('latin1'));
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
    if (scope.rules.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

export interface LoadedProject {
  /** Absolute folder that project-relative paths are relative to. */
  root: string;
  files: SourceFile[];
  unreadable: UnreadableFile[];
  /** Modification time and size when read, so `--fix` can refuse a file changed since. */
  readStats: Map<string, { mtimeMs: number; size: number }>;
}

export function toProjectPath(root: string, absolute: string): string {
  return relative(root, absolute).split(sep).join('/');
}

/**
 * Reads `paths` (absolute) relative to `root`, then follows includes (`-r`,
 * `-c`, pyproject `file = [...]`) to files whose names the discovery does not
 * know, so the engine sees every file pip would read. Remote targets are never fetched.
 */
export function loadProject(root: string, paths: string[], grammars?: Grammars, overlay?: Map<string, string>): LoadedProject {
  const files = new Map<string, SourceFile>();
  const unreadable = new Map<string, UnreadableFile>();
  const readStats = new Map<string, { mtimeMs: number; size: number }>();
  const queue = paths.map((p) => toProjectPath(root, p));
  for (let i = 0; i < queue.length; i++) {
    const path = queue[i]!;
    if (files.has(path) || unreadable.has(path)) continue;
    const open = overlay?.get(path);
    if (open !== undefined) {
      files.set(path, { path, text: open });
    } else {
      const result = readTextFile(join(root, path));
      if (!result.ok) {
        unreadable.set(path, { path, reason: result.reason });
        continue;
      }
      files.set(path, { path, text: result.text });
      readStats.set(path, { mtimeMs: result.stats.mtimeMs, size: result.stats.size });
    }
    const kind = fileKindOfText(path, files.get(path)!.text) ?? (i >= paths.length ? 'requirements' : null);
    if (!kind) continue;
    for (const include of parseFile(files.get(path)!, kind, grammars).includes) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(include.target) || include.target.includes('${')) continue;
      const target = joinPath(path, include.target);
      if (!files.has(target) && !unreadable.has(target) && existsAsEntry(join(root, target))) queue.push(target);
    }
  }
  return { root, files: [...files.values()], unreadable: [...unreadable.values()], readStats };
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
