// The notifications feature's public face: everything other parts of the application use of it.
import type { HookContext, ServiceContext } from '../../web/feature.ts'
import type { Services } from '../../services.ts'
import type { FastifyInstance } from 'fastify'
import type { NotificationDeps } from './notification-service.ts'
import { notificationApi } from './notification-api.ts'
import { smtpMailer } from './notification-mailer.ts'
import { notificationRoutes, setUpNotificationCount } from './notification-routes.ts'
import { createNotificationService } from './notification-service.ts'

export { notificationApi } from './notification-api.ts'
export { notifyCommand } from './notification-cli.ts'
export { principalsWithRole } from './notification-events.ts'
export type { WorkflowNotifier } from './notification-events.ts'
export { MAY_2025, reminderCouncil } from './notification-fixtures.ts'
export type { ReminderCouncil } from './notification-fixtures.ts'
export { smtpMailer } from './notification-mailer.ts'
export * as notificationRepository from './notification-repository.ts'
export { notificationRoutes, setUpNotificationCount } from './notification-routes.ts'
export { startDailyReminders } from './notification-schedule.ts'
export { createNotificationService } from './notification-service.ts'

export const feature = {
  name: 'notifications',
  services: {
    notifications: ({
      db,
      clock,
      config,
      projects,
      appraisals,
    }: ServiceContext &
      Required<Pick<NotificationDeps, 'projects'>> & {
        // Appraisals raise their reminders in the same daily run.
        appraisals: { reminders: NonNullable<NotificationDeps['extraReminders']>[number] }
      }) =>
      createNotificationService({
        db,
        clock,
        config,
        mailer: config.mail ? smtpMailer(config.mail) : null,
        projects,
        extraReminders: [(organisationId, today) => appraisals.reminders(organisationId, today)],
      }),
  },
  hooks: (app: FastifyInstance, { services }: HookContext<Services>) =>
    setUpNotificationCount(app, services),
  routes: [notificationRoutes],
  api: [notificationApi],
  tables: ['reminder_runs', 'notifications', 'notification_preferences'],
}
