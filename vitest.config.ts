import {defineConfig} from 'vitest/config'

/**
 * Two projects: unit (logic on fixtures, the registries' contracts; no servers, seconds) and lab
 * (real ClickHouse, ZooKeeper, Helm, the API simulator; one file at a time on 2 cores).
 * `npm run test:unit` runs the first, `npm test` both.
 */
export default defineConfig({
  test: {
    reporters: ['default', 'json', './test/helpers/durations-reporter.ts'],
    outputFile: {json: '.test-results.json'},
    projects: [
      {extends: true, test: {name: 'unit', include: ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts', 'checks/**/*.test.ts']}},
      {
        extends: true,
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          // Lab-backed tests start real processes: one file at a time.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
})
