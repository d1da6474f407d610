import type { Grammars } from '../grammars';
import type { FileKind, ParsedFile, SourceFile } from '../model';
import { parsePythonFile } from './python';
import { parsePyproject } from './pyproject';
import { parseRequirementsFile } from './requirements';
import { isDockerfile, parseShellScript } from './shell';

const requirementsName = /^(?:.*[-_.])?(?:requirements|constraints|reqs)(?:[-_.].*)?\.(?:txt|in)$/i;

/**
 * The kind of a dependency file from its path alone (`null`: not ours).
 * Files reached through `-r`/`-c` are requirements files whatever their name.
 */
export function fileKindOf(path: string): FileKind | null {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const parent = path.split('/').slice(-2, -1)[0] ?? '';
  if (base === 'pyproject.toml') return 'pyproject';
  if (base === '.python-version') return 'python-version';
  if (requirementsName.test(base) || /\.pip$/i.test(base)) return 'requirements';
  if (/^requirements$/i.test(parent) && /\.(txt|in)$/i.test(base)) return 'requirements';
  if (/\.(sh|bash)$/i.test(base) || isDockerfile(path)) return 'shell';
  if (/\.pyi?$/i.test(base)) return 'python';
  return null;
}

// The interpreter is an absolute path to the shell itself, or to `env` (with its options) naming it.
const shellShebang = /^#![ \t]*\/(?:[\w.+-]+\/)*(?:(?:ba|da|z|k)?sh|env(?:[ \t]+-\S+)*[ \t]+(?:ba|da|z|k)?sh)(?=[ \t\r\n]|$)/;

/** A `#!` line naming a POSIX-style shell: `#!/bin/sh`, `#!/usr/bin/env bash`, `#!/usr/bin/env -S bash -e`, dash, zsh, ksh. */
export function hasShellShebang(text: string): boolean {
  return shellShebang.test(text.slice(text.charCodeAt(0) === 0xfeff ? 1 : 0, 256));
}

/** Whether a file name has no extension (`install`, `scripts/setup`), so its kind can only come from its content. */
export function isExtensionless(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.length > 0 && !base.includes('.');
}

/** The kind of a file from its path, or, for a file without an extension, from a shell `#!` line. */
export function fileKindOfText(path: string, text: string): FileKind | null {
  return fileKindOf(path) ?? (isExtensionless(path) && hasShellShebang(text) ? 'shell' : null);
}

/** Parses a file as `kind`. Parsers never throw; kinds without a parser yet give an empty model. */
export function parseFile(source: SourceFile, kind: FileKind, grammars?: Grammars): ParsedFile {
  const file = withoutBom(source, kind);
  if (kind === 'requirements') return parseRequirementsFile(file.path, file.text);
  if (kind === 'pyproject') return parsePyproject(file.path, file.text);
  if (kind === 'shell') return parseShellScript(file.path, file.text, grammars);
  if (kind === 'python') return parsePythonFile(file.path, file.text, grammars);
  return { path: file.path, kind, requirements: [], options: [], includes: [], problems: [] };
}

/**
 * A byte order mark at the start of a text (an editor that keeps it; the host strips it when it
 * reads a file) would make TOML and Python unreadable: it is parsed as blank, one UTF-16 unit
 * like the mark, so every offset still points into the text as given. Python gets a newline (a
 * space would be an indent); the other kinds, whose models count lines, a space.
 */
function withoutBom(source: SourceFile, kind: FileKind): SourceFile {
  if (source.text.charCodeAt(0) !== 0xfeff) return source;
  return { ...source, text: (kind === 'python' ? '\n' : ' ') + source.text.slice(1) };
}
