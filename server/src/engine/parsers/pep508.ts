// PEP 508 requirement strings with spans, parsed the way pip's `packaging` parses them:
// the same grammar, the same first-line messages, plus clearer messages for a few
// mistakes packaging reports vaguely (`torch=2.1.2`, `=>`, `~=1`). One forward pass,
// linear time, never throws.

import { formatMarker, isWord, parseMarkerPrefix, type MarkerNode } from '../markers';
import type { Span, SpecifierClause } from '../model';
import { isPyWhitespace, operatorTypo, parseSpecifierSet, scanLocalLabel, scanOperator, scanSpecifierClause } from '../versions';

export interface Pep508Requirement {
  name: string;
  nameSpan: Span;
  extras: string[];
  /** Each extra's span, in the order of `extras`. */
  extraSpans: Span[];
  /** The bracketed extras list including `[` and `]` (null when absent). */
  extrasSpan: Span | null;
  /** Specifier set as written minus spaces ('' when none). */
  specifier: string;
  /** From the first clause's operator to the last clause's version (parentheses excluded). */
  specifierSpan: Span | null;
  clauses: SpecifierClause[];
  /** Marker text as written, trimmed (null when none). */
  marker: string | null;
  markerSpan: Span | null;
  /** The parsed marker (null when none). */
  markerAst: MarkerNode | null;
  /** packaging's normalised marker text (`python_version >= "3.9"`), null when none. */
  markerNormalized: string | null;
  url: string | null;
  urlSpan: Span | null;
}

export type Pep508Result =
  | { ok: true; requirement: Pep508Requirement }
  | { ok: false; message: string; span: Span };

class Pep508Error {
  constructor(
    readonly message: string,
    readonly start: number,
    readonly end: number,
  ) {}
}

const NAME_CHAR = /[A-Za-z0-9._-]/;

function isAlnum(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/** packaging's IDENTIFIER: `\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b`; returns its end or -1. */
function scanIdentifier(text: string, i: number): number {
  if (!isAlnum(text.charCodeAt(i)) || isWord(text, i - 1)) return -1;
  let max = i + 1;
  while (max < text.length && NAME_CHAR.test(text[max]!)) max++;
  for (let e = max; e > i; e--) {
    if (isWord(text, e - 1) !== isWord(text, e)) return e;
  }
  return -1;
}

class Parser {
  pos = 0;

  constructor(readonly text: string) {}

  ws(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09) break;
      this.pos++;
    }
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** An "Expected …" error at the current position, covering the offending word. */
  expected(what: string, at = this.pos): never {
    throw new Pep508Error(`Expected ${what}`, at, this.offendingEnd(at));
  }

  offendingEnd(at: number): number {
    const t = this.text;
    if (at >= t.length) return at;
    const first = t.charCodeAt(at);
    if (first === 0x20 || first === 0x09 || first === 0x0a || first === 0x0d) return at + 1;
    let e = at;
    while (e < t.length && e - at < 200) {
      const c = t.charCodeAt(e);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x3b /* ; */ || c === 0x2c /* , */) break;
      e++;
    }
    return Math.max(e, at + 1);
  }
}

/**
 * Parses `text` as one PEP 508 requirement. `offset` is where `text` starts in
 * its file; every span returned is file-relative. Never throws.
 */
export function parsePep508(text: string, offset = 0): Pep508Result {
  if (typeof text !== 'string') text = '';
  try {
    return { ok: true, requirement: parse(text, offset) };
  } catch (error) {
    if (error instanceof Pep508Error) {
      return { ok: false, message: error.message, span: { start: offset + error.start, end: offset + error.end } };
    }
    return { ok: false, message: 'Invalid requirement', span: { start: offset, end: offset + text.length } };
  }
}

