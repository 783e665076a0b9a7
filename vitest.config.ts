import { defineConfig } from 'vitest/config';

const shared = {
  testTimeout: 60_000,
  hookTimeout: 60_000,
  globalSetup: ['test/global-setup.ts'],
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/cluster/**'],
          // Thread tests spawn their own workers; two files at a time keeps them honest on 2 cores.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          // The cluster tests run nats-server clusters and several daemons each: after the rest,
          // one file at a time, so no two clusters (and no timing test) share the 2 cores.
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
