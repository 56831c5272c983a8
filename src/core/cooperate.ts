import { performance } from 'node:perf_hooks'

/**
 * For long work on the one event loop: call the returned function often, and once the work has
 * held the loop for `sliceMs` it lets every waiting request run before carrying on.
 */
export function cooperate(sliceMs = 10): () => Promise<void> {
  let since = performance.now()
  return async () => {
    if (performance.now() - since < sliceMs) return
    await new Promise<void>((resolve) => setImmediate(resolve))
    since = performance.now()
  }
}
