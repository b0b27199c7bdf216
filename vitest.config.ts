import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'checks/**/*.test.ts'],
    // Lab-backed tests start real ClickHouse and ZooKeeper processes: one file at a time on 2 cores.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 240_000,
    reporters: ['default', 'json', './test/helpers/durations-reporter.ts'],
    outputFile: {json: '.test-results.json'},
  },
})
