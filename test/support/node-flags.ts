// Flags for the node processes the tests start (the CLI, the language server, the Action).
// `--liftoff-only`: V8 compiles the tree-sitter WASM with its baseline compiler only. Optimizing
// it (TurboFan, in the background) costs every short process ~0.5 s of CPU at start-up, which is
// most of a `pinwise check` on a test fixture; the results are the same, only the compiler differs.
// A test about the shipped start-up itself (no flags) spawns without these.
export const nodeFlags: readonly string[] = ['--liftoff-only'];
