// The project-updates feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

export { updateApi } from './update-api.ts'
export { monthLabel, readMonth } from './update-presenter.ts'
export type { UpdateView } from './update-presenter.ts'
export * as updateRepository from './update-repository.ts'
export {
  latestApproved,
  reportedConfidence,
  reportedText,
  reportedUpdates,
} from './update-rollup.ts'
export type { ReportedUpdate, RollupTree } from './update-rollup.ts'
export { updateRoutes } from './update-routes.ts'
export { UpdateInput } from './update-schemas.ts'
export { createUpdateService } from './update-service.ts'
export type { UpdateService } from './update-service.ts'
export type { UpdateEvent, UpdateNotifier } from './update-notifier.ts'

export const feature: Feature = {
  name: 'project-updates',
}
