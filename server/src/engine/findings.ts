import type { Span } from './model';

export type Level = 'error' | 'warning' | 'note';

/** Replace `span` of `file` with `text` (an empty text deletes, an empty span inserts). */
export interface Edit {
  file: string;
  span: Span;
  text: string;
}

/** A fix is safe when applying it cannot change what the user meant beyond the finding itself. */
export interface Fix {
  title: string;
  edits: Edit[];
  safe: boolean;
}

export interface RelatedLocation {
  file: string;
  span: Span;
  message: string;
}

export interface Finding {
  ruleId: string;
  level: Level;
  message: string;
  file: string;
  span: Span;
  related: RelatedLocation[];
  fixes: Fix[];
  /** Marks findings about deprecated things (LSP `DiagnosticTag.Deprecated`). */
  deprecated?: boolean;
  /** A finding in a notebook: its 1-based cell number and 1-based line inside that cell. */
  cell?: { number: number; line: number };
}

/**
 * Applies edits to one file's text. Edits are applied from the end so earlier
 * offsets stay valid; an edit overlapping one already taken is skipped and
 * returned, so callers can retry it on the next pass.
 */
export function applyEdits(text: string, edits: readonly Edit[]): { text: string; skipped: Edit[] } {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end);
  const skipped: Edit[] = [];
  let out = text;
  let floor = Number.POSITIVE_INFINITY;
  for (const edit of sorted) {
    if (edit.span.end > floor || edit.span.start < 0 || edit.span.end > text.length || edit.span.start > edit.span.end) {
      skipped.push(edit);
      continue;
    }
    out = out.slice(0, edit.span.start) + edit.text + out.slice(edit.span.end);
    floor = edit.span.start;
  }
  return { text: out, skipped };
}
