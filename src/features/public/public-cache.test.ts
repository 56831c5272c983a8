import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { NotFound } from '../../errors.ts'
import { DEFAULT_CACHE, PublicCache, type PublicCacheOptions } from './public-cache.ts'
import type { PublicationStamp } from './public-service.ts'

/** A cache over a fake publication counter and clock, counting what it asks for. */
function setUp(options: PublicCacheOptions = DEFAULT_CACHE) {
  const state = { version: 1, now: 0, stampReads: 0, loads: 0, publishes: true }
  let loader = async () => {
    state.loads++
    return { version: state.version }
  }
  const cache = new PublicCache(
    async (slug): Promise<PublicationStamp | null> => {
      state.stampReads++
      if (slug !== 'town' || !state.publishes) return null
      return { key: `town:${state.version}`, lastModified: new Date(state.version * 1000) }
    },
    () => loader(),
    options,
    () => state.now,
  )
  const setLoader = (next: typeof loader) => {
    loader = next
  }
  return { state, cache, setLoader }
}

describe('public cache', () => {
  it('reads the publication counter at most once a second, however many requests', async () => {
    const { state, cache } = setUp()
    await Promise.all(Array.from({ length: 50 }, () => cache.data('town')))
    for (let i = 0; i < 100; i++) {
      state.now += 9
      await cache.data('town')
    }
    assert.equal(state.stampReads, 1)
    state.now += 200
    await cache.data('town')
    assert.equal(state.stampReads, 2)
    assert.equal(state.loads, 1)
  })

  it('loads the data set once per publication, and again when the counter moves', async () => {
    const { state, cache } = setUp()
    assert.deepEqual(await cache.data('town'), { version: 1 })
    const page = await cache.get('town', 'page', async () => 'page 1')
    assert.equal(page.value, 'page 1')
    state.version = 2
    assert.deepEqual(await cache.data('town'), { version: 1 }, 'within the second')
    state.now += 1001
    assert.deepEqual(await cache.data('town'), { version: 2 })
    assert.equal((await cache.get('town', 'page', async () => 'page 2')).value, 'page 2')
    assert.equal((await cache.stamp('town')).key, 'town:2')
    assert.equal(state.loads, 2)
  })

  it('keeps no page when told to, and loads every time when told not to keep the data', async () => {
    const pagesOff = setUp({ ...DEFAULT_CACHE, maxEntries: 0 })
    for (let i = 0; i < 3; i++) await pagesOff.cache.data('town')
    let built = 0
    for (let i = 0; i < 3; i++) await pagesOff.cache.get('town', 'page', async () => built++)
    assert.deepEqual([pagesOff.state.loads, built], [1, 3])

    const cold = setUp({ checkEveryMs: 0, maxEntries: 0, keepData: false })
    for (let i = 0; i < 3; i++) await cold.cache.data('town')
    assert.deepEqual([cold.state.loads, cold.state.stampReads], [3, 3])
  })

  it('forgets a failed load, and answers NotFound once an organisation stops publishing', async () => {
    const { state, cache, setLoader } = setUp()
    const works = async () => ({ version: state.version })
    setLoader(async () => {
      throw new Error('database away')
    })
    await assert.rejects(cache.data('town'), /database away/)
    setLoader(works)
    assert.deepEqual(await cache.data('town'), { version: 1 })
    await assert.rejects(cache.data('elsewhere'), NotFound)
    state.publishes = false
    state.now += 1001
    await assert.rejects(cache.data('town'), NotFound)
  })

  it('keeps a data set while nothing is published, however long', async () => {
    const { state, cache } = setUp()
    await cache.data('town')
    state.now += 24 * 60 * 60_000
    await cache.data('town')
    assert.equal(state.loads, 1)
  })

  it('serves the last good copy while a publication rebuilds, then the new one', async () => {
    const { state, cache, setLoader } = setUp({ ...DEFAULT_CACHE, staleAfterMs: 20 })
    const first = await cache.getWhole('town', 'page', async (d) => `page ${d.version}`)
    assert.deepEqual([first.value, first.stamp.key], ['page 1', 'town:1'])
    let finish: () => void = () => undefined
    setLoader(async () => {
      state.loads++
      const version = state.version
      await new Promise<void>((resolve) => (finish = resolve))
      return { version }
    })
    state.version = 2
    state.now += 1001
    const during = await cache.getWhole('town', 'page', async (d) => `page ${d.version}`)
    assert.deepEqual([during.value, during.stamp.key], ['page 1', 'town:1'])
    assert.deepEqual(await cache.data('town'), { version: 1 })
    assert.equal(await cache.loaded('town'), null, 'the current publication has not loaded')
    assert.equal(state.loads, 2, 'one rebuild, shared')
    finish()
    await new Promise((resolve) => setImmediate(resolve))
    const after = await cache.getWhole('town', 'page', async (d) => `page ${d.version}`)
    assert.deepEqual([after.value, after.stamp.key], ['page 2', 'town:2'])
  })

  it('waits for a rebuild that finishes within staleAfterMs', async () => {
    const { state, cache } = setUp()
    await cache.data('town')
    state.version = 2
    state.now += 1001
    assert.deepEqual(await cache.data('town'), { version: 2 })
  })

  it('keeps serving the last good copy when a rebuild fails, and tries again on the next read', async () => {
    const { state, cache, setLoader } = setUp()
    const first = await cache.getWhole('town', 'page', async (d) => `page ${d.version}`)
    assert.equal(first.value, 'page 1')
    setLoader(async () => {
      state.loads++
      throw new Error('worker stopped')
    })
    state.version = 2
    state.now += 1001
    const during = await cache.getWhole('town', 'page', async (d) => `page ${d.version}`)
    assert.deepEqual([during.value, during.stamp.key], ['page 1', 'town:1'])
    assert.equal(state.loads, 2)
    setLoader(async () => {
      state.loads++
      return { version: state.version }
    })
    const after = await cache.getWhole('town', 'page', async (d) => `page ${d.version}`)
    assert.deepEqual([after.value, after.stamp.key], ['page 2', 'town:2'])
    assert.equal(state.loads, 3, 'the failed rebuild was not kept')
  })
})
