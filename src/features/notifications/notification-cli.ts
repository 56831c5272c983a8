import { describeCounts, type NotificationService } from './notification-service.ts'

/** `notify [--organisation SLUG] [--date YYYY-MM-DD]`: the daily reminders, with counts printed. */
export async function notifyCommand(
  notifications: NotificationService,
  options: { organisation?: string | undefined; date?: string | undefined },
): Promise<number> {
  const results = await notifications.runAll({ slug: options.organisation, date: options.date })
  const mail = notifications.emailEnabled()
  for (const { slug, counts } of results) {
    const sent = mail
      ? `${counts.emailed} e-mailed, ${counts.emailFailed} e-mails failed (retried next run)`
      : 'e-mail is off (SMTP_URL is not set): notifications are in the service only'
    console.log(`${slug}: ${describeCounts(counts.created)}; ${sent}`)
  }
  if (results.length === 0) console.log('No organisations')
  return 0
}
