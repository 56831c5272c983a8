// The month-end load for month-end.bench.ts, from a process of its own so the client never
// competes with the instances' event loops: N connections for S seconds against one or more
// instances, each connection going round a mix of reads and writes (see month-end.bench.ts).
import autocannon from 'autocannon'

interface Plan {
  readonly ports: readonly number[]
  readonly connections: number
  readonly seconds: number
  readonly token: string
  readonly reads: readonly string[]
  /** Measures a value may be written for, and the months that are free to write. */
  readonly writes: { readonly measureIds: readonly string[]; readonly months: readonly string[] }
}

function send(message: unknown) {
  if (!process.send) throw new Error('month-end-load.ts runs as a child of month-end.bench.ts')
  process.send(message)
}

process.once('message', (plan: Plan) => {
  const auth = { authorization: `Bearer ${plan.token}` }
  let written = 0
  // One write after every nine reads on each connection; every write a new (measure, month).
  const nextWrite = () => {
    const i = written++
    const measureId = plan.writes.measureIds[i % plan.writes.measureIds.length] ?? ''
    const month =
      plan.writes.months[Math.floor(i / plan.writes.measureIds.length) % plan.writes.months.length]
    return { measureId, month }
  }
  const write = {
    method: 'POST' as const,
    path: '/',
    headers: { ...auth, 'content-type': 'application/json' },
    setupRequest: (request: autocannon.Request) => {
      const { measureId, month } = nextWrite()
      return {
        ...request,
        path: `/api/v1/measures/${measureId}/values`,
        body: JSON.stringify({ period: month, value: 50 + (written % 40) }),
      }
    },
  }
  const requests = [
    ...plan.reads.map((path) => ({ method: 'GET' as const, path, headers: auth })),
    // The floor asks only its reads: no write unless there are measures to write to.
    ...(plan.writes.measureIds.length === 0 ? [] : [write]),
  ]
  const share = Math.ceil(plan.connections / plan.ports.length)
  void Promise.all(
    plan.ports.map((port) =>
      autocannon({
        url: `http://127.0.0.1:${port}`,
        connections: share,
        duration: plan.seconds,
        timeout: 30,
        requests,
      }),
    ),
  ).then((results) => {
    const total = (pick: (r: autocannon.Result) => number) =>
      results.reduce((sum, r) => sum + pick(r), 0)
    send({
      requests: total((r) => r.requests.total),
      perSecond: total((r) => r.requests.average),
      errors: total((r) => r.errors + r.timeouts),
      non2xx: total((r) => r.non2xx),
      p50: Math.max(...results.map((r) => r.latency.p50)),
      p99: Math.max(...results.map((r) => r.latency.p99)),
      writes: written,
      timeouts: total((r) => r.timeouts),
      statuses: results.reduce<Record<string, number>>((all, r) => {
        for (const [status, stats] of Object.entries(r.statusCodeStats ?? {}))
          all[status] = (all[status] ?? 0) + (stats.count ?? 0)
        return all
      }, {}),
    })
    process.disconnect?.()
  })
})
send('ready')
