/** Safety class of a step (failure-scenarios.md tags). */
export type Safety = 'read' | 'safe' | 'disruptive' | 'destructive'

export interface RunbookStep {
  title: string
  safety: Safety
  /** Why and when, in one or two sentences. */
  explain: string
  /** Copy-pasteable commands or SQL; {cluster} and {namespace} are filled in when shown. */
  commands?: string[]
}

/** An on-call procedure. Its document is rendered from this definition, so the two cannot drift. */
export interface Runbook {
  id: string
  title: string
  /** What the engineer sees when this is the problem. */
  symptoms: string
  /** Catalogue scenario numbers (failure-scenarios.md). */
  scenarios: number[]
  /** Checks that diagnose it and verify the fix. */
  checks: string[]
  steps: RunbookStep[]
}

export const defineRunbook = (r: Runbook): Runbook => Object.freeze(r)
