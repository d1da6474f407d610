// PEP 440 versions and version specifiers, as pip's `packaging` reads them.
//
// Version strings are parsed by `@renovatebot/pep440` (its parse, normalisation and
// ordering agree with packaging's vectors); everything callers see goes through this
// module so they never meet that library's quirks (no surrounding whitespace accepted,
// local labels stringified with commas by `clean`, specifier matching that disagrees
// with packaging on wildcards, locals and `>`/`<` exclusions). Specifiers are scanned
// and matched here, by hand, in linear time. Nothing in this module throws.

import { explain } from '@renovatebot/pep440';
import { pushAll } from './arrays';
import { TextMemo } from './memo';

export type SpecifierOperator = '==' | '!=' | '<=' | '>=' | '<' | '>' | '~=' | '===';

/** A parsed, valid PEP 440 version. */
export interface Version {
  epoch: number;
  release: number[];
  /** Normalised pre-release: `['a' | 'b' | 'rc', n]`. */
  pre: [string, number] | null;
  post: number | null;
  dev: number | null;
  /** Normalised local label (lowercase, `-`/`_` become `.`), e.g. `cu118`. */
  local: string | null;
  /** Canonical text, e.g. `1.0.post1+ubuntu.1` for `1.0-1+Ubuntu-1`. */
  normalized: string;
  /** Canonical text without the local label. */
  public: string;
  /** Epoch and release only, e.g. `1!2.0` for `1!2.0rc1`. */
  baseVersion: string;
  /** A pre-release or a dev release (`1.0a1`, `1.0.dev0`, `1.0.post1.dev2`). */
  isPrerelease: boolean;
  isPostrelease: boolean;
  isDevrelease: boolean;
}

// ---------------------------------------------------------------------------------------
// Versions
// ---------------------------------------------------------------------------------------

