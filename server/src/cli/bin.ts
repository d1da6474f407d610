// Entry of dist/cli.js (the `pinwise` bin). Kept apart from main.ts so that other bundles (the
// GitHub Action) can use the CLI's functions without starting it.
import { setFlagsFromString } from 'node:v8';
import { main } from './main';

// V8 re-compiles a WASM function with its optimizing compiler once it has run ~1.8 MB of code:
// tree-sitter's lexer and parser loops reach that on the first small file, and compiling them
// cost 0.45 s of every run's 0.7 s on a small project (pre-commit runs it on every commit). With a
// budget 280 times larger only a large tree's parsing, which gains from it, pays for it.
setFlagsFromString('--wasm-tiering-budget=500000000');

void main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
}).then((code) => {
  process.exitCode = code;
});
