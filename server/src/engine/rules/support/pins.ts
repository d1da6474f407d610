// Pin queries shared by every rule: which pins of a package install together in one environment,
// what they pin (through versions.ts), whether their markers can hold at once (through markers.ts),
// how they read in messages, and the edits that remove a line or append a clause.
// Pure and total: malformed input gives empty answers, never an exception.
import type { Edit } from '../../findings';
import { markersCanAllHold } from '../../markers';
import type { Requirement, SourceFile, Span, SpecifierClause } from '../../model';
import type { Environment, Project } from '../../project';
import { localTag as versionLocalTag, parseVersion, publicVersion, versionRange, type VersionRange } from '../../versions';
import { pushAll } from '../../arrays';

// ---------------------------------------------------------------------------------------------
// Which pins

/**
 * The pins of `normalizedName` in an environment: what it installs and, unless
 * `constraints: false`, what its `-c` files constrain.
 */
export function pinsOf(env: Environment, normalizedName: string, options: { constraints?: boolean } = {}): Requirement[] {
  const out = env.requirements.filter((r) => r.normalizedName === normalizedName);
  if (options.constraints !== false) pushAll(out, env.constraints.filter((r) => r.normalizedName === normalizedName));
  return out;
}

// ---------------------------------------------------------------------------------------------
// What a pin allows

/** The clauses that name one exact version (`==X`, `===X`, no wildcard). */
function exactClauses(req: Requirement) {
  return req.clauses.filter((c) => (c.operator === '==' || c.operator === '===') && !c.version.includes('*'));
}

/** The public version an exact pin names (`2.3.1` for `==2.3.1+rocm5.7`, also beside other clauses), or null. */
export function exactVersion(req: Requirement): string | null {
  const exact = exactClauses(req);
  if (exact.length !== 1) return null;
  const written = exact[0]!.version.trim();
  return parseVersion(written) ? written.replace(/\+.*$/, '') : null;
}

/** The local tag of an exact pin, normalised (`rocm5.7` for `==2.3.1+rocm5.7`), or null. */
export function localTag(req: Requirement): string | null {
  for (const clause of exactClauses(req)) {
    const tag = versionLocalTag(clause.version);
    if (tag) return tag;
  }
  return null;
}

/** Where a clause's public version sits (`2.3.1` of `2.3.1+rocm5.7`), for an edit that keeps the local tag. */
export function publicVersionSpan(clause: SpecifierClause): Span {
  const plus = clause.version.indexOf('+');
  const written = clause.versionSpan.end - clause.versionSpan.start === clause.version.length;
  return plus < 0 || !written ? clause.versionSpan : { start: clause.versionSpan.start, end: clause.versionSpan.start + plus };
}

/** Where the local tag (after `+`) sits in the file, for an edit that replaces only the tag. */
export function localTagSpan(req: Requirement): Span | null {
  for (const clause of exactClauses(req)) {
    const plus = clause.version.indexOf('+');
    if (plus < 0 || plus === clause.version.length - 1 || !versionLocalTag(clause.version)) continue;
    const end = clause.versionSpan.end;
    const start = clause.versionSpan.start + plus + 1;
    if (end - start === clause.version.length - plus - 1) return { start, end };
  }
  return null;
}

/** The specifier set with local tags dropped, for matching against public release versions. */
export function publicSpecifier(req: Requirement): string {
  return req.clauses.map((c) => `${c.operator === '===' ? '==' : c.operator}${publicVersion(c.version) ?? c.version.replace(/\+.*$/, '').trim()}`).join(',');
}

/** The versions a pin allows (see versions.ts `versionRange`). */
export function pinRange(req: Requirement): VersionRange {
  return versionRange(req.clauses);
}

// ---------------------------------------------------------------------------------------------
// Markers: pins whose markers can never hold together never install together.

