import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fastifyCookie from '@fastify/cookie'
import fastifyCsrf from '@fastify/csrf-protection'
import fastifyFormbody from '@fastify/formbody'
import fastifyHelmet from '@fastify/helmet'
import fastifyStatic from '@fastify/static'
import fastifySwagger from '@fastify/swagger'
import Fastify, {
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyServerOptions,
} from 'fastify'
import {
  jsonSchemaTransform,
  serializerCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod'
import type { Config } from './config.ts'
import type { Database } from './db/database.ts'
import { instanceSecret } from './db/instance-settings.ts'
import { NotFound } from './errors.ts'
import { features } from './features.ts'
import { createServices, type Services } from './services.ts'
import { validatorCompiler } from './web/api-helpers.ts'
import { handleError } from './web/error-pages.ts'
import { healthRoutes } from './web/health-routes.ts'
import type { Feature, HookContext, RouteOptions } from './web/feature.ts'
import { setUpViews } from './web/views.ts'
import { version } from './version.ts'

export interface AppDeps {
  readonly config: Config
  readonly database: Database
  readonly clock?: () => Date
  readonly logger?: FastifyServerOptions['logger']
  readonly services?: Services
}

export type App = FastifyInstance

declare module 'fastify' {
  interface FastifyInstance {
    routeList: readonly { method: string; url: string }[]
  }
}

const govukScript = readFileSync(
  fileURLToPath(import.meta.resolve('govuk-frontend/dist/govuk/govuk-frontend.min.js')),
)

/** The whole request pipeline, in the order a request meets it. */
export async function createApp(deps: AppDeps): Promise<App> {
  const { config, database } = deps
  const clock = deps.clock ?? (() => new Date())
  const services = deps.services ?? createServices({ config, database, clock })
  const cookieSecret = config.session.secret ?? (await instanceSecret(database.db, 'cookie_secret'))

  const app = Fastify({
    logger: deps.logger ?? { level: config.logLevel },
    genReqId: () => randomUUID(),
    trustProxy: config.trustProxy === false ? false : [...config.trustProxy],
    bodyLimit: 1_048_576,
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>()
  // Every route, for the OpenAPI-independent checks (tenant isolation walks them all).
  const routes: { method: string; url: string }[] = []
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url })
  })
  app.decorate('routeList', routes)
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.setErrorHandler(handleError)
  app.setNotFoundHandler((request) => {
    throw new NotFound(
      request.url.startsWith('/api/')
        ? `No such endpoint: ${request.method} ${request.url}`
        : undefined,
    )
  })
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
    // Signed-in pages and API answers hold unpublished data: no browser or proxy may keep a
    // copy (the back button after sign-out, a shared computer). Static files and the public
    // site set their own caching.
    if (reply.hasHeader('cache-control') || request.url.startsWith('/public')) return
    if (request.url.startsWith('/api/') || request.principal)
      reply.header('cache-control', 'no-store')
  })

  await app.register(fastifyHelmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: config.session.secureCookies ? [] : null,
      },
    },
    strictTransportSecurity: config.session.secureCookies,
  })

  await app.register(healthRoutes, { database, config, version })

  await app.register(fastifyCookie, { secret: cookieSecret })
  await app.register(fastifyFormbody)
  await app.register(fastifyCsrf, {
    cookieKey: 'gt_csrf',
    cookieOpts: {
      signed: true,
      httpOnly: true,
      sameSite: 'lax',
      secure: config.session.secureCookies,
      path: '/',
    },
  })
  await app.register(fastifyStatic, {
    root: fileURLToPath(new URL('./web/static/', import.meta.url)),
    prefix: '/static/',
    maxAge: config.env === 'production' ? '1d' : 0,
  })
  app.get('/static/govuk-frontend.min.js', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send(govukScript),
  )
  await setUpViews(app, config, features)

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Golden Thread API',
        version,
        description:
          'Performance management for UK councils. Authenticate with `Authorization: Bearer <token>` (create one with `golden-thread token create`).',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  })

  // Each feature's hooks, then its pages, then its API, in the order src/features.ts lists them.
  const all: readonly Feature[] = features
  const navigation = all.flatMap((feature) => feature.navigation ?? [])
  const hookContext: HookContext<Services> = { services, config, navigation }
  for (const feature of all) {
    ;(feature.hooks as ((app: App, context: HookContext<Services>) => void) | undefined)?.(
      app,
      hookContext,
    )
  }
  const historyItems: RouteOptions<Services>['historyItems'] = {}
  for (const feature of all) {
    for (const [itemType, find] of Object.entries(feature.historyItems ?? {})) {
      if (Object.hasOwn(historyItems, itemType))
        throw new Error(`Audit item type "${itemType}" declared twice (${feature.name})`)
      Object.assign(historyItems, { [itemType]: find })
    }
  }
  const routeOptions: RouteOptions<Services> = { services, config, historyItems }
  for (const plugin of all.flatMap((feature) => feature.routes ?? []))
    await app.register(plugin as FastifyPluginAsync<RouteOptions<Services>>, routeOptions)
  await app.register(
    async (api) => {
      for (const plugin of all.flatMap((feature) => feature.api ?? []))
        await api.register(plugin as FastifyPluginAsync<{ services: Services }>, { services })
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
    },
    { prefix: '/api/v1' },
  )
  return app
}
