import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../app.ts'
import { createTestContext, type TestContext } from '../../test/helpers/context.ts'

describe('errors in production', () => {
  let ctx: TestContext
  let app: App

  before(async () => {
    ctx = await createTestContext('pglite', {
      NODE_ENV: 'production',
      SESSION_SECRET: 's'.repeat(40),
    })
    app = await ctx.app()
    app.get('/boom', { schema: { hide: true } }, () => {
      throw new Error('database password is hunter2')
    })
    app.get('/api/v1/boom', { schema: { hide: true } }, () => {
      throw new Error('database password is hunter2')
    })
  })
  after(() => ctx.close())

  it('shows a GOV.UK error page with a reference, never the error or its stack', async () => {
    const response = await app.inject({ url: '/boom' })
    assert.equal(response.statusCode, 500)
    assert.match(response.body, /Sorry, there is a problem with the service/)
    assert.match(response.body, new RegExp(String(response.headers['x-request-id'])))
    assert.doesNotMatch(response.body, /hunter2|at .*\.ts:\d+/)
  })

  it('answers the API with {error:{id,message}} and no detail', async () => {
    const response = await app.inject({ url: '/api/v1/boom' })
    assert.equal(response.statusCode, 500)
    assert.deepEqual(response.json(), {
      error: { id: 'internal', message: 'Sorry, there is a problem with the service' },
    })
  })

  it('shows a 404 page for unknown pages and JSON for unknown API paths', async () => {
    const page = await app.inject({ url: '/no/such/page' })
    assert.equal(page.statusCode, 404)
    assert.match(page.body, /Page not found/)
    const api = await app.inject({ url: '/api/v1/nothing-here' })
    assert.equal(api.statusCode, 404)
    assert.equal(api.json<{ error: { id: string } }>().error.id, 'not_found')
  })

  it('sends cookies with Secure in production', async () => {
    const response = await app.inject({ url: '/sign-in' })
    const csrf = response.cookies.find((c) => c.name === 'gt_csrf')
    assert.equal(csrf?.secure, true)
  })
})
