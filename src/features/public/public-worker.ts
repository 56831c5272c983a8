// A worker thread that builds organisations' published sets (public-build.ts) over a small
// connection pool of its own, so none of that work, nor its garbage, is on the main event loop.
// Asked by public-builder.ts; it hands the finished files back without copying them.
import { parentPort, workerData } from 'node:worker_threads'
import { openPostgres, type PostgresSource } from '../../db/database.ts'
import { buildPublished, toWire, type WireSet } from './public-build.ts'

export type WorkerRequest =
  | { readonly type: 'build'; readonly id: number; readonly slug: string; readonly today: string }
  | { readonly type: 'close' }

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly set: WireSet | null }
  | { readonly id: number; readonly ok: false; readonly message: string }

/** Connections the worker keeps: it builds one organisation at a time, a query at a time. */
const POOL_SIZE = 2

const port = parentPort
if (!port) throw new Error('public-worker.ts runs as a worker thread')
const source = workerData as PostgresSource
const database = openPostgres(source.url, POOL_SIZE, source.schema)

// One build at a time, in the order asked: each holds the whole data set in memory.
let queue: Promise<void> = Promise.resolve()

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'close') {
    queue = queue.then(async () => {
      await database.close()
      port.close()
    })
    return
  }
  queue = queue.then(async () => {
    try {
      const set = await buildPublished(database.read, message.slug, new Date(message.today))
      const transfer = set ? [set.files.csv.body.buffer, set.files.json.body.buffer] : []
      // The files' bytes move to the main thread rather than being copied (joinBytes gives each
      // its own ArrayBuffer).
      port.postMessage(
        { id: message.id, ok: true, set: set && toWire(set) } satisfies WorkerReply,
        transfer as ArrayBuffer[],
      )
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error)
      port.postMessage({ id: message.id, ok: false, message: text } satisfies WorkerReply)
    }
  })
})
