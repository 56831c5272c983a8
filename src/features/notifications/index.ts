// The notifications feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

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

export const feature: Feature = {
  name: 'notifications',
}
