// Shared helpers of the environment-conflict rules: version ranges of specifier sets,
// marker coexistence over a grid of platforms × machines × Pythons, spans and line edits.
// Never throws: malformed versions or markers make a helper answer "unknown" (permissive).
import { compare, valid } from '@renovatebot/pep440';
import type { Edit } from '../../findings';
import type { Requirement, SourceFile, Span, SpecifierClause } from '../../model';
import type { Environment, Project } from '../../project';

// ---------------------------------------------------------------------------------------------
// Version ranges

interface Bound {
  version: string;
  inclusive: boolean;
}

/** The interval a specifier set allows (`!=` clauses kept apart); `empty` when nothing fits. */
export interface VersionRange {
  lower: Bound | null;
  upper: Bound | null;
  excluded: string[];
  empty: boolean;
}

const unbounded = (): VersionRange => ({ lower: null, upper: null, excluded: [], empty: false });

function stripLocal(version: string): string {
  const plus = version.indexOf('+');
  return plus < 0 ? version : version.slice(0, plus);
}

/** PEP 440 comparison; null when either side is not a valid version. */
export function compareVersions(a: string, b: string): number | null {
  try {
    if (!valid(a) || !valid(b)) return null;
    return compare(a, b);
  } catch {
    return null;
  }
}

function release(version: string): number[] | null {
  const match = /^v?(\d+(?:\.\d+)*)/i.exec(version.trim());
  if (!match) return null;
  return match[1]!.split('.').map((part) => Number(part));
}

function tighterLower(a: Bound | null, b: Bound): Bound {
  if (!a) return b;
  const c = compareVersions(a.version, b.version);
  if (c === null) return a;
  if (c < 0) return b;
  if (c > 0) return a;
  return { version: a.version, inclusive: a.inclusive && b.inclusive };
}

function tighterUpper(a: Bound | null, b: Bound): Bound {
  if (!a) return b;
  const c = compareVersions(a.version, b.version);
  if (c === null) return a;
  if (c > 0) return b;
  if (c < 0) return a;
  return { version: a.version, inclusive: a.inclusive && b.inclusive };
}

function withBounds(range: VersionRange, lower: Bound | null, upper: Bound | null): VersionRange {
  const out: VersionRange = { ...range, excluded: [...range.excluded] };
  if (lower) out.lower = tighterLower(out.lower, lower);
  if (upper) out.upper = tighterUpper(out.upper, upper);
  return settle(out);
}

function settle(range: VersionRange): VersionRange {
  if (range.lower && range.upper) {
    const c = compareVersions(range.lower.version, range.upper.version);
    if (c !== null && (c > 0 || (c === 0 && !(range.lower.inclusive && range.upper.inclusive)))) range.empty = true;
    if (c === 0 && range.excluded.some((v) => compareVersions(v, range.lower!.version) === 0)) range.empty = true;
  }
  return range;
}

/** The range one clause allows; null when the clause cannot be judged (malformed, arbitrary). */
function clauseRange(operator: SpecifierClause['operator'], rawVersion: string): VersionRange | null {
  const version = stripLocal(rawVersion.trim());
  const base = unbounded();
  if (operator === '==' && version.endsWith('.*')) {
    const parts = release(version.slice(0, -2));
    if (!parts || parts.length === 0) return null;
    const next = [...parts];
    next[next.length - 1]! += 1;
    return withBounds(base, { version: parts.join('.'), inclusive: true }, { version: `${next.join('.')}.dev0`, inclusive: false });
  }
  if (operator === '!=' && version.endsWith('.*')) return base;
  if (!valid(version)) return null;
  switch (operator) {
    case '==':
    case '===':
      return withBounds(base, { version, inclusive: true }, { version, inclusive: true });
    case '!=':
      return { ...base, excluded: [version] };
    case '>=':
      return withBounds(base, { version, inclusive: true }, null);
    case '>':
      return withBounds(base, { version, inclusive: false }, null);
    case '<=':
      return withBounds(base, null, { version, inclusive: true });
    case '<':
      return withBounds(base, null, { version, inclusive: false });
    case '~=': {
      const parts = release(version);
      if (!parts || parts.length < 2) return null;
      const next = parts.slice(0, -1);
      next[next.length - 1]! += 1;
      return withBounds(base, { version, inclusive: true }, { version: `${next.join('.')}.dev0`, inclusive: false });
    }
    default:
      return null;
  }
}

