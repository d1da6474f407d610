// Loads the tree-sitter runtime and the bash and Python grammars (WASM) once per process.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Grammars } from '../engine/grammars';

let loading: Promise<Grammars> | undefined;

/** Where the .wasm files are: next to the bundle in dist/, or in node_modules during development. */
function wasmDir(): string {
  const candidates = [join(__dirname, 'wasm'), join(__dirname, '..', 'dist', 'wasm')];
  try {
    candidates.push(join(dirname(require.resolve('@vscode/tree-sitter-wasm')), ''));
  } catch {
    // not installed: bundled layout only
  }
  const found = candidates.find((dir) => existsSync(join(dir, 'tree-sitter.wasm')));
  if (!found) throw new Error(`tree-sitter WASM files not found (looked in ${candidates.join(', ')})`);
  return found;
}

export function loadGrammars(): Promise<Grammars> {
  loading ??= (async () => {
    const dir = wasmDir();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const treeSitter = require('@vscode/tree-sitter-wasm') as typeof import('@vscode/tree-sitter-wasm');
    await treeSitter.Parser.init({ locateFile: (file: string) => join(dir, file) });
    const [bash, python] = await Promise.all([
      treeSitter.Language.load(readFileSync(join(dir, 'tree-sitter-bash.wasm'))),
      treeSitter.Language.load(readFileSync(join(dir, 'tree-sitter-python.wasm'))),
    ]);
    return { Parser: treeSitter.Parser, bash, python };
  })();
  return loading;
}
