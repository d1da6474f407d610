import type { Span } from './model';

export type Level = 'error' | 'warning' | 'note';

/** Replace `span` of `file` with `text` (an empty text deletes, an empty span inserts). */
export interface Edit {
  file: string;
  span: Span;
  text: string;
}

/**
 * What applying a fix does beyond removing its finding:
 * - `safe`: keeps the meaning on every version the project allows (a rename such as `np.NaN` →
 *   `np.nan`, quoting a requirement the shell would split); applied by `--fix` and fix-all.
 * - `changes-installed`: changes what gets installed (a pin, a local tag, a removed distribution);
 *   applied only on request (`--unsafe-fixes`, `pinwise.fixAll.includePinChanges`).
 * - `manual`: a choice, or known to be incomplete (stale `--hash` values); a quick fix only, never
 *   applied in bulk.
 */
export type Applicability = 'safe' | 'changes-installed' | 'manual';

export interface Fix {
  title: string;
  edits: Edit[];
  applicability: Applicability;
}

/**
 * Which pin changes a bulk fix takes besides the safe fixes: none (`false`), every rule's (`true`),
 * or those of the rules listed.
 */
export type PinChanges = boolean | readonly string[];

/** Whether fix-all / `--fix` applies this fix of a finding of `ruleId`. */
export function appliedInBulk(fix: Fix, ruleId: string, pinChanges: PinChanges = false): boolean {
  if (fix.applicability === 'safe') return true;
  if (fix.applicability !== 'changes-installed') return false;
  return pinChanges === true || (Array.isArray(pinChanges) && pinChanges.includes(ruleId));
}

/** The fix a bulk fix applies for a finding: its first one that `appliedInBulk` takes. */
export function bulkFix(finding: Finding, pinChanges: PinChanges = false): Fix | undefined {
  return finding.fixes.find((fix) => appliedInBulk(fix, finding.ruleId, pinChanges));
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
