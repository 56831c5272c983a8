// Every feature of the application, each from its public face (src/features/<name>/index.ts).
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

export const features: readonly Feature[] = [
  appraisals,
  audit,
  auth,
  backup,
  benchmarking,
  budgets,
  committees,
  dashboards,
  demo,
  exchange,
  framework,
  home,
  links,
  measureValues,
  measures,
  notifications,
  organisation,
  organisationalMeasures,
  partnerships,
  projectGateways,
  projectUpdates,
  projects,
  publicDashboard,
  publicSettings,
  queries,
  reports,
  risks,
  savings,
  spc,
  tasks,
]
