// What the language server reads for an analysis: open documents, then the disk text it read
// before (kept until the file watcher says the file changed), then the disk. Includes are
// followed by the same loader as the command line's (host/files.ts), through the parse cache, so
// a keystroke parses the edited document once and reads nothing from disk, and nothing outside
// the workspace folder is read.
import type { Grammars } from '../engine/grammars';
import type { SourceFile, UnreadableFile } from '../engine/model';
import type { ParseCache } from '../engine/project';
import type { Boundary } from '../host/boundary';
import { loadProject } from '../host/files';

export interface FolderFiles {
  files: SourceFile[];
  unreadable: UnreadableFile[];
}

/**
 * Reads `paths` (absolute) relative to `root` and every file their includes reach inside
 * `boundary`. `open` holds the text of open documents by project path; `disk` the disk text read
 * before, and receives what is read now. Remote and variable include targets are never read.
 */
export function loadFolderFiles(
  root: string,
  paths: readonly string[],
  open: ReadonlyMap<string, string>,
  disk: Map<string, string>,
  grammars: Grammars | undefined,
  cache: ParseCache,
  boundary?: Boundary,
): FolderFiles {
  const loaded = loadProject(root, paths, { boundary, open, disk, grammars, parseCache: cache });
  return { files: loaded.files, unreadable: loaded.unreadable };
}

/** Keeps only the parses of files the last analysis used (closed or deleted files drop out). */
export function pruneParseCache(cache: ParseCache, used: ReadonlyMap<string, unknown>): void {
  for (const path of cache.keys()) if (!used.has(path)) cache.delete(path);
}
