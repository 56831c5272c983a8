// Dates as the council keeps them: the UK's calendar day, whatever the server's time zone.

const londonDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** Today's date in the UK, 'YYYY-MM-DD': due dates are UK working days. */
export function ukDate(at: Date): string {
  return londonDate.format(at)
}
