// The persistent cache of `pinwise check`, like Ruff's `.ruff_cache`: the findings of each .py
// file, kept from the last run, used again while the file's text and its context are unchanged.
// The context is everything else a .py file's findings depend on: the Pinwise version, the
// knowledge base, the settings, the rest of the project (the pins deciding the versions in
// effect) and the installed environments read beside it; a change to any of them drops every
// entry. One pack file per project root holds the entries of the last run (so it never grows past
// one entry per file), rewritten only when something changed.
//
// The cache folder lies inside the project boundary and never inside `node_modules`; every folder
// on its way from the boundary is a real folder (a symbolic link anywhere on the path, the cache
// folder included, and the cache is not used), created one level at a time. Writes go to a temp
// file created exclusively in the cache folder, then renamed over the pack (a rename replaces a
// link planted at the pack's name instead of following it). Reads open without following a link.
// A pack or an entry that does not read back as expected is a miss, never trusted.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Applicability, Finding, Level } from '../engine/findings';
import { isUnder, placeOf, type Boundary } from './boundary';

/** The folder name at a project's root, unless `--cache-dir` says otherwise; the walk never enters it. */
export const defaultCacheDirName = '.pinwise_cache';

/** Bumped when the pack's layout or the findings' shape changes (2: fixes carry `applicability`). */
const packFormat = 2;

/** A pack larger than this is not read (no project's findings come near it). */
const maxPackBytes = 256 * 1024 * 1024;

export interface FindingsCache {
  /** The findings kept for this path and text, or undefined (a miss). */
  lookup(path: string, text: string): Finding[] | undefined;
  store(path: string, text: string, findings: readonly Finding[]): void;
  /** Writes the pack when an entry changed; a failure to write loses the cache, never the run. */
  save(): void;
}

