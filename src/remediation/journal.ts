import {appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync} from 'node:fs'
import {homedir} from 'node:os'
import {basename, join} from 'node:path'
import {UsageError} from '../core/errors.js'
import {redact} from './redact.js'

export type JournalEvent = 'plan' | 'lease' | 'skip' | 'backup' | 'apply' | 'verify' | 'failed' | 'interrupted' | 'finished' | 'undo' | 'undone'

export interface JournalEntry {
  at: string
  event: JournalEvent
  step?: string
  [key: string]: unknown
}

export interface JournalSummary {
  id: string
  plan: string
  title: string
  started: string
  status: 'finished' | 'failed' | 'interrupted' | 'undone' | 'running'
  applied: number
  /** Who held the release's remediation Lease for the run (absent when no Lease could be taken). */
  holder?: string
}

/** $XDG_STATE_HOME/signoz-ha/journal (default ~/.local/state/signoz-ha/journal). */
export const journalDir = (): string => join(process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'signoz-ha', 'journal')

/**
 * One run's append-only record (JSON lines): the plan, each step's backup, what it applied,
 * its verification, and any undo. Every entry is redacted before it is written.
 */
/**
 * Oldest first: by the id without its extension, numbers compared as numbers, so a second run in
 * the same second (…-plan-2) comes after the first (…-plan), and -10 after -9.
 */
export const byJournalId = (a: string, b: string): number => a.localeCompare(b, 'en', {numeric: true})

export class Journal {
  private constructor(
    readonly id: string,
    readonly path: string,
  ) {}

  static create(planId: string, now = new Date()): Journal {
    const dir = journalDir()
    mkdirSync(dir, {recursive: true, mode: 0o700})
    const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')
    let id = `${stamp}-${planId}`
    for (let n = 2; existsSync(join(dir, `${id}.jsonl`)); n++) id = `${stamp}-${planId}-${n}`
    return new Journal(id, join(dir, `${id}.jsonl`))
  }

  /** By id (as `journal list` shows it) or by path. */
  static open(idOrPath: string): Journal {
    const path = existsSync(idOrPath) ? idOrPath : join(journalDir(), idOrPath.endsWith('.jsonl') ? idOrPath : `${idOrPath}.jsonl`)
    if (!existsSync(path)) throw new UsageError(`no journal "${idOrPath}"`, 'list them with: signoz-ha journal list')
    return new Journal(basename(path, '.jsonl'), path)
  }

  static list(): JournalSummary[] {
    const dir = journalDir()
    if (!existsSync(dir)) return []
    return readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => basename(f, '.jsonl'))
      .sort(byJournalId)
      .map((id) => Journal.open(join(dir, `${id}.jsonl`)).summary())
  }

  append(entry: Omit<JournalEntry, 'at'>): void {
    // After a kill mid-append (the last line torn, no newline) the next entry starts a line of its own.
    const before = existsSync(this.path) ? readFileSync(this.path, 'utf8') : ''
    const torn = before !== '' && !before.endsWith('\n')
    appendFileSync(this.path, `${torn ? '\n' : ''}${JSON.stringify(redact({at: new Date().toISOString(), ...entry}))}\n`, {mode: 0o600})
  }

  entries(): JournalEntry[] {
    // A process killed mid-append leaves one torn line: it is dropped, every whole line stands.
    return readFileSync(this.path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as JournalEntry]
        } catch {
          return []
        }
      })
  }

  summary(): JournalSummary {
    const entries = this.entries()
    const plan = entries.find((e) => e.event === 'plan')
    const last = [...entries].reverse().find((e) => ['finished', 'failed', 'interrupted', 'undone'].includes(e.event))
    return {
      id: this.id,
      plan: String(plan?.plan ?? '?'),
      title: String(plan?.title ?? ''),
      started: entries[0]?.at ?? '',
      status: last ? (last.event === 'undone' ? 'undone' : (last.event as JournalSummary['status'])) : 'running',
      applied: entries.filter((e) => e.event === 'apply').length,
      ...((plan?.lease as {holder?: string} | undefined)?.holder ? {holder: (plan!.lease as {holder: string}).holder} : {}),
    }
  }
}