/**
 * The Pythons a project can run on, for marker questions: the exact target when it is
 * fixed (`.python-version`, a setting); otherwise every Python (a `requires-python` range
 * only gives its lowest version, and pins for later Pythons matter too).
 */
function projectPython(project: Project): string | undefined {
  const target = project.targetPython;
  return target && target.specifier === undefined ? target.version : undefined;
}

/** Whether the markers of these pins (and any extra markers) can all hold in one install of this project. */
export function canInstallTogether(project: Project, pins: readonly Requirement[], markers: readonly (string | null | undefined)[] = []): boolean {
  // Most pins have no marker: answer without building the list (rules ask this for every pair of pins).
  if (pins.every((p) => !p.marker) && markers.every((m) => !m)) return true;
  // A lock's fork extras (uv's `extra == 'extra-7-project-cu124'`): one at a time, so forks of conflicting extras never meet.
  let extras: string[] | undefined;
  for (const pin of pins) {
    const own = project.parsed.get(pin.file)?.markerExtras;
    if (own && own.length > 0) extras = extras ? [...new Set([...extras, ...own])] : own;
  }
  return markersCanAllHold([...pins.map((p) => p.marker), ...markers], { python: projectPython(project), pythons: project.pythonMinors, ...(extras ? { extras } : {}) });
}

// ---------------------------------------------------------------------------------------------
// Text and spans

/**
 * `name[extras]<specifier>` as one run of text (a requirements line, a PEP 508 string), or null
 * when the name and the specifier are written apart (Poetry's `numpy = ">=1.24"`).
 */
function writtenPin(project: Project, req: Requirement): Span | null {
  if (req.preinstalled) return null; // named by its base image, not written
  const start = req.nameSpan?.start ?? req.span.start;
  let end = req.nameSpan?.end ?? req.span.end;
  const specStart = req.specifierSpan?.start ?? req.clauses[0]?.span.start;
  if (req.nameSpan && specStart !== undefined) {
    const text = project.sources.get(req.file)?.text ?? '';
    const between = specStart >= req.nameSpan.end ? text.slice(req.nameSpan.end, specStart) : '?';
    if (between.length > 200 || !/^\s*(?:\[[^\]]*\])?\s*$/.test(between)) return null;
  }
  if (req.specifierSpan) end = Math.max(end, req.specifierSpan.end);
  for (const clause of req.clauses) end = Math.max(end, clause.span.end);
  return { start, end };
}

/** What findings point at: the pin without its marker, or the whole entry where name and version are written apart. */
export function pinSpan(project: Project, req: Requirement): Span {
  return writtenPin(project, req) ?? req.span;
}

/** The name as written (the normalized name for a bare URL with `#egg=`). */
export function displayName(req: Requirement): string {
  return req.name ?? req.normalizedName ?? '?';
}

/** How a pin reads in a message: its name and specifier, without extras, marker or comment. */
export function describePin(req: Requirement): string {
  return `${displayName(req)}${req.specifier}${req.preinstalled ? ` (preinstalled by the base image)` : ''}`;
}

/** The pin as written, name + extras + specifier with whitespace dropped (else name, extras and specifier as parsed). */
export function pinText(project: Project, req: Requirement): string {
  if (req.preinstalled) return `${describePin(req)}`;
  const text = project.sources.get(req.file)?.text;
  const span = writtenPin(project, req);
  if (text !== undefined && span && span.end <= text.length && span.end > span.start) return text.slice(span.start, span.end).replace(/\s+/g, '');
  return `${displayName(req)}${req.extras.length > 0 ? `[${req.extras.join(',')}]` : ''}${req.specifier}`;
}

/** Human list: `a`, `a and b`, `a, b and c`. */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A fix that would leave `--hash` values behind for the old version says so, and is never safe. */
export function hashCaveat(req: Requirement): { suffix: string; stale: boolean } {
  return req.hashes.length > 0 ? { suffix: ' (its --hash values must be regenerated)', stale: true } : { suffix: '', stale: false };
}

