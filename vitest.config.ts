import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Vitest's default is one worker fewer than the cores: one on a 2-core machine, where most of a
// test file's time is spent waiting on the CLI or language server it starts. Two at least.
const workers = Math.max(2, availableParallelism() - 1);

export default defineConfig({
  // As tsconfig.json's paths: the engine reads YAML through the yaml package's browser build.
  resolve: { alias: { '#yaml': fileURLToPath(new URL('./node_modules/yaml/browser/index.js', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // Test files share their worker's modules (the engine, the tree-sitter grammars compiled once,
    // the knowledge base read once) instead of loading them again for each of ~120 files. No test
    // keeps state in a module across files: each makes its own fixtures, clients and caches, and
    // the engine's module-level caches are keyed by the objects they describe.
    isolate: false,
    maxWorkers: workers,
    minWorkers: workers,
    // Validates rules/ once; test files read the compiled result (test/support/knowledge-base.ts).
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/yield-between-tests.ts'],
  },
});
