import { buildDemoCouncil } from '../src/features/demo/index.ts'
import { createTestContext } from '../test/helpers/context.ts'
import { load, type BenchResult } from './harness.ts'

/** The request pipeline on the embedded database: health, a signed-in API list, a page. */
export default async function foundation(): Promise<BenchResult[]> {
  const ctx = await createTestContext('pglite')
  try {
    await buildDemoCouncil(ctx.database.db)
    const admin = await ctx.database.db
      .selectFrom('people')
      .select('id')
      .where('email', '=', 'admin@example-city.gov.uk')
      .executeTakeFirstOrThrow()
    const { loadPrincipal } = (await import('../src/features/auth/index.ts')).authRepository
    const principal = await loadPrincipal(ctx.database.db, admin.id)
    if (!principal) throw new Error('no demo administrator')
    const { token } = await ctx.services.auth.createToken(principal, 'bench')
    const app = await ctx.app()
    await app.listen({ port: 0, host: '127.0.0.1' })
    const auth = { authorization: `Bearer ${token}` }
    const health = await load(app, { path: '/health' })
    const units = await load(app, { path: '/api/v1/units', headers: auth })
    const people = await load(app, { path: '/api/v1/people?pageSize=50', headers: auth })
    return [
      { name: 'GET /health throughput', value: health.requestsPerSecond, unit: 'req/s' },
      {
        name: 'GET /api/v1/units p99 (token)',
        value: units.p99,
        unit: 'ms',
      },
      { name: 'GET /api/v1/units throughput', value: units.requestsPerSecond, unit: 'req/s' },
      {
        name: 'GET /api/v1/people p99 (token)',
        value: people.p99,
        unit: 'ms',
      },
    ]
  } finally {
    await ctx.close()
  }
}