export function intersect(a: VersionRange, b: VersionRange): VersionRange {
  let out = withBounds(a, b.lower, b.upper);
  out = { ...out, excluded: [...out.excluded, ...b.excluded], empty: out.empty || a.empty || b.empty };
  return settle(out);
}

/** The range of a requirement's clauses. */
export function rangeOfClauses(clauses: readonly Pick<SpecifierClause, 'operator' | 'version'>[]): VersionRange {
  let range = unbounded();
  for (const clause of clauses) {
    const one = clauseRange(clause.operator, clause.version);
    if (one) range = intersect(range, one);
  }
  return range;
}

const clausePattern = /^\s*(===|==|!=|<=|>=|~=|<|>)\s*([^\s,;]+)\s*$/;

/** Parses a specifier set such as `>=1.22,<1.24` (KB data); malformed clauses are ignored. */
export function parseSpecifier(text: string): Pick<SpecifierClause, 'operator' | 'version'>[] {
  const clauses: Pick<SpecifierClause, 'operator' | 'version'>[] = [];
  for (const part of text.split(',')) {
    const match = clausePattern.exec(part);
    if (match) clauses.push({ operator: match[1] as SpecifierClause['operator'], version: match[2]! });
  }
  return clauses;
}

export function rangeOf(specifier: string): VersionRange {
  return rangeOfClauses(parseSpecifier(specifier));
}

/** Whether `version` lies in the range. */
export function rangeAllows(range: VersionRange, version: string): boolean {
  if (range.empty) return false;
  if (range.excluded.some((v) => compareVersions(v, version) === 0)) return false;
  if (range.lower) {
    const c = compareVersions(version, range.lower.version);
    if (c !== null && (c < 0 || (c === 0 && !range.lower.inclusive))) return false;
  }
  if (range.upper) {
    const c = compareVersions(version, range.upper.version);
    if (c !== null && (c > 0 || (c === 0 && !range.upper.inclusive))) return false;
  }
  return true;
}

/** Whether the range reaches `version` or anything above it. */
export function allowsAtOrAbove(range: VersionRange, version: string): boolean {
  if (range.empty) return false;
  if (!range.upper) return true;
  const c = compareVersions(range.upper.version, version);
  if (c === null) return true;
  return c > 0 || (c === 0 && range.upper.inclusive);
}

/** Whether the range reaches anything below `version`. */
export function allowsBelow(range: VersionRange, version: string): boolean {
  if (range.empty) return false;
  if (!range.lower) return true;
  const c = compareVersions(range.lower.version, version);
  return c === null || c < 0;
}

/** Whether every version of `inner` lies in `outer` (`!=` exclusions of `outer` aside). */
export function rangeWithin(inner: VersionRange, outer: VersionRange): boolean {
  if (inner.empty) return false;
  if (outer.lower) {
    if (!inner.lower) return false;
    const c = compareVersions(inner.lower.version, outer.lower.version);
    if (c === null || c < 0 || (c === 0 && inner.lower.inclusive && !outer.lower.inclusive)) return false;
  }
  if (outer.upper) {
    if (!inner.upper) return false;
    const c = compareVersions(inner.upper.version, outer.upper.version);
    if (c === null || c > 0 || (c === 0 && inner.upper.inclusive && !outer.upper.inclusive)) return false;
  }
  return true;
}

export function overlaps(a: VersionRange, b: VersionRange): boolean {
  return !intersect(a, b).empty;
}

// ---------------------------------------------------------------------------------------------
// Markers: PEP 508 marker expressions, evaluated over a grid of target environments.

type MarkerNode =
  | { kind: 'and' | 'or'; left: MarkerNode; right: MarkerNode }
  | { kind: 'cmp'; left: MarkerValue; op: string; right: MarkerValue };
type MarkerValue = { variable: string } | { literal: string };

const markerToken = /\s*(\(|\)|===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b|and\b|or\b|'[^']*'|"[^"]*"|[A-Za-z_][A-Za-z0-9_.]*)/y;

