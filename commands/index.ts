import type {Command} from '@oclif/core'
import Doctor from './doctor.js'
import ChecksList from './checks/list.js'
import RunbookList from './runbook/list.js'
import RunbookShow from './runbook/show.js'
import RunbookRun from './runbook/run.js'
import LabUp from './lab/up.js'
import LabStatus from './lab/status.js'
import LabDown from './lab/down.js'
import LabBreak from './lab/break.js'
import LabHeal from './lab/heal.js'
import LabEnv from './lab/env.js'
import FixDuplicateClickhouse from './fix/duplicate-clickhouse.js'
import JournalList from './journal/list.js'
import JournalShow from './journal/show.js'
import Generate from './generate.js'
import UpgradeCommand from './upgrade.js'
import ValuesLint from './values/lint.js'
import StoragePlan from './storage/plan.js'
import StorageReport from './storage/report.js'
import Completion from './completion.js'
import Status from './status.js'
import Bundle from './bundle.js'
import Serve from './serve.js'
import GenerateMonitor from './generate/monitor.js'

/** Every command, registered explicitly (oclif "explicit" strategy): id → class. */
export const COMMANDS: Record<string, Command.Class> = {
  doctor: Doctor,
  status: Status,
  bundle: Bundle,
  serve: Serve,
  'checks:list': ChecksList,
  'runbook:list': RunbookList,
  'runbook:show': RunbookShow,
  'runbook:run': RunbookRun,
  'lab:up': LabUp,
  'lab:status': LabStatus,
  'lab:down': LabDown,
  'lab:break': LabBreak,
  'lab:heal': LabHeal,
  'lab:env': LabEnv,
  'fix:duplicate-clickhouse': FixDuplicateClickhouse,
  'journal:list': JournalList,
  'journal:show': JournalShow,
  generate: Generate,
  'generate:monitor': GenerateMonitor,
  upgrade: UpgradeCommand,
  'values:lint': ValuesLint,
  'storage:plan': StoragePlan,
  'storage:report': StorageReport,
  completion: Completion,
}
