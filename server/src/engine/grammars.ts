// Tree-sitter grammars, loaded by the host (WASM is I/O) and handed to the engine ready to use.
import type { Language, Parser } from '@vscode/tree-sitter-wasm';

export interface Grammars {
  Parser: typeof Parser;
  bash: Language;
  python: Language;
}

/** How long one parse may take, whatever the size: past it the file is reported as not checked. */
export const parseTimeBudgetMs = 3_000;

/** Why the last bounded parse of a text stopped, for the note that says what was not checked. */
export function parseStopReason(reason: 'reads' | 'time'): string {
  return reason === 'time'
    ? `parsing it took longer than ${parseTimeBudgetMs / 1000} s, the budget for one file`
    : 'its parse reread the text far more than a real file needs (pathological nesting or garbage)';
}

/**
 * Parses `text` with a bounded amount of work, or returns null. Tree-sitter's error
 * recovery rereads the text quadratically on some garbage (`[[x]]` lines, `)` or NUL
 * runs, 10k backslash-newlines) and the bash scanner slows quadratically on `${${${…`:
 * past a read budget linear in the size, or a generous time backstop, the parse stops
 * and the caller treats the file as unparsed rather than hang. Real files use a small
 * fraction of either budget (a 280 KB script reads ~1.8× its size in ~80 ms).
 */
export function parseBounded(parser: Parser, text: string, onStop?: (reason: 'reads' | 'time') => void): ReturnType<Parser['parse']> {
  let budget = text.length * 64 + 65_536;
  // A fixed backstop: one that grew with the size let a 16 MB file take minutes.
  const deadline = performance.now() + parseTimeBudgetMs;
  let stopped = false;
  let reason: 'reads' | 'time' = 'reads';
  let parsing = true;
  const tree = parser.parse(
    (index: number) => {
      // The tree keeps this callback for `node.text` too: once the parse is done, it must read
      // freely, or the budget left over decides which nodes have text (an empty name, a missed finding).
      if (!parsing) return text.slice(index, index + 4096);
      const chunk = budget > 0 ? text.slice(index, index + 4096) : '';
      budget -= chunk.length;
      if (budget <= 0) stopped = true;
      return chunk;
    },
    null,
    {
      progressCallback: () => {
        if (!stopped && performance.now() > deadline) {
          stopped = true;
          reason = 'time';
        }
        return stopped;
      },
    },
  );
  parsing = false;
  if (stopped) {
    tree?.delete();
    onStop?.(reason);
    return null;
  }
  return tree;
}
