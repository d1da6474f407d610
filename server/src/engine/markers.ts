// PEP 508 environment markers: parsing with spans, evaluation (three-valued when the
// environment is partial), and whether two markers can hold in one environment.
// Grammar, messages and evaluation follow pip's `packaging`. Linear time, never throws.

import type { Span } from './model';
import { satisfies, scanSpecifierClause } from './versions';
import { TextMemo } from './memo';

export type MarkerVariable =
  | 'python_version'
  | 'python_full_version'
  | 'os_name'
  | 'sys_platform'
  | 'platform_release'
  | 'platform_system'
  | 'platform_version'
  | 'platform_machine'
  | 'platform_python_implementation'
  | 'implementation_name'
  | 'implementation_version'
  | 'extra'
  | 'extras'
  | 'dependency_groups';

export type MarkerOp = '===' | '==' | '~=' | '!=' | '<=' | '>=' | '<' | '>' | 'in' | 'not in';

export type MarkerOperand =
  /** `name` is canonical (`os.name` → `os_name`, `python_implementation` → `platform_python_implementation`); `raw` as written. */
  | { kind: 'variable'; name: MarkerVariable; raw: string; span: Span }
  /** `value` is the decoded string (Python literal rules); the span includes the quotes. */
  | { kind: 'string'; value: string; span: Span };

export type MarkerNode =
  | { kind: 'compare'; left: MarkerOperand; op: MarkerOp; opSpan: Span; right: MarkerOperand; span: Span }
  | { kind: 'and' | 'or'; items: MarkerNode[]; span: Span }
  /** A parenthesised expression; `span` includes the parentheses. */
  | { kind: 'group'; inner: MarkerNode; span: Span };

export type MarkerParse =
  | { ok: true; marker: MarkerNode }
  | { ok: false; message: string; span: Span };

/** The PEP 508 environment. `extras` and `dependency_groups` are sets (lock-file markers). */
export interface MarkerEnvironment {
  implementation_name: string;
  implementation_version: string;
  os_name: string;
  platform_machine: string;
  platform_release: string;
  platform_system: string;
  platform_version: string;
  python_full_version: string;
  platform_python_implementation: string;
  python_version: string;
  sys_platform: string;
  extra: string;
  extras: readonly string[];
  dependency_groups: readonly string[];
}

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

/** Spellings packaging's VARIABLE token accepts, and what each stands for. */
const VARIABLES: ReadonlyArray<readonly [string, MarkerVariable]> = [
  ['python_version', 'python_version'],
  ['python_full_version', 'python_full_version'],
  ['os_name', 'os_name'],
  ['os.name', 'os_name'],
  ['sys_platform', 'sys_platform'],
  ['sys.platform', 'sys_platform'],
  ['platform_release', 'platform_release'],
  ['platform_system', 'platform_system'],
  ['platform_version', 'platform_version'],
  ['platform.version', 'platform_version'],
  ['platform_machine', 'platform_machine'],
  ['platform.machine', 'platform_machine'],
  ['platform_python_implementation', 'platform_python_implementation'],
  ['platform.python_implementation', 'platform_python_implementation'],
  ['python_implementation', 'platform_python_implementation'],
  ['implementation_name', 'implementation_name'],
  ['implementation_version', 'implementation_version'],
  ['extras', 'extras'],
  ['extra', 'extra'],
  ['dependency_groups', 'dependency_groups'],
];

const VERSION_VARIABLES = new Set<MarkerVariable>(['implementation_version', 'platform_release', 'python_full_version', 'python_version']);
const SET_VARIABLES = new Set<MarkerVariable>(['extras', 'dependency_groups']);

const wordChar = /[\p{L}\p{N}_]/u;

/** Python's `\w` for one UTF-16 unit (surrogates count as word characters, like most letters beyond the BMP). */
export function isWord(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  if (c < 0x80) return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
  if (c >= 0xd800 && c <= 0xdfff) return true;
  return wordChar.test(text[i]!);
}

/** `word` at `i` with a `\b` on both sides. */
function keywordAt(text: string, i: number, word: string): boolean {
  return text.startsWith(word, i) && !isWord(text, i - 1) && !isWord(text, i + word.length);
}

