// PyPI's JSON API (`/pypi/<name>/json`, `/pypi/<name>/<version>/json`): requires_python, Requires-Dist
// and the files of each release.
import { parsePep508 } from '../../server/src/engine/parsers/pep508';
import { normalizeName } from '../../server/src/engine/parsers/pep508';

export interface PypiFile {
  filename: string;
  packagetype: string;
  requiresPython: string | null;
  yanked: boolean;
}

export interface PypiRelease {
  name: string;
  version: string;
  requiresPython: string | null;
  /** Requires-Dist strings, as published (null when the API gives none: an old or sdist-only release). */
  requiresDist: string[] | null;
  files: PypiFile[];
}

export interface PypiProject {
  name: string;
  latest: string;
  /** Every release's files, by version (the project page's `releases`). */
  releases: Map<string, PypiFile[]>;
}

interface RawFile {
  filename?: unknown;
  packagetype?: unknown;
  requires_python?: unknown;
  yanked?: unknown;
}

const files = (raw: unknown): PypiFile[] =>
  (Array.isArray(raw) ? (raw as RawFile[]) : [])
    .filter((f) => typeof f.filename === 'string')
    .map((f) => ({
      filename: f.filename as string,
      packagetype: typeof f.packagetype === 'string' ? f.packagetype : '',
      requiresPython: typeof f.requires_python === 'string' && f.requires_python !== '' ? f.requires_python : null,
      yanked: f.yanked === true,
    }));

export function parsePypiRelease(body: string): PypiRelease {
  const page = JSON.parse(body) as { info?: { name?: unknown; version?: unknown; requires_python?: unknown; requires_dist?: unknown }; urls?: unknown };
  const info = page.info;
  if (!info || typeof info.name !== 'string' || typeof info.version !== 'string') throw new Error('not a PyPI release page (info.name / info.version missing)');
  return {
    name: normalizeName(info.name),
    version: info.version,
    requiresPython: typeof info.requires_python === 'string' && info.requires_python !== '' ? info.requires_python : null,
    requiresDist: Array.isArray(info.requires_dist) ? info.requires_dist.filter((d): d is string => typeof d === 'string') : null,
    files: files(page.urls),
  };
}

export function parsePypiProject(body: string): PypiProject {
  const page = JSON.parse(body) as { info?: { name?: unknown; version?: unknown }; releases?: Record<string, unknown> };
  const info = page.info;
  if (!info || typeof info.name !== 'string' || typeof info.version !== 'string') throw new Error('not a PyPI project page (info.name / info.version missing)');
  const releases = new Map<string, PypiFile[]>();
  for (const [version, raw] of Object.entries(page.releases ?? {})) releases.set(version, files(raw));
  return { name: normalizeName(info.name), latest: info.version, releases };
}

export interface DeclaredDependency {
  name: string;
  specifier: string;
  marker: string | null;
}

/**
 * The requirement on `dependency` a release declares outside any extra (`torch==2.3.1`,
 * `numpy<2.1.0,>=1.26.0; python_version >= "3.12"`); every such line when it declares several.
 */
export function dependencyOn(release: PypiRelease, dependency: string): DeclaredDependency[] {
  const wanted = normalizeName(dependency);
  const out: DeclaredDependency[] = [];
  for (const line of release.requiresDist ?? []) {
    const parsed = parsePep508(line);
    if (!parsed.ok || normalizeName(parsed.requirement.name) !== wanted) continue;
    if (parsed.requirement.marker && /\bextra\b/.test(parsed.requirement.marker)) continue;
    out.push({ name: wanted, specifier: sortedSpecifier(parsed.requirement.specifier), marker: parsed.requirement.markerNormalized });
  }
  return out;
}

/** Clauses lower bound first (`<2.1.0,>=1.26.0` → `>=1.26.0,<2.1.0`), as the knowledge base writes them. */
function sortedSpecifier(specifier: string): string {
  const rank = (clause: string) => (clause.startsWith('>') || clause.startsWith('~=') ? 0 : clause.startsWith('==') || clause.startsWith('===') ? 1 : clause.startsWith('<') ? 2 : 3);
  return specifier
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '')
    .sort((a, b) => rank(a) - rank(b))
    .join(',');
}

/** `>=3.10` → `3.10`; null when requires_python has no lower bound on a 3.x minor. */
export function minimumPython(requiresPython: string | null): string | null {
  if (!requiresPython) return null;
  const m = />=\s*3\.(\d+)/.exec(requiresPython) ?? /~=\s*3\.(\d+)/.exec(requiresPython);
  return m ? `3.${Number(m[1])}` : null;
}
