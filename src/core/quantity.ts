const UNITS: Record<string, number> = {Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, K: 1e3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15}

/** Bytes of a Kubernetes quantity ("10Gi", "500M", "1024"); 0 when absent or unreadable. */
export function bytesOf(q: string | undefined): number {
  if (!q) return 0
  const m = /^(\d+(?:\.\d+)?)([KMGTP]i?|k)?$/.exec(q.trim())
  return m ? Number(m[1]) * (m[2] ? UNITS[m[2]]! : 1) : 0
}

/** Bytes for a person: 20 GiB, 1.5 MiB, 512 B. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`
}
