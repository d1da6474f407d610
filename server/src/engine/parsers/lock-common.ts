// What every lock-file parser shares: a locked package (a name and one version, where each is
// written) becomes a `name==version` Requirement whose clause points at the version as written, so
// the rules judge a lock like any other pin; its markers say where it installs. Bad entries become
// problems on the entry, never a throw.
import { LineIndex } from '../line-index';
import { parseMarker } from '../markers';
import { blankRequirement, type DependencyGroup, type FileKind, type ParsedFile, type Requirement, type RequirementIndex, type RequirementOrigin, type Span } from '../model';
import { isValidVersion } from '../versions';
import { normalizeName } from './pep508';
import { lowestPython, type MappedText } from './pyproject';

const pep508Name = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** A string as written in the lock: its decoded text and where it sits (inside its quotes). */
export interface Written {
  text: string;
  span: Span;
}

export const written = (mapped: MappedText): Written => ({ text: mapped.text, span: { ...mapped.whole } });

export interface LockedPackage {
  name: Written;
  version: Written;
  /** The `==2.1.2` the version is part of, when the lock writes the operator too (Pipfile.lock). */
  clauseSpan?: Span;
  /** What a finding on the package points at: its name and version lines, or its key. */
  entry: Span;
  /** Where it installs (PEP 508), already combined from the lock's own marker fields; null: everywhere the lock applies. */
  marker: Written | null;
  /** Which environment of the lock it belongs to: the base install, or a group or extra over it. */
  scope: { kind: 'base' } | { kind: 'group' | 'extra'; name: string };
  /** The index the lock says it came from. */
  index?: { url: string; span: Span };
}

/** Builds a lock's ParsedFile: packages, groups and the lock's Python. */
export class LockFile {
  readonly file: ParsedFile;
  readonly lines: LineIndex;
  private readonly groups = new Map<string, DependencyGroup>();

  constructor(
    path: string,
    kind: FileKind,
    readonly text: string,
    private readonly section: string,
  ) {
    this.file = { path, kind, requirements: [], options: [], includes: [], problems: [], groups: [], markerExtras: [] };
    this.lines = new LineIndex(text);
  }

  problem(span: Span, message: string): void {
    this.file.problems.push({ line: this.lines.positionAt(span.start).line + 1, span, message });
  }

  /** A group or extra the lock names, declared once (at the first place that names it). */
  declareGroup(kind: 'group' | 'extra', name: string, span: Span): void {
    const key = `${kind}\0${name}`;
    if (this.groups.has(key)) return;
    const group: DependencyGroup = { kind, name, span, includeGroups: [] };
    this.groups.set(key, group);
    this.file.groups!.push(group);
  }

  /** Adds a locked package as `name==version`; a bad name, version or marker is a problem instead. */
  add(pkg: LockedPackage): Requirement | null {
    if (!pep508Name.test(pkg.name.text)) {
      this.problem(pkg.name.span, `Invalid package name '${pkg.name.text}'`);
      return null;
    }
    const version = pkg.version.text.trim();
    if (!isValidVersion(version)) {
      this.problem(pkg.version.span, `Invalid version '${pkg.version.text}' for ${pkg.name.text} (not PEP 440)`);
      return null;
    }
    let marker: Written | null = pkg.marker;
    if (marker && marker.text.trim() !== '') {
      const parsed = parseMarker(marker.text);
      if (!parsed.ok) {
        this.problem(marker.span, `Invalid marker for ${pkg.name.text}: ${parsed.message}`);
        marker = null;
      } else {
        for (const value of marker.text.matchAll(/\bextra\s*[!=]=\s*(['"])([^'"]+)\1/g)) {
          if (!this.file.markerExtras!.includes(value[2]!)) this.file.markerExtras!.push(value[2]!);
        }
      }
    } else marker = null;
    const origin: RequirementOrigin =
      pkg.scope.kind === 'base' ? { section: this.section, scope: 'base' } : { section: this.section, group: pkg.scope.name, scope: pkg.scope.kind };
    const requirement = blankRequirement({ file: this.file.path, line: this.lines.positionAt(pkg.name.span.start).line + 1, span: pkg.entry, origin });
    requirement.name = pkg.name.text;
    requirement.nameSpan = pkg.name.span;
    requirement.normalizedName = normalizeName(pkg.name.text);
    requirement.specifier = `==${version}`;
    // The version as written: the clause's version points at it exactly (an escape maps to the whole string).
    const lead = pkg.version.text.length - pkg.version.text.trimStart().length;
    const exact = pkg.version.span.end - pkg.version.span.start === pkg.version.text.length;
    const versionSpan = exact ? { start: pkg.version.span.start + lead, end: pkg.version.span.start + lead + version.length } : { ...pkg.version.span };
    const clauseSpan = pkg.clauseSpan ? { ...pkg.clauseSpan } : { ...versionSpan };
    requirement.specifierSpan = { ...clauseSpan };
    requirement.clauses = [{ operator: '==', version, span: clauseSpan, versionSpan }];
    if (marker) {
      requirement.marker = marker.text.trim();
      requirement.markerSpan = marker.span;
    }
    if (pkg.index) {
      const index: RequirementIndex = { name: pkg.index.url, url: pkg.index.url, urlSpan: pkg.index.span, marker: null, span: pkg.index.span };
      requirement.indexes = [index];
    }
    this.file.requirements.push(requirement);
    return requirement;
  }

  /** The lock's Python: a range (`>=3.10`) or one version (`3.10`), written at `at`. */
  setPython(at: Written): void {
    setFilePython(this.file, at);
  }
}

/**
 * A file's Python, written at `at`: a range (`>=3.10`) sets the lowest X.Y it allows, one version
 * (Pipfile's and Pipfile.lock's `python_version = "3.10"`, `python_full_version = "3.10.4"`) the one
 * its environments run.
 */
export function setFilePython(file: ParsedFile, at: Written): void {
  const specifier = at.text.replace(/\s+/g, '');
  if (specifier === '') return;
  const one = /^(\d+)\.(\d+)(?:\.\d+)*$/.exec(specifier);
  if (one) {
    file.targetPython = { version: `${one[1]}.${one[2]}`, span: at.span };
    file.pythonRequirement = { specifier: specifier.split('.').length === 2 ? `==${specifier}.*` : `==${specifier}`, span: at.span };
    return;
  }
  file.pythonRequirement = { specifier, span: at.span };
  const lowest = lowestPython(file.pythonRequirement);
  if (lowest) file.targetPython = { version: lowest, specifier, span: at.span };
}

/** Several markers under which one entry installs (uv's resolution forks): any of them. */
export function anyOf(markers: readonly string[]): string {
  const parts = markers.map((m) => m.trim()).filter((m) => m !== '');
  return parts.length === 1 ? parts[0]! : parts.map((m) => `(${m})`).join(' or ');
}

/** The span from one written part of an entry to another, when they sit within a few lines; else the first. */
export function entrySpan(lines: LineIndex, first: Span, second: Span | null): Span {
  if (!second) return { ...first };
  const start = Math.min(first.start, second.start);
  const end = Math.max(first.end, second.end);
  return lines.positionAt(end).line - lines.positionAt(start).line <= 3 ? { start, end } : { ...first };
}