function tokenizeMarker(text: string): string[] | null {
  const tokens: string[] = [];
  markerToken.lastIndex = 0;
  let index = 0;
  while (index < text.length) {
    if (/^\s*$/.test(text.slice(index))) break;
    markerToken.lastIndex = index;
    const match = markerToken.exec(text);
    if (!match) return null;
    tokens.push(match[1]!.replace(/\s+/g, ' '));
    index = markerToken.lastIndex;
    if (tokens.length > 2000) return null;
  }
  return tokens;
}

const markerCache = new Map<string, MarkerNode | null>();

/** Parses a marker expression; null when it is not one (callers then treat it as unknown). */
export function parseMarker(text: string): MarkerNode | null {
  const cached = markerCache.get(text);
  if (cached !== undefined) return cached;
  const tokens = tokenizeMarker(text);
  let position = 0;
  let depth = 0;
  const peek = (): string | undefined => tokens?.[position];
  const value = (): MarkerValue | null => {
    const token = peek();
    if (token === undefined) return null;
    position++;
    if (token.startsWith("'") || token.startsWith('"')) return { literal: token.slice(1, -1) };
    if (/^[A-Za-z_]/.test(token) && !['and', 'or', 'in', 'not in'].includes(token)) return { variable: token };
    return null;
  };
  const atom = (): MarkerNode | null => {
    if (peek() === '(') {
      position++;
      if (++depth > 100) return null;
      const inner = orExpr();
      depth--;
      if (!inner || peek() !== ')') return null;
      position++;
      return inner;
    }
    const left = value();
    const op = peek();
    if (!left || op === undefined || !['===', '==', '!=', '<=', '>=', '~=', '<', '>', 'in', 'not in'].includes(op)) return null;
    position++;
    const right = value();
    if (!right) return null;
    return { kind: 'cmp', left, op, right };
  };
  const andExpr = (): MarkerNode | null => {
    let left = atom();
    while (left && peek() === 'and') {
      position++;
      const right = atom();
      if (!right) return null;
      left = { kind: 'and', left, right };
    }
    return left;
  };
  const orExpr = (): MarkerNode | null => {
    let left = andExpr();
    while (left && peek() === 'or') {
      position++;
      const right = andExpr();
      if (!right) return null;
      left = { kind: 'or', left, right };
    }
    return left;
  };
  let result: MarkerNode | null = null;
  if (tokens && tokens.length > 0) {
    result = orExpr();
    if (position !== tokens.length) result = null;
  }
  if (markerCache.size > 5000) markerCache.clear();
  markerCache.set(text, result);
  return result;
}

export type MarkerEnvironment = Record<string, string>;

const versionVariables = new Set(['python_version', 'python_full_version', 'implementation_version']);

function compareMarker(left: string, op: string, right: string, versionLike: boolean): boolean | null {
  if (op === 'in') return right.includes(left);
  if (op === 'not in') return !right.includes(left);
  if (versionLike) {
    if (op === '~=') return rangeAllows(rangeOfClauses([{ operator: '~=', version: right }]), left);
    const c = compareVersions(left, right);
    if (c !== null) {
      switch (op) {
        case '==':
        case '===':
          return c === 0;
        case '!=':
          return c !== 0;
        case '<':
          return c < 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        case '>=':
          return c >= 0;
      }
    }
  }
  if (op === '==' || op === '===') return left === right;
  if (op === '!=') return left !== right;
  return null;
}

/** Three-valued evaluation: null when the marker uses a variable the environment does not set. */
export function evaluateMarkerNode(node: MarkerNode, env: MarkerEnvironment): boolean | null {
  if (node.kind === 'cmp') return evaluateComparison(node, env);
  if (node.kind === 'and') {
    const l = evaluateMarkerNode(node.left, env);
    if (l === false) return false;
    const r = evaluateMarkerNode(node.right, env);
    if (r === false) return false;
    return l === null || r === null ? null : true;
  }
  if (node.kind === 'or') {
    const l = evaluateMarkerNode(node.left, env);
    if (l === true) return true;
    const r = evaluateMarkerNode(node.right, env);
    if (r === true) return true;
    return l === null || r === null ? null : false;
  }
  return null;
}