function parse(text: string, offset: number): Pep508Requirement {
  const p = new Parser(text);
  const at = (start: number, end: number): Span => ({ start: offset + start, end: offset + end });

  p.ws();
  const nameStart = p.pos;
  const nameEnd = scanIdentifier(text, nameStart);
  if (nameEnd < 0) p.expected('package name at the start of dependency specifier');
  p.pos = nameEnd;
  const name = text.slice(nameStart, nameEnd);
  p.ws();

  // extras = '[' ws? (identifier (ws? ',' ws? identifier)*)? ws? ']'
  const extras: string[] = [];
  const extraSpans: Span[] = [];
  let extrasSpan: Span | null = null;
  if (text[p.pos] === '[') {
    const open = p.pos++;
    p.ws();
    let e = scanIdentifier(text, p.pos);
    if (e >= 0) {
      extras.push(text.slice(p.pos, e));
      extraSpans.push(at(p.pos, e));
      p.pos = e;
      for (;;) {
        p.ws();
        if (scanIdentifier(text, p.pos) >= 0) {
          throw new Pep508Error('Expected comma between extra names', p.pos, p.offendingEnd(p.pos));
        }
        if (text[p.pos] !== ',') break;
        p.pos++;
        p.ws();
        e = scanIdentifier(text, p.pos);
        if (e < 0) p.expected('extra name after comma');
        extras.push(text.slice(p.pos, e));
        extraSpans.push(at(p.pos, e));
        p.pos = e;
      }
    }
    p.ws();
    if (text[p.pos] !== ']') {
      throw new Pep508Error('Expected matching RIGHT_BRACKET for LEFT_BRACKET, after extras', open, Math.max(p.pos, open + 1));
    }
    p.pos++;
    extrasSpan = at(open, p.pos);
  }
  p.ws();

  let url: string | null = null;
  let urlSpan: Span | null = null;
  const clauses: SpecifierClause[] = [];
  let specifier = '';
  let specifierSpan: Span | null = null;
  let marker: string | null = null;
  let markerSpan: Span | null = null;
  let markerAst: MarkerNode | null = null;

  const parseMarkerAfterSemicolon = (): void => {
    const semicolon = p.pos++;
    const result = parseMarkerPrefix(text, p.pos, text.length, offset);
    if (!result.ok) {
      let end = result.end;
      if (result.start === result.end) end = p.offendingEnd(result.start);
      throw new Pep508Error(result.message, result.start, end);
    }
    markerAst = result.marker;
    let s = semicolon + 1;
    let e = result.end;
    while (s < e && isPyWhitespace(text.charCodeAt(s))) s++;
    while (e > s && isPyWhitespace(text.charCodeAt(e - 1))) e--;
    marker = text.slice(s, e);
    markerSpan = at(s, e);
    p.pos = result.end;
  };

  if (text[p.pos] === '@') {
    p.pos++;
    p.ws();
    const urlStart = p.pos;
    while (p.pos < text.length && text[p.pos] !== ' ' && text[p.pos] !== '\t') p.pos++;
    if (p.pos === urlStart) p.expected('URL after @');
    url = text.slice(urlStart, p.pos);
    urlSpan = at(urlStart, p.pos);
    p.ws();
    if (!p.atEnd()) {
      if (text[p.pos] !== ';') {
        throw new Pep508Error('Expected semicolon (after URL and whitespace) or end', p.pos, p.offendingEnd(p.pos));
      }
      parseMarkerAfterSemicolon();
    }
  } else {
    // specifier = '(' ws? version_many ws? ')' | ws? version_many ws?
    let open = -1;
    if (text[p.pos] === '(') open = p.pos++;
    p.ws();
    for (;;) {
      const clause = scanSpecifierClause(text, p.pos);
      if (!clause) {
        // A clause was due here (first, or after a comma): name a recognisable mistake.
        const mistake = clauseMistake(p);
        if (mistake) throw mistake;
        break;
      }
      const version = text.slice(clause.versionStart, clause.end);
      if (text.startsWith('.*', clause.end)) {
        const message =
          clause.operator === '==' || clause.operator === '!='
            ? '.* suffix cannot be used with pre-release, post-release, dev or local versions'
            : '.* suffix can only be used with `==` or `!=` operators';
        throw new Pep508Error(message, clause.start, clause.end + 2);
      }
      const local = clause.operator === '===' ? clause.end : scanLocalLabel(text, clause.end);
      if (local > clause.end) {
        throw new Pep508Error('Local version label can only be used with `==` or `!=` operators', clause.start, local);
      }
      clauses.push({
        operator: clause.operator,
        version,
        span: at(clause.start, clause.end),
        versionSpan: at(clause.versionStart, clause.end),
      });
      p.pos = clause.end;
      p.ws();
      if (text[p.pos] !== ',') break;
      p.pos++;
      p.ws();
    }
    p.ws();
    if (open >= 0) {
      if (text[p.pos] !== ')') {
        throw new Pep508Error('Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier', open, Math.max(p.pos, open + 1));
      }
      p.pos++;
    }
    if (clauses.length > 0) {
      const first = clauses[0]!.span.start - offset;
      const last = clauses[clauses.length - 1]!.span.end - offset;
      specifier = text.slice(first, last).replace(/[ \t]+/g, '');
      specifierSpan = at(first, last);
    }
    p.ws();
    if (!p.atEnd()) {
      if (text[p.pos] !== ';') {
        const expected =
          clauses.length > 0 ? 'comma (within version specifier), semicolon (after version specifier)' : 'semicolon (after name with no version specifier)';
        throw new Pep508Error(`Expected ${expected} or end`, p.pos, p.offendingEnd(p.pos));
      }
      parseMarkerAfterSemicolon();
    }
  }

  p.ws();
  if (!p.atEnd()) p.expected('end of dependency specifier');

  if (specifier) {
    const checked = parseSpecifierSet(specifier);
    if (!checked.ok) {
      throw new Pep508Error(checked.message, specifierSpan!.start - offset, specifierSpan!.end - offset);
    }
  }

  return {
    name,
    nameSpan: at(nameStart, nameEnd),
    extras,
    extraSpans,
    extrasSpan,
    specifier,
    specifierSpan,
    clauses,
    marker,
    markerSpan,
    markerAst,
    markerNormalized: markerAst ? formatMarker(markerAst) : null,
    url,
    urlSpan,
  };
}

/**
 * Our own, clearer messages where a clause was due but none could be read, for
 * mistakes packaging only reports as "Expected …": `=2.1`, `=>2.1`, `~=1`.
 */
function clauseMistake(p: Parser): Pep508Error | null {
  const { text, pos } = p;
  const typo = operatorTypo(text, pos);
  if (typo) return new Pep508Error(typo.message, pos, pos + typo.length);
  if (scanOperator(text, pos) === '~=') {
    let i = pos + 2;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (/[0-9]/.test(text[i] ?? '')) {
      return new Pep508Error('The `~=` operator needs a version with at least two release segments (e.g. `~=1.0`, not `~=1`)', pos, p.offendingEnd(pos));
    }
  }
  return null;
}

/** PEP 503 normalization: lowercase, runs of `-_.` become `-`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
