import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Concurrency tests hammer one database with many connections: one file at a time.
    fileParallelism: false,
  },
});
