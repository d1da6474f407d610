// What the language server reads for an analysis: open documents, then the disk text it read
// before (kept until the file watcher says the file changed), then the disk. Includes are
// followed the way host/files.ts's loadProject follows them, through the parse cache, so a
// keystroke parses the edited document once and reads nothing from disk.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { Grammars } from '../engine/grammars';
import type { SourceFile, UnreadableFile } from '../engine/model';
import { fileKindOfText } from '../engine/parsers';
import { joinPath, parseCached, type ParseCache } from '../engine/project';
import { readTextFile, toProjectPath } from '../host/files';

export interface FolderFiles {
  files: SourceFile[];
  unreadable: UnreadableFile[];
}

/**
 * Reads `paths` (absolute) relative to `root` and every file their includes reach. `open` holds
 * the text of open documents by project path; `disk` the disk text read before, and receives what
 * is read now. Remote and `${VAR}` include targets are never read.
 */
export function loadFolderFiles(root: string, paths: readonly string[], open: ReadonlyMap<string, string>, disk: Map<string, string>, grammars: Grammars | undefined, cache: ParseCache): FolderFiles {
  const files = new Map<string, SourceFile>();
  const unreadable = new Map<string, UnreadableFile>();
  const queue = paths.map((p) => toProjectPath(root, p));
  for (let i = 0; i < queue.length; i++) {
    const path = queue[i]!;
    if (files.has(path) || unreadable.has(path)) continue;
    let text = open.get(path) ?? disk.get(path);
    if (text === undefined) {
      const result = readTextFile(join(root, path));
      if (!result.ok) {
        unreadable.set(path, { path, reason: result.reason });
        continue;
      }
      text = result.text;
      disk.set(path, text);
    }
    const source = { path, text };
    files.set(path, source);
    const kind = fileKindOfText(path, text) ?? (i >= paths.length ? 'requirements' : null);
    if (!kind) continue;
    for (const include of parseCached(source, kind, grammars, cache).includes) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(include.target) || include.target.includes('${')) continue;
      const target = joinPath(path, include.target);
      if (files.has(target) || unreadable.has(target)) continue;
      if (open.has(target) || disk.has(target) || existsAsEntry(join(root, target))) queue.push(target);
    }
  }
  return { files: [...files.values()], unreadable: [...unreadable.values()] };
}

/** Keeps only the parses of files the last analysis used (closed or deleted files drop out). */
export function pruneParseCache(cache: ParseCache, used: ReadonlyMap<string, unknown>): void {
  for (const path of cache.keys()) if (!used.has(path)) cache.delete(path);
}

function existsAsEntry(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
