// Who builds an organisation's published set (public-build.ts): a worker thread with its own
// connections on PostgreSQL, so a large council's rebuild never holds the event loop; this
// process on PGlite, whose one connection lives here (its statements hold the loop anyway).
import { Worker } from 'node:worker_threads'
import type { Kysely } from 'kysely'
import type { PostgresSource } from '../../db/database.ts'
import type { DB } from '../../db/schema.ts'
import { buildPublished, fromWire, type PublishedSet } from './public-build.ts'
import type { WorkerReply, WorkerRequest } from './public-worker.ts'

export interface PublishedBuilder {
  /** The organisation's published set; null when nothing publishes at that address. */
  build(slug: string, today: Date): Promise<PublishedSet | null>
  /** Stops what the builder started (its worker); a later build starts it again. */
  close(): Promise<void>
}

export function inProcessBuilder(db: Kysely<DB>): PublishedBuilder {
  return {
    build: (slug, today) => buildPublished(db, slug, today),
    close: async () => undefined,
  }
}

/**
 * The worker's heap: it builds a hundred measures at a time (public-build.ts), so a large
 * council's build lives in a few tens of megabytes; without a limit V8 lets the heap grow far
 * beyond that before collecting, and keeps what it grew for the life of the worker.
 */
const WORKER_HEAP_MB = 256

/** How long a worker may take to close its connections before it is stopped outright. */
const CLOSE_WAIT_MS = 2000

interface Pending {
  readonly worker: Worker
  resolve(set: PublishedSet | null | Promise<PublishedSet>): void
  reject(error: Error): void
}

/**
 * Builds in a worker thread, started on first use and kept for the next publication. A build
 * that fails in the worker, or a worker that dies, rejects the builds waiting on it (the cache
 * then serves its last good copy, or the request fails with a 500); the next build starts a
 * new worker if need be. An idle worker never keeps the process alive.
 */
export function workerBuilder(source: PostgresSource): PublishedBuilder {
  let worker: Worker | null = null
  let ids = 0
  const pending = new Map<number, Pending>()

  /** Rejects what waits on this worker (not on one started since). */
  function failAll(on: Worker, error: Error) {
    for (const [id, p] of pending) {
      if (p.worker !== on) continue
      pending.delete(id)
      p.reject(error)
    }
  }

  function start(): Worker {
    const started = new Worker(new URL('./public-worker.ts', import.meta.url), {
      workerData: source,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    })
    started.on('message', (reply: WorkerReply) => {
      const p = pending.get(reply.id)
      if (!p) return
      pending.delete(reply.id)
      if (![...pending.values()].some((q) => q.worker === started)) started.unref()
      if (reply.ok) p.resolve(reply.set && fromWire(reply.set))
      else p.reject(new Error(`public data set not built: ${reply.message}`))
    })
    started.on('error', (error: unknown) => {
      if (worker === started) worker = null
      failAll(started, error instanceof Error ? error : new Error(String(error)))
    })
    started.on('exit', (code) => {
      if (worker === started) worker = null
      failAll(
        started,
        new Error(`public data set not built: its worker stopped (exit code ${code})`),
      )
    })
    // Held open only while a build is asked of it (see build); unref after the listeners,
    // which would otherwise hold the process open again.
    started.unref()
    return started
  }

  return {
    build(slug, today) {
      worker ??= start()
      const id = ++ids
      const asked = worker
      return new Promise<PublishedSet | null>((resolve, reject) => {
        pending.set(id, { worker: asked, resolve, reject })
        asked.ref()
        asked.postMessage({
          type: 'build',
          id,
          slug,
          today: today.toISOString(),
        } satisfies WorkerRequest)
      })
    },

    async close() {
      const closing = worker
      if (!closing) return
      worker = null
      const exited = new Promise<void>((resolve) => closing.once('exit', () => resolve()))
      closing.postMessage({ type: 'close' } satisfies WorkerRequest)
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), CLOSE_WAIT_MS)
      })
      const outcome = await Promise.race([exited.then(() => 'exited' as const), late])
      clearTimeout(timer)
      if (outcome === 'late') await closing.terminate()
    },
  }
}
