/**
 * Checks every few minutes for sources whose copy is due (each source's own schedule), in the
 * web service, in the background: no page ever waits for another site. Started only by
 * `serve`; returns a stop function for shutdown.
 */
export function startBenchmarkRefresh(
  run: () => Promise<unknown>,
  onError: (error: unknown) => void,
  everyMs = 5 * 60_000,
): () => void {
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    run()
      .catch(onError)
      .finally(() => {
        running = false
      })
  }, everyMs)
  timer.unref()
  return () => clearInterval(timer)
}