// ---------------------------------------------------------------------------------------------
// Edits

/**
 * The edit deleting a requirement's whole line (continuation lines included) with its line
 * break; null when another requirement shares the line, so deleting it would take more.
 */
export function removeLineEdit(file: SourceFile, requirement: Requirement, siblings: readonly Requirement[]): Edit | null {
  const text = file.text;
  if (requirement.span.end > text.length) return null;
  const start = text.lastIndexOf('\n', requirement.span.start - 1) + 1;
  let end = requirement.span.end;
  for (;;) {
    const newline = text.indexOf('\n', end);
    if (newline < 0) {
      end = text.length;
      break;
    }
    const line = text.slice(end, newline).replace(/\r$/, '');
    const beforeComment = line.includes(' #') ? line.slice(0, line.indexOf(' #')) : line;
    if (/\\\s*$/.test(beforeComment) && !/#/.test(line.slice(0, line.lastIndexOf('\\')))) {
      end = newline + 1;
      continue;
    }
    end = newline + 1;
    break;
  }
  let from = start;
  if (end === text.length && !text.endsWith('\n') && start > 0) {
    // Last line without a line break: take the break before it instead, keeping the file's style.
    from = text[start - 2] === '\r' ? start - 2 : start - 1;
  }
  // Another requirement on the removed lines? Requirements of one file do not overlap, so in start
  // order only the ones just before `end` can reach into the range (a binary search, not a scan:
  // rules call this once per finding).
  const sorted = sortedByStart(siblings);
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]!.span.start < end) low = mid + 1;
    else high = mid;
  }
  for (let i = low - 1; i >= 0; i--) {
    const other = sorted[i]!;
    if (other.span.end <= start) break;
    if (other !== requirement && other.file === requirement.file) return null;
  }
  return { file: requirement.file, span: { start: from, end }, text: '' };
}

const sortedCache = new WeakMap<readonly Requirement[], readonly Requirement[]>();

function sortedByStart(requirements: readonly Requirement[]): readonly Requirement[] {
  let sorted = sortedCache.get(requirements);
  if (!sorted) {
    sorted = [...requirements].sort((a, b) => a.span.start - b.span.start);
    sortedCache.set(requirements, sorted);
  }
  return sorted;
}

/**
 * Where to append a clause (`,<2`) or a first specifier (`<2`) to a requirement; null for URLs.
 * Where the name and its version are written apart (Pipfile's and Poetry's `numpy = "*"`), the
 * first specifier replaces the `*` (`replaceTo` ends what it replaces); null when the value is
 * written otherwise.
 */
export function specifierInsertion(file: SourceFile, requirement: Requirement): { offset: number; separator: string; replaceTo?: number } | null {
  if (requirement.url !== null || !requirement.nameSpan) return null;
  const last = requirement.clauses[requirement.clauses.length - 1];
  if (last) return { offset: last.span.end, separator: ',' };
  let offset = requirement.nameSpan.end;
  const text = file.text;
  if (text[offset] === '[') {
    const close = text.indexOf(']', offset);
    if (close < 0 || close > requirement.span.end) return null;
    offset = close + 1;
  }
  // `numpy>=1.26` unquoted in a shell command: the comparison is a redirection, not part of the
  // requirement; a specifier written before it would be read as one more (unquoted-specifier says so).
  if (/[<>!~]/.test(text[offset] ?? '')) return null;
  const rest = text.slice(offset, requirement.span.end);
  if (/^\s*=/.test(rest)) {
    const star = /^\s*=\s*(?:\{\s*(?:[^}]*,\s*)?version\s*=\s*)?(["'])(\s*\*?\s*)\1/.exec(rest);
    if (!star) return null;
    const start = offset + star[0].length - 1 - star[2]!.length;
    return { offset: start, separator: '', replaceTo: start + star[2]!.length };
  }
  return { offset, separator: '' };
}