/** Python's `str.strip()` whitespace (what `\s` means in packaging's patterns). */
export function isPyWhitespace(code: number): boolean {
  return (
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    (code >= 0x1c && code <= 0x1f) ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

function pyStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isPyWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isPyWhitespace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** Longer strings are no version anyone writes; refusing them keeps every call cheap. */
const MAX_VERSION_LENGTH = 256;
/** Bounded by the size of its keys (see memo.ts); a text too long to be a version is not kept. */
const cache = new TextMemo<Version | null>(1 << 20, MAX_VERSION_LENGTH + 64);

/** Parses a PEP 440 version (surrounding whitespace allowed, as packaging allows it); null when invalid. */
export function parseVersion(text: string): Version | null {
  if (typeof text !== 'string') return null;
  return cache.get(text, parseUncached);
}

function parseUncached(text: string): Version | null {
  const trimmed = pyStrip(text);
  if (trimmed.length === 0 || trimmed.length > MAX_VERSION_LENGTH) return null;
  let info: ReturnType<typeof explain>;
  try {
    info = explain(trimmed);
  } catch {
    return null;
  }
  if (!info) return null;
  if (info.release.some((n) => !Number.isSafeInteger(n))) return null;
  const pre = info.pre && info.pre.length === 2 ? ([String(info.pre[0]), Number(info.pre[1])] as [string, number]) : null;
  const post = typeof info.post === 'number' ? info.post : null;
  const dev = typeof info.dev === 'number' ? info.dev : null;
  const local = info.local ?? null;
  const base = (info.epoch ? `${info.epoch}!` : '') + info.release.join('.');
  let pub = base;
  if (pre) pub += `${pre[0]}${pre[1]}`;
  if (post !== null) pub += `.post${post}`;
  if (dev !== null) pub += `.dev${dev}`;
  return {
    epoch: info.epoch,
    release: info.release.slice(),
    pre,
    post,
    dev,
    local,
    normalized: local !== null ? `${pub}+${local}` : pub,
    public: pub,
    baseVersion: base,
    isPrerelease: pre !== null || dev !== null,
    isPostrelease: post !== null,
    isDevrelease: dev !== null,
  };
}

export function isValidVersion(text: string): boolean {
  return parseVersion(text) !== null;
}

/** Canonical form (`1.0.dev` → `1.0.dev0`, `V1.0-1` → `1.0.post1`); null when invalid. */
export function normalizeVersion(text: string): string | null {
  return parseVersion(text)?.normalized ?? null;
}

/**
 * PEP 440 ordering (`1.0.0 == 1.0`, `1.0.dev0 < 1.0a1 < 1.0 < 1.0.post1`, locals after
 * their public version). Invalid versions sort before every valid one, and among
 * themselves by plain string order, so sorting never throws.
 */
export function compareVersions(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (va && vb) return compareParsed(va, vb);
  if (va) return 1;
  if (vb) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * PEP 440 ordering on parsed versions, the sort key of packaging's `Version`: epoch, release
 * without trailing zeros, pre (a dev-only release sorts before every pre-release), post, dev,
 * then the local label (none first; numeric segments after alphanumeric ones). Comparing the
 * parsed records, not the strings, matters: rules compare every known version with every clause.
 */
function compareParsed(a: Version, b: Version): number {
  if (a === b || a.normalized === b.normalized) return 0;
  return (
    a.epoch - b.epoch ||
    compareRelease(a.release, b.release) ||
    comparePre(a, b) ||
    (a.post ?? -1) - (b.post ?? -1) ||
    (a.dev ?? Infinity) - (b.dev ?? Infinity) ||
    compareLocal(a.local, b.local)
  );
}

function compareRelease(a: readonly number[], b: readonly number[]): number {
  let endA = a.length;
  let endB = b.length;
  while (endA > 0 && a[endA - 1] === 0) endA--;
  while (endB > 0 && b[endB - 1] === 0) endB--;
  for (let i = 0; i < Math.min(endA, endB); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return endA - endB;
}

/** -1 / 0 / 1 for the pre-release part; a release with neither pre nor post but a dev part sorts first. */
function comparePre(a: Version, b: Version): number {
  const rank = (v: Version): number => (v.pre === null && v.post === null && v.dev !== null ? 0 : v.pre === null ? 2 : 1);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra !== 1) return 0;
  const [la, na] = a.pre!;
  const [lb, nb] = b.pre!;
  if (la !== lb) return la < lb ? -1 : 1; // 'a' < 'b' < 'rc'
  return Math.sign(na - nb);
}

function compareLocal(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      const d = compareDigits(x, y);
      if (d !== 0) return d;
    } else if (nx !== ny) return nx ? 1 : -1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** Compares two digit strings as integers of any length. */
function compareDigits(x: string, y: string): number {
  const a = x.replace(/^0+(?=\d)/, '');
  const b = y.replace(/^0+(?=\d)/, '');
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The local version label, normalised: `2.1.2+cu118` → `cu118`; null when none or invalid. */
export function localTag(text: string): string | null {
  return parseVersion(text)?.local ?? null;
}

/** The version without its local label, normalised: `2.1.2+cu118` → `2.1.2`; null when invalid. */
export function publicVersion(text: string): string | null {
  return parseVersion(text)?.public ?? null;
}

/** The release numbers: `2.1.2+cu118` → `[2, 1, 2]`; `[]` when invalid. */
export function releaseParts(text: string): number[] {
  return parseVersion(text)?.release.slice() ?? [];
}

// ---------------------------------------------------------------------------------------
// Scanning one specifier clause (packaging's SPECIFIER token, by hand)
// ---------------------------------------------------------------------------------------

/** One clause found by {@link scanSpecifierClause}; offsets index the scanned text. */
export interface ScannedClause {
  operator: SpecifierOperator;
  /** Where the clause (its operator) starts and where it ends (after the version). */
  start: number;
  end: number;
  /** The version as written (between the whitespace after the operator and the end). */
  versionStart: number;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isAsciiAlnum(code: number): boolean {
  return isDigit(code) || (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

function isSep(code: number): boolean {
  return code === 0x2d || code === 0x5f || code === 0x2e; // - _ .
}

/** `word` at `i`, ASCII case-insensitively. */
function hasWord(text: string, i: number, word: string): boolean {
  if (i + word.length > text.length) return false;
  for (let k = 0; k < word.length; k++) {
    const c = text.charCodeAt(i + k) | 0x20;
    if (c !== word.charCodeAt(k)) return false;
  }
  return true;
}

function digitsEnd(text: string, i: number): number {
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  return i;
}

/** The operator at `i`, in packaging's order of preference. */
export function scanOperator(text: string, i: number): SpecifierOperator | null {
  if (text.startsWith('===', i)) return '===';
  const two = text.slice(i, i + 2);
  if (two === '==' || two === '!=' || two === '~=' || two === '<=' || two === '>=') return two;
  const one = text[i];
  if (one === '<' || one === '>') return one;
  return null;
}

/** `[0-9]+!` epoch (optional) then `[0-9]+(\.[0-9]+)*` release; -1 when no release. Also counts segments. */
function scanRelease(text: string, i: number): { end: number; segments: number } | null {
  let j = digitsEnd(text, i);
  if (j === i) return null;
  if (text.charCodeAt(j) === 0x21 /* ! */) {
    const k = digitsEnd(text, j + 1);
    if (k > j + 1) j = k;
    else return { end: j, segments: 1 };
  }
  let segments = 1;
  while (text.charCodeAt(j) === 0x2e && isDigit(text.charCodeAt(j + 1))) {
    j = digitsEnd(text, j + 1);
    segments++;
  }
  return { end: j, segments };
}

const PRE_WORDS = ['alpha', 'beta', 'preview', 'pre', 'a', 'b', 'c', 'rc'];
const POST_WORDS = ['post', 'rev', 'r'];

function optSep(text: string, i: number): number {
  return isSep(text.charCodeAt(i)) ? i + 1 : i;
}

function scanWordGroup(text: string, i: number, words: string[]): number {
  const j = optSep(text, i);
  for (const w of words) {
    if (hasWord(text, j, w)) return digitsEnd(text, optSep(text, j + w.length));
  }
  return -1;
}

/** Pre, post and dev segments, each optional; returns the end. */
function scanSuffixes(text: string, i: number): number {
  const pre = scanWordGroup(text, i, PRE_WORDS);
  if (pre >= 0) i = pre;
  if (text.charCodeAt(i) === 0x2d && isDigit(text.charCodeAt(i + 1))) {
    i = digitsEnd(text, i + 1);
  } else {
    const post = scanWordGroup(text, i, POST_WORDS);
    if (post >= 0) i = post;
  }
  const dev = scanWordGroup(text, i, ['dev']);
  if (dev >= 0) i = dev;
  return i;
}

/** `\+[a-z0-9]+([-_.][a-z0-9]+)*` at `i`; returns the end, or `i` when there is none. */
export function scanLocalLabel(text: string, i: number): number {
  if (text.charCodeAt(i) !== 0x2b /* + */ || !isAsciiAlnum(text.charCodeAt(i + 1))) return i;
  let j = i + 1;
  while (isAsciiAlnum(text.charCodeAt(j))) j++;
  while (isSep(text.charCodeAt(j)) && isAsciiAlnum(text.charCodeAt(j + 1))) {
    j++;
    while (isAsciiAlnum(text.charCodeAt(j))) j++;
  }
  return j;
}

/**
 * Scans one specifier clause (`>=2.1`, `== 2.1.*`, `===foo`) starting at `start`,
 * exactly as packaging's tokenizer does: the longest text its pattern accepts there,
 * which may stop before a trailing `.*`, `+local` or other text the caller must judge.
 * Returns null when no clause starts at `start`.
 */
export function scanSpecifierClause(text: string, start: number): ScannedClause | null {
  const op = scanOperator(text, start);
  if (!op) return null;
  const attempt = (operator: SpecifierOperator): ScannedClause | null => {
    let i = start + operator.length;
    while (i < text.length && isPyWhitespace(text.charCodeAt(i))) i++;
    const versionStart = i;
    if (operator === '===') {
      while (i < text.length) {
        const c = text.charCodeAt(i);
        if (isPyWhitespace(c) || c === 0x3b /* ; */ || c === 0x29 /* ) */) break;
        i++;
      }
      return { operator, start, end: i, versionStart };
    }
    if ((text.charCodeAt(i) | 0x20) === 0x76 /* v */ && isDigit(text.charCodeAt(i + 1))) i++;
    const release = scanRelease(text, i);
    if (!release) return null;
    i = release.end;
    if (operator === '==' || operator === '!=') {
      if (text.startsWith('.*', i)) return { operator, start, end: i + 2, versionStart };
      i = scanLocalLabel(text, scanSuffixes(text, i));
      return { operator, start, end: i, versionStart };
    }
    if (operator === '~=' && release.segments < 2) return null;
    return { operator, start, end: scanSuffixes(text, i), versionStart };
  };
  const found = attempt(op);
  if (found) return found;
  // `<=x` with no version after `<=` cannot become `<` + `=x`: that version would start with `=`.
  return null;
}

// ---------------------------------------------------------------------------------------
// Specifier sets
// ---------------------------------------------------------------------------------------

/** One clause of a parsed specifier set; offsets index the specifier string. */
export interface ParsedClause {
  operator: SpecifierOperator;
  /** The version as written, without surrounding whitespace (`2.1.*`, `2.1.2+cu118`). */
  version: string;
  start: number;
  end: number;
  versionStart: number;
  versionEnd: number;
}

export type SpecifierParse =
  | { ok: true; clauses: ParsedClause[] }
  | { ok: false; message: string; start: number; end: number };

/**
 * Explains why the clause text at [start, end) (a non-empty, trimmed piece between
 * commas) is not a valid specifier. Messages follow packaging's wording where it has one.
 */
export function explainInvalidClause(text: string, start: number, end: number): { message: string; start: number; end: number } {
  const piece = text.slice(start, end);
  const generic = { message: `Invalid specifier: '${piece}'`, start, end };
  const scanned = scanSpecifierClause(end < text.length ? text.slice(0, end) : text, start);
  if (scanned) {
    const after = scanned.end;
    if (text.startsWith('.*', after)) {
      if (scanned.operator === '==' || scanned.operator === '!=') {
        return { message: '.* suffix cannot be used with pre-release, post-release, dev or local versions', start, end: Math.min(end, after + 2) };
      }
      return { message: '.* suffix can only be used with `==` or `!=` operators', start, end: Math.min(end, after + 2) };
    }
    const local = scanLocalLabel(text, after);
    if (local > after && scanned.operator !== '===') {
      return { message: 'Local version label can only be used with `==` or `!=` operators', start, end: Math.min(end, local) };
    }
    return generic;
  }
  const op = scanOperator(text, start);
  if (op === '~=') {
    let i = start + 2;
    while (i < end && isPyWhitespace(text.charCodeAt(i))) i++;
    if (i < end && isDigit(text.charCodeAt(i))) {
      return { message: 'The `~=` operator needs a version with at least two release segments (e.g. `~=1.0`, not `~=1`)', start, end };
    }
  }
  const typo = operatorTypo(text, start);
  if (typo) return { message: typo.message, start, end: start + typo.length };
  if (!op && isDigit(text.charCodeAt(start))) {
    return { message: `Missing operator before '${piece}'; did you mean '==${piece}'?`, start, end };
  }
  return generic;
}

/** `=`, `=>`, `=<` written where an operator belongs: the message and how long the typo is. */
export function operatorTypo(text: string, i: number): { message: string; length: number } | null {
  if (text[i] !== '=') return null;
  const next = text[i + 1];
  if (next === '>') return { message: "'=>' is not a valid operator; did you mean '>='?", length: 2 };
  if (next === '<') return { message: "'=<' is not a valid operator; did you mean '<='?", length: 2 };
  if (next === '=' || next === '!' || next === '~') return null;
  return { message: "'=' is not a valid operator; did you mean '=='?", length: 1 };
}

/**
 * Parses a specifier set (`>=2.1, <2.3`; `''` is the empty set) the way packaging's
 * `SpecifierSet` does: split on commas, skip empty pieces, each piece one clause.
 */
export function parseSpecifierSet(spec: string): SpecifierParse {
  if (typeof spec !== 'string') return { ok: false, message: 'Invalid specifier', start: 0, end: 0 };
  const clauses: ParsedClause[] = [];
  let pieceStart = 0;
  for (let i = 0; i <= spec.length; i++) {
    if (i < spec.length && spec[i] !== ',') continue;
    let s = pieceStart;
    let e = i;
    while (s < e && isPyWhitespace(spec.charCodeAt(s))) s++;
    while (e > s && isPyWhitespace(spec.charCodeAt(e - 1))) e--;
    pieceStart = i + 1;
    if (s === e) continue;
    const piece = spec.slice(s, e);
    const scanned = scanSpecifierClause(piece, 0);
    if (!scanned || scanned.end !== piece.length) {
      const why = explainInvalidClause(piece, 0, piece.length);
      return { ok: false, message: why.message, start: s + why.start, end: s + why.end };
    }
    clauses.push({
      operator: scanned.operator,
      version: piece.slice(scanned.versionStart),
      start: s,
      end: e,
      versionStart: s + scanned.versionStart,
      versionEnd: e,
    });
  }
  return { ok: true, clauses };
}

export function isValidSpecifier(spec: string): boolean {
  return parseSpecifierSet(spec).ok;
}

/** Why `spec` is not a valid specifier set (packaging's reason where it gives one); null when valid. */
export function specifierError(spec: string): string | null {
  const parsed = parseSpecifierSet(spec);
  return parsed.ok ? null : parsed.message;
}

// ---------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------

interface ClauseLike {
  operator: string;
  version: string;
}

function withoutLocal(v: Version): Version {
  if (v.local === null) return v;
  return parseVersion(v.public) ?? v;
}

/** `v`'s release padded with zeros to `n` segments starts with `prefix` (same epoch). */
function releasePrefixMatches(v: Version, epoch: number, prefix: number[]): boolean {
  if (v.epoch !== epoch) return false;
  for (let k = 0; k < prefix.length; k++) {
    if ((v.release[k] ?? 0) !== prefix[k]) return false;
  }
  return true;
}

function sameRelease(a: number[], b: number[]): boolean {
  const n = Math.max(a.length, b.length);
  for (let k = 0; k < n; k++) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return true;
}

/**
 * Whether one clause admits `candidate`, pre-release policy aside.
 * `raw` is the candidate as given (for `===`, which compares strings).
 */
function clauseAdmits(clause: ClauseLike, candidate: Version | null, raw: string): boolean {
  const op = clause.operator;
  const specText = clause.version.trim();
  if (op === '===') return raw.toLowerCase() === specText.toLowerCase();
  if (!candidate) return false;
  if (op === '==' || op === '!=') {
    let equal: boolean;
    if (specText.endsWith('.*')) {
      const base = parseVersion(specText.slice(0, -2));
      if (!base) return false;
      equal = releasePrefixMatches(candidate, base.epoch, base.release);
    } else {
      const spec = parseVersion(specText);
      if (!spec) return false;
      equal = spec.local !== null ? compareParsed(candidate, spec) === 0 : compareParsed(withoutLocal(candidate), spec) === 0;
    }
    return op === '==' ? equal : !equal;
  }
  const spec = parseVersion(specText);
  if (!spec || spec.local !== null) return false;
  const pub = withoutLocal(candidate);
  const cmp = compareParsed(pub, spec);
  switch (op) {
    case '>=':
      return cmp >= 0;
    case '<=':
      return cmp <= 0;
    case '<': {
      if (cmp >= 0) return false;
      // `<V` does not admit V's own pre-releases (unless V is one): 1.0rc1 is not `<1.0`.
      if (!spec.isPrerelease && pub.isPrerelease) {
        const floor = parseVersion(`${spec.public}.dev0`);
        if (floor && compareParsed(pub, floor) >= 0) return false;
      }
      return true;
    }
    case '>': {
      if (cmp <= 0) return false;
      // `>V` does not admit V's post-releases (unless V is one): 1.0.post1 is not `>1.0`.
      if (spec.post === null && spec.dev === null && pub.post !== null && pub.epoch === spec.epoch &&
          sameRelease(pub.release, spec.release) && samePre(pub.pre, spec.pre)) {
        return false;
      }
      return true;
    }
    case '~=': {
      if (spec.release.length < 2) return false;
      return cmp >= 0 && releasePrefixMatches(candidate, spec.epoch, spec.release.slice(0, -1));
    }
    default:
      return false;
  }
}

function samePre(a: [string, number] | null, b: [string, number] | null): boolean {
  if (a === null || b === null) return a === b;
  return a[0] === b[0] && a[1] === b[1];
}

export interface MatchOptions {
  /**
   * `false`: pre-releases never match. `true` or absent: a pre-release matches when the
   * clauses admit it (packaging's `contains`: a version asked about is taken as is).
   */
  prereleases?: boolean;
}

function clausesOf(specifier: string | readonly ClauseLike[]): ClauseLike[] | null {
  if (typeof specifier !== 'string') return specifier.slice();
  const parsed = parseSpecifierSet(specifier);
  return parsed.ok ? parsed.clauses : null;
}

/**
 * Whether `version` satisfies every clause of `specifier` (PEP 440: `==2.1.*`, `~=`,
 * `===`, `!=`, local labels ignored unless the clause names one, `<V`/`>V` excluding V's
 * pre-/post-releases). An invalid specifier or version satisfies nothing (except `===`).
 */
export function satisfies(version: string, specifier: string | readonly ClauseLike[], opts: MatchOptions = {}): boolean {
  if (typeof version !== 'string') return false;
  const clauses = clausesOf(specifier);
  if (!clauses) return false;
  const candidate = parseVersion(version);
  if (opts.prereleases === false && candidate?.isPrerelease) return false;
  for (const clause of clauses) if (!clauseAdmits(clause, candidate, version)) return false;
  return true;
}

/** Whether the clauses themselves ask for pre-releases (packaging's `SpecifierSet.prereleases`). */
export function specifierAllowsPrereleases(specifier: string | readonly ClauseLike[]): boolean {
  const clauses = clausesOf(specifier) ?? [];
  return clauses.some((c) => {
    const text = c.version.trim();
    if (c.operator === '!=') return false;
    if (c.operator === '==' && text.endsWith('.*')) return false;
    return parseVersion(text)?.isPrerelease ?? false;
  });
}

/**
 * The candidates `specifier` admits, in their order, with pip's default pre-release
 * policy when `opts.prereleases` is absent: pre-releases only if the specifier names one
 * or no final release matches.
 */
export function filterVersions(candidates: readonly string[], specifier: string | readonly ClauseLike[], opts: MatchOptions = {}): string[] {
  const clauses = clausesOf(specifier);
  if (!clauses) return [];
  const matches = candidates.filter((v) => typeof v === 'string' && satisfies(v, clauses, { prereleases: true }));
  const pre = opts.prereleases ?? (specifierAllowsPrereleases(clauses) ? true : undefined);
  if (pre === true) return matches;
  const finals = matches.filter((v) => !parseVersion(v)?.isPrerelease);
  if (pre === false || finals.length > 0) return finals;
  return matches;
}

/** The highest candidate `specifier` admits (pip's pre-release policy, see {@link filterVersions}); null when none. */
export function bestMatch(candidates: readonly string[], specifier: string | readonly ClauseLike[], opts: MatchOptions = {}): string | null {
  let best: string | null = null;
  for (const v of filterVersions(candidates, specifier, opts)) {
    if (best === null || compareVersions(v, best) > 0) best = v;
  }
  return best;
}

/**
 * The one version a specifier pins: a single `==X` clause without `*`, or `===X`;
 * null otherwise. Returns the version as written (`2.1.2+cu118`).
 */
export function pinnedVersion(clauses: string | readonly ClauseLike[]): string | null {
  const list = clausesOf(clauses);
  if (!list || list.length !== 1) return null;
  const [only] = list;
  const version = only!.version.trim();
  if (only!.operator === '===') return version || null;
  if (only!.operator === '==' && !version.endsWith('.*') && isValidVersion(version)) return version;
  return null;
}

// ---------------------------------------------------------------------------------------
// Version ranges: what a specifier set allows, as one interval plus excluded points
// ---------------------------------------------------------------------------------------

/** One end of a {@link VersionRange}. */
export interface RangeBound {
  /** A valid version, local label dropped. */
  version: string;
  inclusive: boolean;
}

/**
 * The versions a specifier set allows, as the interval its ordered clauses bound, minus the
 * exact versions its `!=` clauses exclude. For set-level questions (can two specifiers both
 * hold, does a range reach NumPy 2, does it lie inside a known release line). Clauses that
 * cannot be read (invalid, `===` on a non-version, `!=X.*`) are left out, so the range is
 * never narrower than the truth. Pre-releases are not modelled apart: `<2` reaches `2.0rc1`
 * here, which only makes an "allows" answer more permissive.
 */
export interface VersionRange {
  lower: RangeBound | null;
  upper: RangeBound | null;
  excluded: string[];
  /** Nothing satisfies every clause. */
  empty: boolean;
}

/** Every version. */
export function unboundedRange(): VersionRange {
  return { lower: null, upper: null, excluded: [], empty: false };
}

/** `[1, 26]` → `1.27` (the next release line at that depth), with the epoch kept. */
function nextRelease(v: Version, depth: number): string {
  const parts = v.release.slice(0, depth);
  while (parts.length < depth) parts.push(0);
  parts[depth - 1]! += 1;
  return `${v.epoch ? `${v.epoch}!` : ''}${parts.join('.')}`;
}

function tighter(a: RangeBound | null, b: RangeBound, side: 'lower' | 'upper'): RangeBound {
  if (!a) return b;
  const c = compareVersions(a.version, b.version);
  if (c === 0) return { version: a.version, inclusive: a.inclusive && b.inclusive };
  return (side === 'lower' ? c < 0 : c > 0) ? b : a;
}

function settleRange(range: VersionRange): VersionRange {
  if (range.empty) return range;
  const { lower, upper } = range;
  if (lower && upper) {
    const c = compareVersions(lower.version, upper.version);
    if (c > 0 || (c === 0 && !(lower.inclusive && upper.inclusive))) range.empty = true;
    else if (c === 0 && range.excluded.some((v) => compareVersions(v, lower.version) === 0)) range.empty = true;
  }
  return range;
}

function boundedRange(lower: RangeBound | null, upper: RangeBound | null): VersionRange {
  return settleRange({ lower, upper, excluded: [], empty: false });
}

/** The range one clause allows; null when the clause cannot be read. */
function clauseRange(clause: ClauseLike): VersionRange | null {
  const text = clause.version.trim();
  const op = clause.operator;
  if ((op === '==' || op === '!=') && text.endsWith('.*')) {
    if (op === '!=') return null;
    const base = parseVersion(text.slice(0, -2));
    if (!base || base.release.length === 0) return null;
    return boundedRange(
      { version: `${base.baseVersion}.dev0`, inclusive: true },
      { version: `${nextRelease(base, base.release.length)}.dev0`, inclusive: false },
    );
  }
  const v = parseVersion(text);
  if (!v) return null;
  const at = v.public;
  switch (op) {
    case '==':
    case '===':
      return boundedRange({ version: at, inclusive: true }, { version: at, inclusive: true });
    case '!=':
      return { ...unboundedRange(), excluded: v.local === null ? [at] : [] };
    case '>=':
      return boundedRange({ version: at, inclusive: true }, null);
    case '>':
      return boundedRange({ version: at, inclusive: false }, null);
    case '<=':
      return boundedRange(null, { version: at, inclusive: true });
    case '<':
      return boundedRange(null, { version: at, inclusive: false });
    case '~=':
      if (v.release.length < 2) return null;
      return boundedRange({ version: at, inclusive: true }, { version: `${nextRelease(v, v.release.length - 1)}.dev0`, inclusive: false });
    default:
      return null;
  }
}

/** The range of a specifier set (`>=1.22,<1.24`) or of parsed clauses; an invalid set allows everything. */
export function versionRange(specifier: string | readonly ClauseLike[]): VersionRange {
  const clauses = typeof specifier === 'string' ? (clausesOf(specifier) ?? lenientClauses(specifier)) : specifier;
  let range = unboundedRange();
  for (const clause of clauses) {
    const one = clauseRange(clause);
    if (one) range = intersectRanges(range, one);
  }
  return range;
}

/** The readable clauses of a set that does not parse as a whole (each comma piece on its own). */
function lenientClauses(specifier: string): ParsedClause[] {
  const out: ParsedClause[] = [];
  for (const piece of specifier.split(',')) {
    const parsed = parseSpecifierSet(piece);
    if (parsed.ok) pushAll(out, parsed.clauses);
  }
  return out;
}

/** The versions both ranges allow. */
export function intersectRanges(a: VersionRange, b: VersionRange): VersionRange {
  let lower = a.lower;
  let upper = a.upper;
  if (b.lower) lower = tighter(lower, b.lower, 'lower');
  if (b.upper) upper = tighter(upper, b.upper, 'upper');
  return settleRange({ lower, upper, excluded: [...a.excluded, ...b.excluded], empty: a.empty || b.empty });
}

/** Whether some version satisfies both ranges. */
export function rangesOverlap(a: VersionRange, b: VersionRange): boolean {
  return !intersectRanges(a, b).empty;
}

/** Whether `version` lies in the range (its local label ignored). */
export function rangeAllows(range: VersionRange, version: string): boolean {
  const v = parseVersion(version);
  if (range.empty || !v) return false;
  if (range.excluded.some((x) => compareVersions(x, v.public) === 0)) return false;
  if (range.lower) {
    const c = compareVersions(v.public, range.lower.version);
    if (c < 0 || (c === 0 && !range.lower.inclusive)) return false;
  }
  if (range.upper) {
    const c = compareVersions(v.public, range.upper.version);
    if (c > 0 || (c === 0 && !range.upper.inclusive)) return false;
  }
  return true;
}

/** Whether the range reaches `version` or anything above it (pip, picking the newest, may land there). */
export function rangeReachesAtOrAbove(range: VersionRange, version: string): boolean {
  if (range.empty) return false;
  if (!range.upper) return true;
  const c = compareVersions(range.upper.version, version);
  return c > 0 || (c === 0 && range.upper.inclusive);
}

/** Whether the range reaches anything below `version`. */
export function rangeReachesBelow(range: VersionRange, version: string): boolean {
  if (range.empty) return false;
  if (!range.lower) return true;
  return compareVersions(range.lower.version, version) < 0;
}

/** Whether every version of `inner` lies in `outer` (the `!=` exclusions of `outer` aside). */
export function rangeWithin(inner: VersionRange, outer: VersionRange): boolean {
  if (inner.empty) return false;
  if (outer.lower) {
    if (!inner.lower) return false;
    const c = compareVersions(inner.lower.version, outer.lower.version);
    if (c < 0 || (c === 0 && inner.lower.inclusive && !outer.lower.inclusive)) return false;
  }
  if (outer.upper) {
    if (!inner.upper) return false;
    const c = compareVersions(inner.upper.version, outer.upper.version);
    if (c > 0 || (c === 0 && inner.upper.inclusive && !outer.upper.inclusive)) return false;
  }
  return true;
}
