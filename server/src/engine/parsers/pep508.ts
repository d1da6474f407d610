// PEP 508 requirement strings with spans. (Contract stub: the implementation lands with the parser work.)
import type { Span, SpecifierClause } from '../model';

export interface Pep508Requirement {
  name: string;
  nameSpan: Span;
  extras: string[];
  /** Specifier set as written minus spaces ('' when none). */
  specifier: string;
  specifierSpan: Span | null;
  clauses: SpecifierClause[];
  marker: string | null;
  markerSpan: Span | null;
  url: string | null;
  urlSpan: Span | null;
}

export type Pep508Result =
  | { ok: true; requirement: Pep508Requirement }
  | { ok: false; message: string; span: Span };

/**
 * Parses `text` as one PEP 508 requirement. `offset` is where `text` starts in
 * its file; every span returned is file-relative. Never throws.
 */
export function parsePep508(text: string, offset = 0): Pep508Result {
  void text;
  return { ok: false, message: 'PEP 508 parser not implemented yet', span: { start: offset, end: offset } };
}

/** PEP 503 normalization: lowercase, runs of `-_.` become `-`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
