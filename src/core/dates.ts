// Dates as the council keeps them: the UK's calendar day, whatever the server's time zone.

const londonDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** Today's date in the UK, 'YYYY-MM-DD': due dates are UK working days. */
export function ukDate(at: Date): string {
  // Formatting is slow next to what asks for it (twice a row of an import): kept per second.
  const second = Math.floor(at.getTime() / 1000)
  if (second !== lastUkDate.second) lastUkDate = { second, date: londonDate.format(at) }
  return lastUkDate.date
}

let lastUkDate = { second: Number.NaN, date: '' }
