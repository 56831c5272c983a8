import { ukDate } from '../../core/dates.ts'

const londonTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

/**
 * Whether the daily run is due at `now`: at or after `at` (HH:MM, UK time) on a UK day it has
 * not run yet. Catching up later in the day means a restart over the hour does not skip a day.
 */
export function reminderRunDue(now: Date, at: string, lastRunDay: string | null): boolean {
  return ukDate(now) !== lastRunDay && londonTime.format(now) >= at
}

/**
 * Runs `run` once a day at `at` inside the web service (REMINDERS_AT). Returns a stop function
 * for shutdown. Started only by `serve`, never by tests.
 */
export function startDailyReminders(
  at: string,
  run: () => Promise<void>,
  onError: (error: unknown) => void,
  clock: () => Date = () => new Date(),
): () => void {
  // The first day counts as run when the service starts after the hour: cron-like, no catch-up.
  let lastRunDay: string | null = reminderRunDue(clock(), at, null) ? ukDate(clock()) : null
  let running = false
  const timer = setInterval(() => {
    const now = clock()
    if (running || !reminderRunDue(now, at, lastRunDay)) return
    running = true
    lastRunDay = ukDate(now)
    run()
      .catch(onError)
      .finally(() => {
        running = false
      })
  }, 30_000)
  timer.unref()
  return () => clearInterval(timer)
}