const MARKER_OPS: MarkerOp[] = ['===', '==', '~=', '!=', '<=', '>=', '<', '>'];

class MarkerSyntaxError {
  constructor(
    readonly message: string,
    readonly start: number,
    readonly end: number,
  ) {}
}

/** Decodes the body of a Python string literal; null where Python's `ast.literal_eval` fails. */
export function decodePythonString(body: string): string | null {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    const code = body.charCodeAt(i);
    if (code === 0 || code === 0x0a || code === 0x0d) return null;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[++i];
    if (next === undefined) return null; // the backslash escapes the closing quote
    switch (next) {
      case '\\':
      case "'":
      case '"':
        out += next;
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case 'x':
      case 'u':
      case 'U': {
        const len = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const hex = body.slice(i + 1, i + 1 + len);
        if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) return null;
        const value = parseInt(hex, 16);
        if (value > 0x10ffff) return null;
        out += String.fromCodePoint(value);
        i += len;
        break;
      }
      default:
        if (next >= '0' && next <= '7') {
          let j = i;
          while (j < i + 3 && j < body.length && body[j]! >= '0' && body[j]! <= '7') j++;
          out += String.fromCodePoint(parseInt(body.slice(i, j), 8));
          i = j - 1;
        } else {
          out += '\\' + next; // Python keeps unknown escapes (with a warning)
        }
    }
  }
  return out;
}

/**
 * A cursor over `text` (the whole line or file); positions are indexes into `text`,
 * and spans add `base` to make them file-relative.
 */
class MarkerParser {
  pos: number;
  private depth = 0;

  /** The text up to where the marker must end (so lookahead cannot run past it). */
  readonly text: string;

  constructor(
    text: string,
    start: number,
    readonly end: number,
    readonly base: number,
  ) {
    this.text = end < text.length ? text.slice(0, end) : text;
    this.pos = start;
  }

  span(start: number, end: number): Span {
    return { start: this.base + start, end: this.base + end };
  }

  fail(message: string, start = this.pos, end = this.pos): never {
    throw new MarkerSyntaxError(message, start, end);
  }

