// The project-updates feature's public face: everything other parts of the application use of it.
import type { HistoryItem, ServiceContext } from '../../web/feature.ts'
import type { Services } from '../../services.ts'
import type { Principal } from '../../core/principal.ts'
import type { UpdateDeps } from './update-service.ts'
import { updateApi } from './update-api.ts'
import { updateRoutes } from './update-routes.ts'
import { createUpdateService } from './update-service.ts'

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

export const feature = {
  name: 'project-updates',
  services: {
    projectUpdates: ({
      db,
      clock,
      projects,
      risks,
      notifications,
    }: ServiceContext &
      Pick<UpdateDeps, 'projects'> & {
        risks: {
          openRisksLinkedTo: (
            principal: Principal,
            kind: 'project',
            ids: readonly string[],
          ) => ReturnType<NonNullable<UpdateDeps['linkedRisks']>>
        }
        notifications: { workflow: NonNullable<UpdateDeps['notify']> }
      }) =>
      createUpdateService({
        db,
        clock,
        projects,
        linkedRisks: (principal, ids) => risks.openRisksLinkedTo(principal, 'project', ids),
        notify: notifications.workflow,
      }),
  },
  routes: [updateRoutes],
  api: [updateApi],
  tables: ['project_update_restatements', 'project_updates'],
  historyItems: {
    project_update: async (
      services: Services,
      principal: Principal,
      id: string,
    ): Promise<HistoryItem> => {
      const found = await services.projectUpdates.find(principal, id)
      return {
        title: `${found.update.monthLabel} update of ${found.project.title}`,
        href: `/projects/${found.project.id}/updates/${id}`,
      }
    },
  },
}
