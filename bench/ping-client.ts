// A second process that asks /ping continuously (two at a time) until told to stop, then
// reports what it met: run from freeze.bench.ts, so a stall of the server's event loop shows
// in these latencies rather than stalling the client too.
import { performance } from 'node:perf_hooks'

const url = process.argv[2]
if (!url) throw new Error('usage: ping-client.ts URL')
const latencies: number[] = []
let running = true

async function loop() {
  while (running) {
    const started = performance.now()
    const response = await fetch(url as string)
    await response.text()
    latencies.push(performance.now() - started)
  }
}

function send(message: unknown) {
  if (!process.send) throw new Error('ping-client.ts runs as a child process of the benchmark')
  process.send(message)
}
const loops = [loop(), loop()]
process.on('message', () => {
  running = false
  void Promise.all(loops).then(() => {
    const sorted = latencies.sort((a, b) => a - b)
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
    send({ count: sorted.length, p99: at(0.99) ?? 0, max: sorted.at(-1) ?? 0 })
    process.disconnect?.()
  })
})
send('ready')
