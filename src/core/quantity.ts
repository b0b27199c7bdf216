const UNITS: Record<string, number> = {Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, K: 1e3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15}

/** Bytes of a Kubernetes quantity ("10Gi", "500M", "1024"); 0 when absent or unreadable. */
export function bytesOf(q: string | undefined): number {
  if (!q) return 0
  const m = /^(\d+(?:\.\d+)?)([KMGTP]i?|k)?$/.exec(q.trim())
  return m ? Number(m[1]) * (m[2] ? UNITS[m[2]]! : 1) : 0
}
