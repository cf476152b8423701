import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Unit tests sit beside what they test in src/ (checks, the loss ledger); integration tests in test/.
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Integration tests start real PostgreSQL clusters and Django: one file at a time
    // on a 2-core machine, with room for a cold start.
    fileParallelism: false,
    testTimeout: 180_000,
    // A run without CI=true keeps templates in the user's cache (src/cache/): never in a tester's home.
    env: { XDG_CACHE_HOME: path.resolve('.cache', 'test', 'xdg-cache') },
    hookTimeout: 600_000,
    // CI also keeps a machine-readable record, from which .ci/run prints a plain closing line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.cache/vitest-results.json' }]] : ['default'],
  },
});
