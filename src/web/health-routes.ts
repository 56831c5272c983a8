import type { FastifyPluginAsync } from 'fastify'
import type { Config } from '../config.ts'
import { ping, type Database } from '../db/database.ts'

interface HealthOptions {
  readonly database: Database
  readonly config: Config
  readonly version: string
}

/** Before sessions and sign-in: load balancers and monitors call these. */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (
  app,
  { database, config, version },
) => {
  const hide = { schema: { hide: true } }
  app.get('/ping', hide, async (_request, reply) => reply.type('text/plain').send('pong'))
  app.get('/health', hide, async (request, reply) => {
    let ok = false
    try {
      ok = await ping(database.db)
    } catch (error) {
      request.log.error({ err: error }, 'database health check failed')
    }
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'unavailable',
      database: database.mode,
      databaseReachable: ok,
    })
  })
  app.get('/info', hide, async () => ({
    name: 'golden-thread',
    serviceName: config.serviceName,
    version,
    node: process.version,
    database: database.mode,
  }))
}
