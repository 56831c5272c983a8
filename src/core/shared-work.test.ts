import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { gate, singleFlight } from './shared-work.ts'

function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('single flight', () => {
  it('gives concurrent callers for one key the same work, and starts afresh once it settles', async () => {
    const share = singleFlight()
    let started = 0
    const first = deferred<number>()
    const work = () => {
      started++
      return first.promise
    }
    const a = share('k', work)
    const b = share('k', work)
    assert.equal(started, 1)
    first.resolve(7)
    assert.deepEqual(await Promise.all([a, b]), [7, 7])
    assert.equal(await share('k', async () => ++started), 2)
  })

  it('keeps keys apart and does not keep a failure', async () => {
    const share = singleFlight()
    const failing = share('a', () => Promise.reject(new Error('no')))
    const other = share('b', async () => 'b')
    await assert.rejects(failing, /no/)
    assert.equal(await other, 'b')
    assert.equal(await share('a', async () => 'again'), 'again')
  })
})

describe('gate', () => {
  it('runs at most its size at once, the rest in the order they came', async () => {
    const pass = gate(2)
    let running = 0
    let most = 0
    const order: number[] = []
    const holds = [0, 1, 2, 3, 4].map(() => deferred<undefined>())
    const all = holds.map((hold, i) =>
      pass(async () => {
        running++
        most = Math.max(most, running)
        order.push(i)
        await hold.promise
        running--
        return i
      }),
    )
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(order, [0, 1])
    for (const hold of holds) hold.resolve(undefined)
    assert.deepEqual(await Promise.all(all), [0, 1, 2, 3, 4])
    assert.equal(most, 2)
    assert.deepEqual(order, [0, 1, 2, 3, 4])
  })

  it('lets the next through when work fails', async () => {
    const pass = gate(1)
    await assert.rejects(
      pass(() => Promise.reject(new Error('failed'))),
      /failed/,
    )
    assert.equal(await pass(async () => 'next'), 'next')
    assert.throws(() => gate(0))
  })
})
