// The project boundary: nothing outside it is read into findings or written by a fix, whatever an
// include, a symbolic link or an absolute path says. On the command line it is the repository that
// holds PATH (so a monorepo's `-r ../../common/requirements.txt` works); in the editor, the
// workspace folder. Every check is on real paths, so a link inside the project that points out of
// it is outside.
import { existsSync, lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';

export interface Boundary {
  /** The real path of the boundary folder. */
  real: string;
}

/** The boundary at `folder` (resolved to its real path; a folder that does not exist is taken as written). */
export function boundaryAt(folder: string): Boundary {
  return { real: realPathOrSelf(resolve(folder)) };
}

/**
 * The boundary for a command-line PATH: the nearest ancestor of its real path (itself included)
 * holding a `.git` (a folder, or a worktree's file), else the folder PATH stands for.
 */
export function repositoryBoundaryFor(path: string): Boundary {
  const real = realPathOrSelf(resolve(path));
  let folder = real;
  try {
    if (!statSync(real).isDirectory()) folder = dirname(real);
  } catch {
    folder = dirname(real);
  }
  for (let dir = folder; ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, '.git'))) return { real: dir };
    if (dirname(dir) === dir) break;
  }
  return { real: folder };
}

/** Whether `path` is `folder` or lies under it, by name alone. */
export function isUnder(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Inside (with the real path to read, or why it cannot resolve: a link loop, no permission) or outside. */
export type Placement = { inside: true; real: string } | { inside: true; failure: unknown } | { inside: false };

/**
 * Where `absolute` lies: inside when its path and its real path are both under the boundary. For
 * a path that does not exist, its nearest existing ancestor (or a dangling link's target) decides,
 * so an answer never tells whether a file outside the project exists.
 */
export function placeOf(boundary: Boundary, absolute: string, depth = 0): Placement {
  const lexical = resolve(absolute);
  if (!isUnder(boundary.real, lexical) || depth > 40) return { inside: false };
  let probe = lexical;
  for (;;) {
    try {
      const real = realpathSync.native(probe);
      if (!isUnder(boundary.real, real)) return { inside: false };
      return { inside: true, real: probe === lexical ? real : resolve(real, relative(probe, lexical)) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return { inside: true, failure: error };
      if (probe === lexical) {
        const target = danglingLinkTarget(probe);
        if (target !== null) return placeOf(boundary, target, depth + 1);
      }
      const parent = dirname(probe);
      if (parent === probe) return { inside: false };
      probe = parent;
    }
  }
}

function danglingLinkTarget(path: string): string | null {
  try {
    return lstatSync(path).isSymbolicLink() ? resolve(dirname(path), readlinkSync(path)) : null;
  } catch {
    return null;
  }
}

/** The real path of `path`, or `path` itself when it cannot be resolved. */
export function realPathOrSelf(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}
