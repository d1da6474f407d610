import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // As tsconfig.json's paths: the engine reads YAML through the yaml package's browser build.
  resolve: { alias: { '#yaml': fileURLToPath(new URL('./node_modules/yaml/browser/index.js', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // Validates rules/ once; test files read the compiled result (test/support/knowledge-base.ts).
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/yield-between-tests.ts'],
  },
});
