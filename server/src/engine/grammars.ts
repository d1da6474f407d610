// Tree-sitter grammars, loaded by the host (WASM is I/O) and handed to the engine ready to use.
import type { Language, Parser } from '@vscode/tree-sitter-wasm';

export interface Grammars {
  Parser: typeof Parser;
  bash: Language;
  python: Language;
}

/**
 * Parses `text` with a bounded amount of work, or returns null. Tree-sitter's error
 * recovery rereads the text quadratically on some garbage (`[[x]]` lines, `)` or NUL
 * runs, 10k backslash-newlines) and the bash scanner slows quadratically on `${${${…`:
 * past a read budget linear in the size, or a generous time backstop, the parse stops
 * and the caller treats the file as unparsed rather than hang. Real files use a small
 * fraction of either budget (a 280 KB script reads ~1.8× its size in ~80 ms).
 */
export function parseBounded(parser: Parser, text: string): ReturnType<Parser['parse']> {
  let budget = text.length * 64 + 65_536;
  const deadline = performance.now() + 2_000 + text.length / 100;
  let stopped = false;
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
        if (performance.now() > deadline) stopped = true;
        return stopped;
      },
    },
  );
  parsing = false;
  if (stopped) {
    tree?.delete();
    return null;
  }
  return tree;
}
