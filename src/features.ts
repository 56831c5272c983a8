// Every feature of the application, each from its public face (src/features/<name>/index.ts).
// Adding a feature: its folder and one line here. app.ts registers hooks and routes in this
// order; src/services.ts builds each service after the ones it asks for, wherever they are.
import type { Feature } from './web/feature.ts'
import { feature as appraisals } from './features/appraisals/index.ts'
import { feature as audit } from './features/audit/index.ts'
import { feature as auth } from './features/auth/index.ts'
import { feature as backup } from './features/backup/index.ts'
import { feature as benchmarking } from './features/benchmarking/index.ts'
import { feature as budgets } from './features/budgets/index.ts'
import { feature as committees } from './features/committees/index.ts'
import { feature as dashboards } from './features/dashboards/index.ts'
import { feature as demo } from './features/demo/index.ts'
import { feature as exchange } from './features/exchange/index.ts'
import { feature as framework } from './features/framework/index.ts'
import { feature as home } from './features/home/index.ts'
import { feature as links } from './features/links/index.ts'
import { feature as measureValues } from './features/measure-values/index.ts'
import { feature as measures } from './features/measures/index.ts'
import { feature as notifications } from './features/notifications/index.ts'
import { feature as organisation } from './features/organisation/index.ts'
import { feature as organisationalMeasures } from './features/organisational-measures/index.ts'
import { feature as partnerships } from './features/partnerships/index.ts'
import { feature as projectGateways } from './features/project-gateways/index.ts'
import { feature as projectUpdates } from './features/project-updates/index.ts'
import { feature as projects } from './features/projects/index.ts'
import { feature as publicDashboard } from './features/public/index.ts'
import { feature as publicSettings } from './features/public-settings/index.ts'
import { feature as queries } from './features/queries/index.ts'
import { feature as reports } from './features/reports/index.ts'
import { feature as risks } from './features/risks/index.ts'
import { feature as savings } from './features/savings/index.ts'
import { feature as spc } from './features/spc/index.ts'
import { feature as tasks } from './features/tasks/index.ts'

export const features = [
  auth,
  home,
  organisation,
  framework,
  projects,
  projectUpdates,
  projectGateways,
  risks,
  savings,
  budgets,
  measures,
  spc,
  measureValues,
  audit,
  publicDashboard,
  publicSettings,
  dashboards,
  organisationalMeasures,
  reports,
  committees,
  exchange,
  notifications,
  partnerships,
  benchmarking,
  tasks,
  appraisals,
  queries,
  links,
  backup,
  demo,
] as const

// Every feature offers what the application shell expects of one.
const checked: readonly Feature[] = features

/** Every table with an organisation_id column, by the feature that declares it. */
export const organisationTables: readonly string[] = checked.flatMap(
  (feature) => feature.tables ?? [],
)