function evaluateComparison(node: Extract<MarkerNode, { kind: 'cmp' }>, env: MarkerEnvironment): boolean | null {
  const resolve = (v: MarkerValue): string | null => ('literal' in v ? v.literal : (env[v.variable] ?? null));
  const left = resolve(node.left);
  const right = resolve(node.right);
  if (left === null || right === null) return null;
  const versionLike =
    ('variable' in node.left && versionVariables.has(node.left.variable)) || ('variable' in node.right && versionVariables.has(node.right.variable));
  return compareMarker(left, node.op, right, versionLike);
}

const platforms = [
  { sys_platform: 'linux', platform_system: 'Linux', os_name: 'posix', machines: ['x86_64', 'aarch64'] },
  { sys_platform: 'darwin', platform_system: 'Darwin', os_name: 'posix', machines: ['x86_64', 'arm64'] },
  { sys_platform: 'win32', platform_system: 'Windows', os_name: 'nt', machines: ['AMD64', 'ARM64'] },
];
const pythons = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14'];

/** Every target environment the marker grid covers (restricted to one Python when given). */
export function markerGrid(python?: string): MarkerEnvironment[] {
  const out: MarkerEnvironment[] = [];
  for (const py of python ? [python] : pythons) {
    for (const platform of platforms) {
      for (const machine of platform.machines) {
        out.push({
          python_version: py,
          python_full_version: `${py}.0`,
          implementation_version: `${py}.0`,
          sys_platform: platform.sys_platform,
          platform_system: platform.platform_system,
          os_name: platform.os_name,
          platform_machine: machine,
          implementation_name: 'cpython',
          platform_python_implementation: 'CPython',
        });
      }
    }
  }
  return out;
}

/**
 * Whether some platform × machine × Python satisfies every marker at once (null markers always
 * hold; a marker that does not parse, or an unknown variable, counts as "may hold").
 */
export function markersCanCoexist(markers: readonly (string | null | undefined)[], python?: string): boolean {
  const nodes = markers.filter((m): m is string => !!m && m.trim() !== '').map((m) => parseMarker(m));
  if (nodes.length === 0) return true;
  return markerGrid(python).some((env) => nodes.every((node) => node === null || evaluateMarkerNode(node, env) !== false));
}

// ---------------------------------------------------------------------------------------------
// Requirements, spans and edits

/** `name[extras]<specifier>` without the marker: the text findings point at. */
export function pinSpan(requirement: Requirement): Span {
  const start = requirement.nameSpan?.start ?? requirement.span.start;
  let end = requirement.nameSpan?.end ?? requirement.span.end;
  if (requirement.specifierSpan) end = Math.max(end, requirement.specifierSpan.end);
  for (const clause of requirement.clauses) end = Math.max(end, clause.span.end);
  return { start, end };
}

/** The pin as written (name + extras + specifier), for messages. */
export function pinText(project: Project, requirement: Requirement): string {
  const text = project.sources.get(requirement.file)?.text;
  const span = pinSpan(requirement);
  if (text !== undefined && span.end <= text.length && span.end > span.start) return text.slice(span.start, span.end).replace(/\s+/g, '');
  return `${requirement.name ?? '?'}${requirement.specifier}`;
}

/** Requirements (and, with `constraints`, constraints) of an environment under one normalized name. */
export function pinsNamed(env: Environment, name: string, constraints = false): Requirement[] {
  const out = env.requirements.filter((r) => r.normalizedName === name);
  if (constraints) out.push(...env.constraints.filter((r) => r.normalizedName === name));
  return out;
}

export function rangeOfRequirement(requirement: Requirement): VersionRange {
  return rangeOfClauses(requirement.clauses);
}

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
  for (const other of siblings) {
    if (other === requirement || other.file !== requirement.file) continue;
    if (other.span.start < end && other.span.end > start) return null;
  }
  return { file: requirement.file, span: { start: from, end }, text: '' };
}

/** Where to append a clause (`,<2`) or a first specifier (`<2`) to a requirement; null for URLs. */
export function specifierInsertion(file: SourceFile, requirement: Requirement): { offset: number; separator: string } | null {
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
  return { offset, separator: '' };
}

/** Human list: `a`, `a and b`, `a, b and c`. */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function displayName(requirement: Requirement): string {
  return requirement.name ?? requirement.normalizedName ?? '?';
}
