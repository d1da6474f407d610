// How a fix reaches the disk: only a regular file inside the project boundary with no symbolic link
// on its way from the boundary (a link would take the write elsewhere, or be replaced by a plain
// file), written to a temp file created exclusively in the same folder (O_CREAT | O_EXCL with a
// random name: a planted file or link at that name fails the write instead of receiving it), then
// renamed over the original.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { isUnder, type Boundary } from './boundary';

export type Writable = { ok: true; path: string; mode: number } | { ok: false; reason: string };

/** Why a fix is not written: said after "not fixable automatically". */
export const notWritable = {
  outside: 'it is outside the project',
  link: 'it is a symbolic link, or in a folder reached through one (the link is left as it is)',
  special: 'it is not a regular file',
  missing: 'it no longer exists',
} as const;

/**
 * Whether a fix may write the file at `absolute` (a path as the project names it): inside the
 * boundary and reached from it through real folders only, so its path is its real path.
 */
export function writableFile(boundary: Boundary, absolute: string): Writable {
  if (!isUnder(boundary.real, absolute)) return { ok: false, reason: notWritable.outside };
  let at = boundary.real;
  for (const part of relative(boundary.real, absolute).split(sep)) {
    at = join(at, part);
    let stats;
    try {
      stats = lstatSync(at);
    } catch {
      return { ok: false, reason: notWritable.missing };
    }
    if (stats.isSymbolicLink()) return { ok: false, reason: notWritable.link };
    if (at === absolute && !stats.isFile()) return { ok: false, reason: notWritable.special };
    if (at === absolute) return { ok: true, path: absolute, mode: stats.mode & 0o7777 };
  }
  return { ok: false, reason: notWritable.special }; // the boundary folder itself
}

/** Replaces `path` (checked by writableFile) with `bytes`, keeping `mode`, by exclusive temp file + rename. */
export function replaceFile(path: string, bytes: Uint8Array, mode: number): void {
  const temp = join(dirname(path), `.${basename(path)}.pinwise-${randomBytes(8).toString('hex')}.tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode & 0o777);
  try {
    try {
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
      fchmodSync(fd, mode);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp); // ours: created exclusively above
    } catch {
      // already renamed or gone
    }
    throw error;
  }
}
