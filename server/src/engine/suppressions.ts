import { LineIndex } from './line-index';
import type { Span } from './model';

// `# pinwise: ignore[…]` on a line, `# pinwise: ignore-file[…]` for the whole file; without
// brackets, every rule. `ignore-file` is its own word: never read as a bare `ignore`.
const ignoreComment = /#\s*pinwise:\s*ignore(?<file>-file)?(?:\[(?<ids>[^\]\n]*)\]|(?![\w-]))/gi;
// cmd.exe has no trailing comments: `REM` / `::` start a command of their own (after `&` on the same line).
const remIgnoreComment = /(?:^|[\s&@(])(?:rem|::)[ \t]+pinwise:\s*ignore(?<file>-file)?(?:\[(?<ids>[^\]\n]*)\]|(?![\w-]))/gim;

/** How a file kind writes comments (see the registry's `comment`). */
export type CommentStyle = '#' | 'rem';

/** One ignore comment as written. */
export interface SuppressionComment {
  /** 0-based line it is on. */
  line: number;
  /** The comment, from its `#` (`REM`, `::`) to its end. */
  span: Span;
  /** `ignore-file`: for the whole file. */
  fileLevel: boolean;
  /** The rule ids it names, each where it is written; null for every rule. */
  ids: { id: string; span: Span }[] | null;
}

/** A file's ignore comments, and which of them suppressed which rule (for unused-suppression). */
export class Suppressions {
  /** Per comment, the ids it suppressed a finding of (`*` for a comment naming none). */
  readonly used = new Map<SuppressionComment, Set<string>>();
  private readonly byLine = new Map<number, SuppressionComment[]>();
  private readonly fileLevel: SuppressionComment[] = [];

  constructor(readonly comments: readonly SuppressionComment[]) {
    for (const comment of comments) {
      if (comment.fileLevel) this.fileLevel.push(comment);
      else {
        const onLine = this.byLine.get(comment.line);
        if (onLine) onLine.push(comment);
        else this.byLine.set(comment.line, [comment]);
      }
    }
  }

  /**
   * Whether a finding of `ruleId` on `line` (0-based) is suppressed, noting the comment that did it.
   * `explicitOnly`: only a comment naming the rule counts (an unused-suppression finding is not
   * silenced by the very bare comment it reports).
   */
  suppresses(line: number, ruleId: string, explicitOnly = false): boolean {
    for (const comment of [...(this.byLine.get(line) ?? []), ...this.fileLevel]) {
      if (comment.ids === null ? !explicitOnly : comment.ids.some((entry) => entry.id === ruleId)) {
        const used = this.used.get(comment);
        const key = comment.ids === null ? '*' : ruleId;
        if (used) used.add(key);
        else this.used.set(comment, new Set([key]));
        return true;
      }
    }
    return false;
  }
}

/** Finds a file's `# pinwise: ignore[…]` / `ignore-file[…]` comments (`REM pinwise: …` / `:: pinwise: …` in batch files). */
export function findSuppressions(text: string, style: CommentStyle = '#'): Suppressions {
  if (!text.includes('pinwise')) return new Suppressions([]);
  const index = new LineIndex(text);
  const comments: SuppressionComment[] = [];
  for (const match of text.matchAll(style === 'rem' ? remIgnoreComment : ignoreComment)) {
    const start = match.index + match[0].search(/\S/);
    const end = match.index + match[0].length;
    const written = match.groups!['ids'];
    let ids: SuppressionComment['ids'] = null;
    if (written !== undefined) {
      const inside = end - 1 - written.length;
      ids = [];
      let offset = 0;
      for (const part of written.split(',')) {
        const id = part.trim();
        if (id) ids.push({ id, span: { start: inside + offset + part.indexOf(id), end: inside + offset + part.indexOf(id) + id.length } });
        offset += part.length + 1;
      }
    }
    comments.push({ line: index.positionAt(start).line, span: { start, end }, fileLevel: match.groups!['file'] !== undefined, ids });
  }
  return new Suppressions(comments);
}
