// The tasks feature's public face: everything other parts of the application use of it.
import type { HookContext, ServiceContext } from '../../web/feature.ts'
import type { Principal } from '../../core/principal.ts'
import type { Services } from '../../services.ts'
import type { FastifyInstance } from 'fastify'
import type { TaskDeps } from './task-service.ts'
import { taskApi } from './task-api.ts'
import { setUpTaskCount, taskRoutes } from './task-routes.ts'
import { createTaskService } from './task-service.ts'

export { taskApi } from './task-api.ts'
export { groupTasks, setUpTaskCount, taskRoutes } from './task-routes.ts'
export { createTaskService } from './task-service.ts'
export type { Task, TaskService } from './task-service.ts'

export const feature = {
  name: 'tasks',
  navigation: [
    {
      href: '/tasks',
      text: 'Your tasks',
      position: 20,
      visible: (p: Principal) => p.roles.length > 0,
    },
  ],
  services: {
    tasks: ({
      db,
      clock,
      values,
      projectUpdates,
      queries,
      appraisals,
      notifications,
    }: ServiceContext &
      Pick<TaskDeps, 'values' | 'projectUpdates' | 'queries'> &
      Required<Pick<TaskDeps, 'appraisals'>> & {
        notifications: { workflow: NonNullable<TaskDeps['notify']> }
      }) =>
      createTaskService({
        db,
        clock,
        values,
        projectUpdates,
        queries,
        appraisals,
        notify: notifications.workflow,
      }),
  },
  hooks: (app: FastifyInstance, { services }: HookContext<Services>) =>
    setUpTaskCount(app, services),
  routes: [taskRoutes],
  api: [taskApi],
}
