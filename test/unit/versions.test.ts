import {describe, expect, test} from 'vitest'
import {compareVersions, imageTag, runsDeclared, skippedStops, versionParts} from '../../src/signoz/versions.js'
import {bytesOf} from '../../src/core/quantity.js'

describe('versions', () => {
  test('parts of versions and image tags', () => {
    expect(versionParts('v0.131.0')).toEqual([0, 131, 0])
    expect(versionParts('24.1.2-alpine')).toEqual([24, 1, 2])
    expect(versionParts('latest')).toBeUndefined()
  })

  test('comparison is numeric, not lexical', () => {
    expect(compareVersions('25.12.5', '25.5.6')).toBe(1)
    expect(compareVersions('v0.9.0', 'v0.10.0')).toBe(-1)
    expect(compareVersions('25.12.5.44', '25.12.5')).toBe(1)
    expect(compareVersions('v0.144.11', 'v0.144.11')).toBe(0)
  })

  test('a running version matches the tag it was declared with', () => {
    expect(runsDeclared('25.5.6.14', '25.5.6')).toBe(true)
    expect(runsDeclared('24.1.2.5', '24.1.2-alpine')).toBe(true)
    expect(runsDeclared('25.5.6.14', '25.12.5')).toBe(false)
    expect(runsDeclared('18.16.1', '18.16.1')).toBe(true)
  })

  test('image tags, with registries, ports and digests', () => {
    expect(imageTag('docker.io/signoz/signoz:v0.131.0')).toBe('v0.131.0')
    expect(imageTag('registry:5000/clickhouse/clickhouse-server:25.12.5@sha256:abc')).toBe('25.12.5')
    expect(imageTag('registry:5000/clickhouse/clickhouse-server')).toBeUndefined()
  })

  test('required stops strictly between two versions', () => {
    expect(skippedStops('v0.70.0', 'v0.80.0')).toEqual(['v0.76.0'])
    expect(skippedStops('v0.70.0', 'v0.76.0')).toEqual([])
    expect(skippedStops('v0.50.0', 'v0.90.0')).toEqual(['v0.51.0', 'v0.55.0', 'v0.64.0', 'v0.70.0', 'v0.76.0', 'v0.88.0'])
    expect(skippedStops('v0.90.0', 'v0.70.0')).toEqual([])
    expect(skippedStops('v0.130.1', 'v0.131.0')).toEqual([])
  })

  test('Kubernetes quantities', () => {
    expect(bytesOf('10Gi')).toBe(10 * 2 ** 30)
    expect(bytesOf('500M')).toBe(5e8)
    expect(bytesOf('1024')).toBe(1024)
    expect(bytesOf(undefined)).toBe(0)
  })
})
