import {gunzipSync, gzipSync} from 'node:zlib'

/**
 * The bundle's archive: a gzipped POSIX tar (ustar) of plain files, as `tar -xzf` unpacks it.
 * Written and read here (a support bundle is a few files of JSON and text; no tar library).
 */
export interface ArchiveFile {
  path: string
  content: Buffer | string
}

const BLOCK = 512

function header(path: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(BLOCK)
  // ustar: a name up to 100 bytes, or a prefix (155) and a name.
  let name = path
  let prefix = ''
  if (Buffer.byteLength(name) > 100) {
    const cut = path.lastIndexOf('/', 154)
    if (cut <= 0 || Buffer.byteLength(path.slice(cut + 1)) > 100) throw new Error(`path too long for the archive: ${path}`)
    prefix = path.slice(0, cut)
    name = path.slice(cut + 1)
  }
  const put = (value: string, offset: number, length: number) => h.write(value, offset, length, 'utf8')
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0')
  put(name, 0, 100)
  put(octal(0o644, 8), 100, 8)
  put(octal(0, 8), 108, 8)
  put(octal(0, 8), 116, 8)
  put(octal(size, 12), 124, 12)
  put(octal(Math.floor(mtime / 1000), 12), 136, 12)
  h.fill(' ', 148, 156) // checksum field counts as spaces
  put('0', 156, 1)
  put('ustar\0', 257, 6)
  put('00', 263, 2)
  put(prefix, 345, 155)
  let sum = 0
  for (const byte of h) sum += byte
  put(`${octal(sum, 7)}\0`, 148, 8)
  return h
}

export function writeArchive(files: readonly ArchiveFile[], mtime = Date.now()): Buffer {
  const parts: Buffer[] = []
  for (const f of files) {
    const body = Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content, 'utf8')
    parts.push(header(f.path, body.length, mtime), body, Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK))
  }
  parts.push(Buffer.alloc(BLOCK * 2))
  return gzipSync(Buffer.concat(parts))
}

/** The files of an archive this module (or tar) wrote: path → content. */
export function readArchive(gz: Buffer): Map<string, Buffer> {
  const tar = gunzipSync(gz)
  const files = new Map<string, Buffer>()
  for (let offset = 0; offset + BLOCK <= tar.length;) {
    const h = tar.subarray(offset, offset + BLOCK)
    if (h.every((b) => b === 0)) break
    const text = (start: number, length: number) =>
      h
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '')
    const size = Number.parseInt(text(124, 12).trim() || '0', 8)
    const prefix = text(345, 155)
    const name = prefix ? `${prefix}/${text(0, 100)}` : text(0, 100)
    const type = text(156, 1)
    offset += BLOCK
    if (type === '0' || type === '') files.set(name.replace(/^\.\//, ''), Buffer.from(tar.subarray(offset, offset + size)))
    offset += Math.ceil(size / BLOCK) * BLOCK
  }
  return files
}