interface Pack {
  format: number;
  context: string;
  entries: Record<string, { hash: string; findings: Finding[] }>;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The key of everything but a .py file's own text that its findings depend on. */
export function cacheContext(parts: { version: string; knowledgeBase: unknown; settings: unknown; rest: readonly { path: string; text: string }[]; installed: unknown }): string {
  const hash = createHash('sha256');
  hash.update(`pinwise ${parts.version}\0format ${packFormat}\0`);
  hash.update(JSON.stringify(parts.knowledgeBase));
  hash.update('\0');
  hash.update(JSON.stringify(parts.settings));
  hash.update('\0');
  for (const file of [...parts.rest].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) hash.update(`${file.path}\0${file.text.length}\0${file.text}\0`);
  hash.update(JSON.stringify(parts.installed));
  return hash.digest('hex');
}

export type CacheFolder = { ok: true; dir: string } | { ok: false; reason: string };

/**
 * The cache folder `dir` (absolute) for a project in `boundary`, created if missing: inside the
 * boundary, outside any `node_modules`, reached from the boundary through real folders only.
 */
export function openCacheFolder(boundary: Boundary, dir: string): CacheFolder {
  const absolute = resolve(dir);
  if (!isUnder(boundary.real, absolute) || !placeOf(boundary, absolute).inside) return { ok: false, reason: 'it is outside the project' };
  const parts = relative(boundary.real, absolute).split(sep).filter(Boolean);
  if (parts.includes('node_modules')) return { ok: false, reason: 'it is inside node_modules' };
  let at = boundary.real;
  for (const part of parts) {
    at = join(at, part);
    let stats;
    try {
      stats = lstatSync(at);
    } catch {
      try {
        mkdirSync(at); // one level, not recursive: each is checked as it is made
        stats = lstatSync(at);
      } catch (error) {
        return { ok: false, reason: `it cannot be created (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
      }
    }
    if (stats.isSymbolicLink()) return { ok: false, reason: 'it is a symbolic link, or in a folder reached through one' };
    if (!stats.isDirectory()) return { ok: false, reason: 'it is not a folder' };
  }
  // Like Ruff's: git ignores the folder, and backup tools that know CACHEDIR.TAG skip it.
  for (const [name, text] of [
    ['.gitignore', '# Created by pinwise check: the cache of its findings\n*\n'],
    ['CACHEDIR.TAG', 'Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by pinwise.\n'],
  ] as const) {
    try {
      const fd = openSync(join(absolute, name), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
    } catch {
      // already there, or not writable (then the pack is not written either, and the run goes on uncached)
    }
  }
  return { ok: true, dir: absolute };
}

/** The pack of one project root, answering for `context`; an unreadable or foreign pack starts empty. */
export function openFindingsCache(folder: string, projectRoot: string, context: string): FindingsCache {
  // Named by where the project lies from the cache folder, so that a project copied or moved with
  // its cache (`.pinwise_cache` inside it) keeps using the same pack.
  const packPath = join(folder, `findings-${sha256(relative(folder, resolve(projectRoot)).split(sep).join('/')).slice(0, 16)}.json`);
  const old = readPack(packPath, context);
  const next: Pack['entries'] = {};
  let changed = false;
  let used = 0;
  return {
    lookup(path, text) {
      const entry = old?.[path];
      if (!entry || entry.hash !== sha256(text) || !validFindings(entry.findings, path, text.length)) return undefined;
      next[path] = entry;
      used++;
      return entry.findings;
    },
    store(path, text, findings) {
      next[path] = { hash: sha256(text), findings: [...findings] };
      changed = true;
    },
    save() {
      // Unchanged when every entry came from the pack and every entry of the pack was used.
      if (!changed && old && used === Object.keys(old).length) return;
      writePack(folder, packPath, { format: packFormat, context, entries: next });
    },
  };
}

function readPack(path: string, context: string): Pack['entries'] | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > maxPackBytes) return null;
    const pack = JSON.parse(readFileSync(fd, 'utf8')) as Partial<Pack> | null;
    if (!pack || typeof pack !== 'object' || pack.format !== packFormat || pack.context !== context) return null;
    const entries = pack.entries;
    if (!entries || typeof entries !== 'object' || Array.isArray(entries)) return null;
    const out: Pack['entries'] = Object.create(null) as Pack['entries'];
    for (const [path, entry] of Object.entries(entries)) {
      if (entry && typeof entry === 'object' && typeof entry.hash === 'string' && Array.isArray(entry.findings)) out[path] = entry;
    }
    return out;
  } catch {
    return null; // missing, a link, not JSON: nothing cached
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function writePack(folder: string, path: string, pack: Pack): void {
  const temp = join(folder, `.findings.${randomBytes(8).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    const bytes = Buffer.from(JSON.stringify(pack));
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp); // ours: created exclusively above
    } catch {
      // never created, or already renamed
    }
  }
}

const levels = new Set<Level>(['error', 'warning', 'note']);
const applicabilities = new Set<Applicability>(['safe', 'changes-installed', 'manual']);

/** A span of `file`: whole offsets in order, inside the text when it is the cached file's own. */
const isSpanOf = (file: unknown, span: unknown, path: string, length: number): boolean => {
  const s = span as { start?: unknown; end?: unknown } | null;
  if (typeof file !== 'string' || !s || !Number.isInteger(s.start) || !Number.isInteger(s.end)) return false;
  const [start, end] = [s.start as number, s.end as number];
  return start >= 0 && start <= end && (file !== path || end <= length);
};

/** Findings as analyze() makes them, on `path`, with spans inside its text: anything else is not trusted. */
function validFindings(findings: unknown, path: string, length: number): findings is Finding[] {
  if (!Array.isArray(findings)) return false;
  return findings.every((f: Partial<Finding> | null) => {
    if (!f || typeof f !== 'object') return false;
    if (typeof f.ruleId !== 'string' || !levels.has(f.level as Level) || typeof f.message !== 'string' || f.file !== path || !isSpanOf(f.file, f.span, path, length)) return false;
    if (!Array.isArray(f.related) || !Array.isArray(f.fixes) || (f.deprecated !== undefined && f.deprecated !== true)) return false;
    if (!f.related.every((r) => r && typeof r.message === 'string' && isSpanOf(r.file, r.span, path, length))) return false;
    return f.fixes.every(
      (fix) => fix && typeof fix.title === 'string' && applicabilities.has(fix.applicability) && Array.isArray(fix.edits) && fix.edits.every((e) => e && typeof e.text === 'string' && isSpanOf(e.file, e.span, path, length)),
    );
  });
}
