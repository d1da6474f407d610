import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // Validates rules/ once; test files read the compiled result (test/support/knowledge-base.ts).
    globalSetup: ['test/support/global-setup.ts'],
  },
});
