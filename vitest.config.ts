import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Thread tests spawn their own workers; two files at a time keeps them honest on 2 cores.
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
  },
});
