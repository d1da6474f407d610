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

/** Parses a file as `kind`. Parsers never throw; kinds without a parser yet give an empty model. */
export function parseFile(file: SourceFile, kind: FileKind, grammars?: Grammars): ParsedFile {
  if (kind === 'requirements') return parseRequirementsFile(file.path, file.text);
  if (kind === 'pyproject') return parsePyproject(file.path, file.text);
  if (kind === 'shell') return parseShellScript(file.path, file.text, grammars);
  if (kind === 'python') return parsePythonFile(file.path, file.text, grammars);
  return { path: file.path, kind, requirements: [], options: [], includes: [], problems: [] };
}
