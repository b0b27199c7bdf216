// What the bench scripts measure with: medians, CPU seconds of processes, how busy the machine is.
import {readFileSync} from 'node:fs'

const TICKS = 100

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** CPU seconds of the children this process has waited for (cutime + cstime of /proc/self/stat). */
export const childCpu = () => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
  return (Number(fields[13]) + Number(fields[14])) / TICKS
}

/** CPU seconds a process has used so far (utime + stime); 0 for one that is gone. */
export function processCpu(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS
  } catch {
    return 0
  }
}

/** How busy the machine's CPUs are over ms, 0–100 %. */
export function busyPercent(ms = 3000) {
  const sample = () => readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  const a = sample()
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
  const b = sample()
  const delta = b.map((v, i) => v - a[i])
  const total = delta.reduce((x, y) => x + y, 0)
  const idle = delta[3] + delta[4]
  return Math.round((100 * (total - idle)) / total)
}
