import {mkdirSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {ALL_CHECKS} from '../../checks/index.js'
import {COMMANDS} from '../../commands/index.js'
import {ALL_RUNBOOKS} from '../../runbooks/index.js'
import {VALUES_RULES} from '../signoz/values-rules.js'
import {deploymentGuide, storageGuide} from './guides.js'
import {quickReference, troubleshootingRunbook} from './runbooks.js'
import {UPGRADE_GATES} from '../upgrade/gates.js'
import {upgradeProcedures} from './upgrade.js'
import {commandReference} from './reference.js'
import {failureCatalogue} from './catalogue.js'
import {FAILURE_SCENARIOS} from '../signoz/catalogue.js'

/** Every generated document: its path in the repository and how it is rendered. A test fails when a file drifts. */
export const DOCS: readonly {path: string; render(): string}[] = [
  {path: 'docs/TROUBLESHOOTING_RUNBOOK.md', render: () => troubleshootingRunbook(ALL_RUNBOOKS)},
  {path: 'docs/QUICK_REFERENCE.md', render: () => quickReference(ALL_CHECKS, ALL_RUNBOOKS)},
  {path: 'docs/UPGRADE_PROCEDURES.md', render: () => upgradeProcedures(UPGRADE_GATES)},
  {path: 'docs/PRODUCTION_DEPLOYMENT_GUIDE.md', render: () => deploymentGuide(VALUES_RULES)},
  {path: 'docs/STORAGE_ARCHITECTURE_GUIDE.md', render: () => storageGuide()},
  {path: 'docs/REFERENCE.md', render: () => commandReference(COMMANDS)},
  {path: 'docs/FAILURE_CATALOGUE.md', render: () => failureCatalogue(FAILURE_SCENARIOS, ALL_CHECKS, ALL_RUNBOOKS)},
]

/** Writes every document under root (the repository). */
export function writeDocs(root: string): string[] {
  return DOCS.map((d) => {
    const path = join(root, d.path)
    mkdirSync(dirname(path), {recursive: true})
    writeFileSync(path, d.render())
    return d.path
  })
}
