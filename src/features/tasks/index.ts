// The tasks feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

export { taskApi } from './task-api.ts'
export { groupTasks, setUpTaskCount, taskRoutes } from './task-routes.ts'
export { createTaskService } from './task-service.ts'
export type { Task, TaskService } from './task-service.ts'

export const feature: Feature = {
  name: 'tasks',
  navigation: [
    { href: '/tasks', text: 'Your tasks', position: 20, visible: (p) => p.roles.length > 0 },
  ],
}
