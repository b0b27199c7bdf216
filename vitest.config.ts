import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {defineConfig} from 'vitest/config'

/**
 * Two projects: unit (logic on fixtures, the registries' contracts; no servers, seconds) and lab
 * (real ClickHouse, ZooKeeper, Helm, the API simulator; one file at a time on 2 cores).
 * `npm run test:unit` runs the first, `npm test` both.
 */
export default defineConfig({
  test: {
    // What runs remember between runs (kube-connections.ts) stays with this test run, not the user's home.
    env: {SIGNOZ_HA_CACHE_DIR: join(tmpdir(), `signoz-ha-test-cache-${process.pid}`)},
    reporters: ['default', 'json', './test/helpers/durations-reporter.ts'],
    outputFile: {json: '.test-results.json'},
    projects: [
      // Unit files in parallel, and all of them before the first lab file (groupOrder): nothing shares the cores with a lab.
      {
        extends: true,
        test: {name: 'unit', include: ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts', 'checks/**/*.test.ts'], sequence: {groupOrder: 0}},
      },
      {
        extends: true,
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          // Lab-backed tests start real processes: one file at a time.
          fileParallelism: false,
          sequence: {groupOrder: 1},
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
})
