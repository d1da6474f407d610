// Tree-sitter grammars, loaded by the host (WASM is I/O) and handed to the engine ready to use.
import type { Language, Parser } from '@vscode/tree-sitter-wasm';

export interface Grammars {
  Parser: typeof Parser;
  bash: Language;
  python: Language;
}