  ws(): void {
    while (this.pos < this.end) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09) break;
      this.pos++;
    }
  }

  /** marker = atom (BOOLOP atom)*, `and` binding tighter than `or`. */
  expression(): MarkerNode {
    const orItems: MarkerNode[] = [];
    let andItems: MarkerNode[] = [this.atom()];
    for (;;) {
      const t = this.text;
      if (keywordAt(t, this.pos, 'and')) {
        this.pos += 3;
        andItems.push(this.atom());
      } else if (keywordAt(t, this.pos, 'or')) {
        this.pos += 2;
        orItems.push(this.combine('and', andItems));
        andItems = [this.atom()];
      } else {
        break;
      }
    }
    orItems.push(this.combine('and', andItems));
    return this.combine('or', orItems);
  }

  private combine(kind: 'and' | 'or', items: MarkerNode[]): MarkerNode {
    if (items.length === 1) return items[0]!;
    return { kind, items, span: { start: items[0]!.span.start, end: items[items.length - 1]!.span.end } };
  }

  atom(): MarkerNode {
    this.ws();
    let node: MarkerNode;
    if (this.pos < this.end && this.text[this.pos] === '(') {
      const open = this.pos;
      if (++this.depth > 200) this.fail('Marker expression nested too deeply', open, open + 1);
      this.pos++;
      this.ws();
      const inner = this.expression();
      this.ws();
      if (this.pos >= this.end || this.text[this.pos] !== ')') {
        this.fail('Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after marker expression', open, this.pos);
      }
      this.pos++;
      this.depth--;
      node = { kind: 'group', inner, span: this.span(open, this.pos) };
    } else {
      node = this.item();
    }
    this.ws();
    return node;
  }

  item(): MarkerNode {
    this.ws();
    const left = this.operand();
    this.ws();
    const opStart = this.pos;
    const op = this.operator();
    const opSpan = this.span(opStart, this.pos);
    this.ws();
    const right = this.operand();
    this.ws();
    return { kind: 'compare', left, op, opSpan, right, span: { start: left.span.start, end: right.span.end } };
  }

  operand(): MarkerOperand {
    const t = this.text;
    const i = this.pos;
    for (const [spelling, name] of VARIABLES) {
      if (keywordAt(t, i, spelling)) {
        this.pos += spelling.length;
        return { kind: 'variable', name, raw: spelling, span: this.span(i, this.pos) };
      }
    }
    const quote = t[i];
    if (quote === '"' || quote === "'") {
      const close = t.indexOf(quote, i + 1);
      if (close >= 0) {
        this.pos = close + 1;
        const value = decodePythonString(t.slice(i + 1, close));
        if (value === null) this.fail('Invalid quoted string', i, this.pos);
        return { kind: 'string', value, span: this.span(i, this.pos) };
      }
    }
    return this.fail('Expected a marker variable or quoted string');
  }

  operator(): MarkerOp {
    const t = this.text;
    if (keywordAt(t, this.pos, 'in')) {
      this.pos += 2;
      return 'in';
    }
    if (keywordAt(t, this.pos, 'not')) {
      this.pos += 3;
      const before = this.pos;
      this.ws();
      if (this.pos === before) this.fail("Expected whitespace after 'not'");
      if (!keywordAt(t, this.pos, 'in')) this.fail("Expected 'in' after 'not'");
      this.pos += 2;
      return 'not in';
    }
    for (const op of MARKER_OPS) {
      if (t.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    return this.fail('Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in');
  }
}

/**
 * Parses a marker expression that starts at `start` in `text` and may stop early;
 * returns where it stopped (after trailing spaces/tabs). For the requirement parser.
 * `base` converts indexes into `text` to file offsets.
 */
export function parseMarkerPrefix(
  text: string,
  start: number,
  end: number,
  base: number,
): { ok: true; marker: MarkerNode; end: number } | { ok: false; message: string; start: number; end: number } {
  const parser = new MarkerParser(text, start, end, base);
  try {
    const marker = parser.expression();
    parser.ws();
    return { ok: true, marker, end: parser.pos };
  } catch (error) {
    if (error instanceof MarkerSyntaxError) return { ok: false, message: error.message, start: error.start, end: error.end };
    return { ok: false, message: 'Invalid marker', start, end: start };
  }
}

/** Rewrites spans that the prefix parser produced with a zero base (helper for parseMarker). */
function errorSpan(offset: number, start: number, end: number): Span {
  return { start: offset + start, end: offset + end };
}

/**
 * Parses a whole marker expression (`python_version >= "3.9" and sys_platform != "win32"`).
 * `offset` is where `text` starts in its file; every span is file-relative. Never throws.
 */
export function parseMarker(text: string, offset = 0): MarkerParse {
  if (typeof text !== 'string') return { ok: false, message: 'Expected a marker variable or quoted string', span: { start: offset, end: offset } };
  const result = parseMarkerPrefix(text, 0, text.length, offset);
  if (!result.ok) return { ok: false, message: result.message, span: errorSpan(offset, result.start, result.end) };
  if (result.end !== text.length) {
    const next = result.end;
    return { ok: false, message: 'Expected end of marker expression', span: errorSpan(offset, next, next) };
  }
  return { ok: true, marker: result.marker };
}

// ---------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------

/** PEP 503 / PEP 685 name normalisation. */
function canonicalName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function formatOperand(operand: MarkerOperand, other: MarkerOperand): string {
  if (operand.kind === 'variable') return operand.name;
  const value = other.kind === 'variable' && other.name === 'extra' ? canonicalName(operand.value) : operand.value;
  return value.includes('"') && !value.includes("'") ? `'${value}'` : `"${value}"`;
}

/**
 * packaging's normalised text of a marker: canonical variable names, double quotes,
 * single spaces, extra names normalised, redundant parentheses dropped.
 */
export function formatMarker(node: MarkerNode): string {
  return format(node, true);
}

function format(node: MarkerNode, top: boolean): string {
  switch (node.kind) {
    case 'compare':
      return `${formatOperand(node.left, node.right)} ${node.op} ${formatOperand(node.right, node.left)}`;
    case 'and':
    case 'or':
      return node.items.map((item) => format(item, false)).join(` ${node.kind} `);
    case 'group': {
      let inner = node.inner;
      while (inner.kind === 'group') inner = inner.inner;
      if (top || inner.kind === 'compare') return format(inner, true);
      return `(${format(inner, true)})`;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------

type EnvValue = string | readonly string[] | undefined;

function lookup(env: Partial<MarkerEnvironment>, name: MarkerVariable): EnvValue {
  const value = (env as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return undefined;
}

/** One comparison, or null when it depends on a missing variable or is undefined for its values. */
function evaluateCompare(node: Extract<MarkerNode, { kind: 'compare' }>, env: Partial<MarkerEnvironment>): boolean | null {
  let key: MarkerVariable;
  let lhs: EnvValue;
  let rhs: EnvValue;
  if (node.left.kind === 'variable') {
    key = node.left.name;
    lhs = lookup(env, key);
    rhs = node.right.kind === 'string' ? node.right.value : node.right.raw;
  } else {
    if (node.right.kind !== 'variable') return null; // two literals: packaging has no variable to look up
    key = node.right.name;
    lhs = node.left.value;
    rhs = lookup(env, key);
  }
  if (lhs === undefined || rhs === undefined) return null;
  if (typeof lhs !== 'string') return null; // a set on the left: packaging rejects it too
  if (key === 'extra') {
    lhs = canonicalName(lhs);
    if (typeof rhs === 'string') rhs = canonicalName(rhs);
  } else if (SET_VARIABLES.has(key)) {
    lhs = canonicalName(lhs);
    rhs = typeof rhs === 'string' ? canonicalName(rhs) : rhs.map(canonicalName);
  }
  if (VERSION_VARIABLES.has(key) && typeof rhs === 'string') {
    const clause = `${node.op}${rhs}`;
    const scanned = node.op === 'in' || node.op === 'not in' ? null : scanSpecifierClause(clause, 0);
    if (scanned && isOnlyWhitespaceAfter(clause, scanned.end)) {
      return satisfies(lhs, clause, { prereleases: true });
    }
  }
  switch (node.op) {
    case 'in':
      return typeof rhs === 'string' ? rhs.includes(lhs) : rhs.includes(lhs);
    case 'not in':
      return typeof rhs === 'string' ? !rhs.includes(lhs) : !rhs.includes(lhs);
    case '==':
    case '<=':
    case '>=':
      return lhs === rhs;
    case '!=':
      return lhs !== rhs;
    case '<':
    case '>':
      return typeof rhs === 'string' ? false : null;
    default:
      return null; // `~=` / `===` on non-versions: packaging raises UndefinedComparison
  }
}

function isOnlyWhitespaceAfter(text: string, i: number): boolean {
  return /^\s*$/.test(text.slice(i));
}

/**
 * Evaluates a marker. Returns null when the answer depends on a variable `env` lacks
 * (or on a comparison packaging cannot make); `and`/`or` use three-valued logic, so
 * `sys_platform == "win32" and python_version < "3.9"` is false on Linux even without
 * a Python version.
 */
export function evaluateMarker(node: MarkerNode, env: Partial<MarkerEnvironment>): boolean | null {
  switch (node.kind) {
    case 'compare':
      return evaluateCompare(node, env);
    case 'group':
      return evaluateMarker(node.inner, env);
    case 'and': {
      let unknown = false;
      for (const item of node.items) {
        const value = evaluateMarker(item, env);
        if (value === false) return false;
        if (value === null) unknown = true;
      }
      return unknown ? null : true;
    }
    case 'or': {
      let unknown = false;
      for (const item of node.items) {
        const value = evaluateMarker(item, env);
        if (value === true) return true;
        if (value === null) unknown = true;
      }
      return unknown ? null : false;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Environments
// ---------------------------------------------------------------------------------------

export type MarkerPlatform = 'linux' | 'darwin' | 'win32';

export interface EnvironmentOptions {
  /** `X.Y` or `X.Y.Z`; with `X.Y`, `python_full_version` is `X.Y.0`. */
  python?: string;
  platform?: MarkerPlatform;
  /** `platform_machine`; default x86_64 on Linux, arm64 on macOS, AMD64 on Windows. */
  machine?: string;
  implementation?: 'cpython' | 'pypy';
}

const PLATFORMS: Record<MarkerPlatform, { sys_platform: string; platform_system: string; os_name: string; machine: string }> = {
  linux: { sys_platform: 'linux', platform_system: 'Linux', os_name: 'posix', machine: 'x86_64' },
  darwin: { sys_platform: 'darwin', platform_system: 'Darwin', os_name: 'posix', machine: 'arm64' },
  win32: { sys_platform: 'win32', platform_system: 'Windows', os_name: 'nt', machine: 'AMD64' },
};

/**
 * The PEP 508 variables for a target. Variables that cannot be known from these
 * options are left out (so markers on them evaluate to null): `platform_release`,
 * `platform_version`, `extra`, and PyPy's `implementation_version`. Only what is given
 * is filled: no platform means no platform variables.
 */
export function markerEnvironment(opts: EnvironmentOptions = {}): Partial<MarkerEnvironment> {
  const env: Partial<MarkerEnvironment> = {};
  if (opts.python !== undefined) {
    const parts = opts.python.trim().split('.');
    if (parts.length >= 2 && parts.every((p) => /^\d+$/.test(p))) {
      env.python_version = `${parts[0]}.${parts[1]}`;
      env.python_full_version = parts.length >= 3 ? parts.slice(0, 3).join('.') : `${parts[0]}.${parts[1]}.0`;
    }
  }
  if (opts.platform !== undefined) {
    const p = PLATFORMS[opts.platform];
    if (p) {
      env.sys_platform = p.sys_platform;
      env.platform_system = p.platform_system;
      env.os_name = p.os_name;
      env.platform_machine = opts.machine ?? p.machine;
    }
  } else if (opts.machine !== undefined) {
    env.platform_machine = opts.machine;
  }
  const impl = opts.implementation ?? (opts.python !== undefined || opts.platform !== undefined ? 'cpython' : undefined);
  if (impl === 'cpython') {
    env.implementation_name = 'cpython';
    env.platform_python_implementation = 'CPython';
    if (env.python_full_version) env.implementation_version = env.python_full_version;
  } else if (impl === 'pypy') {
    env.implementation_name = 'pypy';
    env.platform_python_implementation = 'PyPy';
  }
  return env;
}

const GRID_MACHINES: Record<MarkerPlatform, string[]> = {
  linux: ['x86_64', 'aarch64'],
  darwin: ['arm64', 'x86_64'],
  win32: ['AMD64', 'ARM64'],
};
/** A first and a late micro release, so `python_full_version` bounds are seen from both sides. */
const GRID_MICROS = ['0', '99'];

/** By the list of minors: a few short keys, bounded by size like every text-keyed memo (memo.ts). */
const grids = new TextMemo<readonly Partial<MarkerEnvironment>[]>(1 << 16, 1024);

/**
 * Representative environments: 3 platforms × 2 machines × the given CPython minors (the knowledge
 * base's rules/python.yaml) × 2 micros × CPython/PyPy.
 */
export function representativeEnvironments(pythons: readonly string[]): readonly Partial<MarkerEnvironment>[] {
  return grids.get(pythons.join(' '), () => gridOf(pythons));
}

function gridOf(pythons: readonly string[]): readonly Partial<MarkerEnvironment>[] {
  const out: Partial<MarkerEnvironment>[] = [];
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    for (const machine of GRID_MACHINES[platform]) {
      for (const python of pythons) {
        for (const micro of GRID_MICROS) {
          for (const implementation of ['cpython', 'pypy'] as const) {
            out.push(markerEnvironment({ python: `${python}.${micro}`, platform, machine, implementation }));
          }
        }
      }
    }
  }
  return out;
}

function asNode(marker: MarkerNode | string | null | undefined): MarkerNode | null | 'invalid' {
  if (marker === null || marker === undefined) return null;
  if (typeof marker !== 'string') return marker;
  if (marker.trim() === '') return null;
  const parsed = parseMarker(marker);
  return parsed.ok ? parsed.marker : 'invalid';
}

/**
 * Whether some realistic environment satisfies both markers (a missing marker always
 * holds). Decided over {@link representativeEnvironments} of `pythons`; a comparison the grid cannot
 * decide (an `extra`, `platform_release`) counts as possibly true, and an unparsable
 * marker is assumed to possibly hold. `sys_platform == "darwin"` vs
 * `sys_platform != "darwin"` → false; `platform_system == "Darwin"` vs
 * `sys_platform == "darwin"` → true.
 */
export function markersCanCoexist(a: MarkerNode | string | null | undefined, b: MarkerNode | string | null | undefined, pythons: readonly string[]): boolean {
  const na = asNode(a);
  const nb = asNode(b);
  if (na === 'invalid' || nb === 'invalid' || pythons.length === 0) return true;
  for (const env of representativeEnvironments(pythons)) {
    if (na && evaluateMarker(na, env) === false) continue;
    if (nb && evaluateMarker(nb, env) === false) continue;
    return true;
  }
  return false;
}

/** Whether `marker` holds in some representative environment (see {@link markersCanCoexist}). */
export function markerCanHold(marker: MarkerNode | string | null | undefined, pythons: readonly string[]): boolean {
  return markersCanCoexist(marker, null, pythons);
}

/** Version-valued variables compare as PEP 440 versions when both sides parse (exported for rules' hints). */
export function isVersionVariable(name: MarkerVariable): boolean {
  return VERSION_VARIABLES.has(name);
}

/** Marker parses by text, bounded by size (memo.ts). */
const parsedMarkers = new TextMemo<MarkerNode | null | 'invalid'>(1 << 20, 16 * 1024);

function cachedNode(text: string): MarkerNode | null | 'invalid' {
  return parsedMarkers.get(text, asNode);
}

/** Whether some representative environment satisfies every marker at once, like
 * {@link markersCanCoexist} for any number of markers, over the CPython minors `pythons`. With
 * `python` (`X.Y`), only that Python's environments count (`python_version < "3.11"` cannot hold
 * for a 3.12 project); a `python` that is no `X.Y` falls back to `pythons`. With `extras`, `extra`
 * is decided too: it is one of them, or none (uv's conflicting fork extras never hold together).
 */
export function markersCanAllHold(
  markers: readonly (MarkerNode | string | null | undefined)[],
  opts: { python?: string; pythons: readonly string[]; extras?: readonly string[] },
): boolean {
  const nodes: MarkerNode[] = [];
  for (const marker of markers) {
    const node = typeof marker === 'string' ? cachedNode(marker) : asNode(marker);
    if (node === 'invalid') continue; // an unreadable marker may hold
    if (node) nodes.push(node);
  }
  if (nodes.length === 0) return true;
  const minor = opts.python?.trim().split('.').slice(0, 2).join('.');
  const envs = representativeEnvironments(minor !== undefined && /^\d+\.\d+$/.test(minor) ? [minor] : opts.pythons);
  // No Python known at all (a knowledge base without rules/python.yaml): the markers may hold.
  if (envs.length === 0) return true;
  if (!opts.extras || opts.extras.length === 0) return envs.some((env) => nodes.every((node) => evaluateMarker(node, env) !== false));
  // `extra` names one of these (a lock's fork extras, at most one active at a time) or none of them.
  return withExtras(envs, opts.extras).some((env) => nodes.every((node) => evaluateMarker(node, env) !== false));
}

/** The grid once per extra value (and once with none), kept per grid and list of extras. */
const extraGrids = new WeakMap<readonly Partial<MarkerEnvironment>[], Map<string, readonly Partial<MarkerEnvironment>[]>>();

function withExtras(envs: readonly Partial<MarkerEnvironment>[], extras: readonly string[]): readonly Partial<MarkerEnvironment>[] {
  let byExtras = extraGrids.get(envs);
  if (!byExtras) {
    byExtras = new Map();
    extraGrids.set(envs, byExtras);
  }
  const key = extras.join('\0');
  let grid = byExtras.get(key);
  if (!grid) {
    const out: Partial<MarkerEnvironment>[] = [];
    for (const extra of ['', ...extras]) for (const env of envs) out.push({ ...env, extra });
    grid = out;
    // Bounded like the other memos: a lock has a handful of fork extras, but keep the map small.
    if (byExtras.size > 64) byExtras.clear();
    byExtras.set(key, grid);
  }
  return grid;
}
