// node scripts/profile-summary.mjs PROFILE.cpuprofile: where a run's own CPU went, by part.
// Make a profile with: node --cpu-prof --cpu-prof-dir=DIR bin/run.js doctor … (one file per
// process). Samples in the bundle are mapped back to their sources through dist's source maps,
// so "client-node", "@clickhouse/client" and our own modules show apart; Node's internals are
// grouped by what they do (TLS, HTTP, streams), and V8's own rows (GC, compiling) by name.
import {readFileSync} from 'node:fs'
import {SourceMap} from 'node:module'
import {fileURLToPath} from 'node:url'

const file = process.argv[2]
if (!file) {
  console.error('usage: node scripts/profile-summary.mjs PROFILE.cpuprofile')
  process.exit(2)
}
const profile = JSON.parse(readFileSync(file, 'utf8'))

const maps = new Map()
function sourceOf(url, line, column) {
  if (!url.startsWith('file://') || !url.includes('/dist/')) return undefined
  if (!maps.has(url)) {
    try {
      maps.set(url, new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8'))))
    } catch {
      maps.set(url, null)
    }
  }
  const map = maps.get(url)
  return map?.findEntry(line, column)?.originalSource
}

const NODE_PARTS = [
  [/^node:(_tls|tls|internal\/tls|crypto|internal\/crypto)/, 'TLS and crypto'],
  [/^node:(_http|http|https|internal\/http)/, 'HTTP (Node)'],
  [/^node:(internal\/streams|stream|internal\/webstreams)/, 'streams'],
  [/^node:(net|internal\/net|internal\/stream_base|dns)/, 'sockets'],
  [/^node:(zlib|internal\/zlib)/, 'compression'],
  [/^node:(internal\/modules|internal\/vm|vm|module)/, 'module loading'],
  [/^node:/, 'other Node internals'],
]

function partOf(frame) {
  const {url, functionName, lineNumber, columnNumber} = frame
  if (!url) {
    if (functionName === '(garbage collector)') return 'garbage collection'
    if (functionName === '(program)') return 'V8 and native (compiling, I/O polling)'
    if (functionName === '(idle)') return 'idle'
    if (/^(parse|stringify)$/.test(functionName)) return `JSON.${functionName}`
    return 'builtins (regexps, strings, …)'
  }
  for (const [pattern, part] of NODE_PARTS) if (pattern.test(url)) return part
  const source = sourceOf(url, lineNumber, columnNumber) ?? url
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1]
  if (dep) return dep
  const own = /(?:^|\/)((?:src|checks|commands)\/[^/]+(?:\/[^/.]+)?)/.exec(source)?.[1]
  if (own) return own
  return url.includes('/dist/') ? `the bundle, unmapped (${url.split('/').pop()})` : source
}

const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const interval = (profile.endTime - profile.startTime) / profile.samples.length / 1000
const totals = new Map()
for (const id of profile.samples) {
  const part = partOf(byId.get(id).callFrame)
  totals.set(part, (totals.get(part) ?? 0) + interval)
}
const busy = [...totals].filter(([p]) => p !== 'idle').reduce((n, [, ms]) => n + ms, 0)
console.log(`${file}: ${busy.toFixed(0)} ms on the CPU (${totals.get('idle')?.toFixed(0) ?? 0} ms idle), by part (self time):`)
for (const [part, ms] of [...totals]
  .filter(([p]) => p !== 'idle')
  .sort((a, b) => b[1] - a[1])
  .slice(0, 25))
  console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${((100 * ms) / busy).toFixed(1).padStart(5)} %  ${part}`)
