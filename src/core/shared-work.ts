// Two ways of bounding what concurrent requests cost a process: requests for the same thing at
// the same time share one piece of work (single flight), and at most so many pieces of heavy
// work run at once while the rest wait their turn holding nothing (a gate). Under a month-end
// rush a queue gives latency; without these, every waiting request holds its own half-read rows.

/**
 * Work keyed by what it produces: while one call for a key is under way, further calls for the
 * same key get its promise instead of starting again. Nothing is kept once it settles, so a
 * request that starts after the work finished reads afresh.
 */
export function singleFlight() {
  const inFlight = new Map<string, Promise<unknown>>()
  return function share<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = inFlight.get(key) as Promise<T> | undefined
    if (running) return running
    const started = work().finally(() => {
      if (inFlight.get(key) === started) inFlight.delete(key)
    })
    inFlight.set(key, started)
    return started
  }
}

/** Runs at most `size` pieces of work at once; the others wait, first come first served. */
export function gate(size: number) {
  if (!Number.isInteger(size) || size < 1) throw new Error('A gate lets at least one through')
  let running = 0
  const waiting: (() => void)[] = []
  return async function pass<T>(work: () => Promise<T>): Promise<T> {
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve))
    else running++
    try {
      return await work()
    } finally {
      const nextInLine = waiting.shift()
      // The place passes straight to the next in line; only when nobody waits is it given up.
      if (nextInLine) nextInLine()
      else running--
    }
  }
}
