import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fastifyCookie from '@fastify/cookie'
import fastifyCsrf from '@fastify/csrf-protection'
import fastifyFormbody from '@fastify/formbody'
import fastifyHelmet from '@fastify/helmet'
import fastifyStatic from '@fastify/static'
import fastifySwagger from '@fastify/swagger'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import {
  jsonSchemaTransform,
  serializerCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod'
import type { Config } from './config.ts'
import type { Database } from './db/database.ts'
import { instanceSecret } from './db/instance-settings.ts'
import { NotFound } from './errors.ts'
import { appraisalApi, appraisalRoutes } from './features/appraisals/index.ts'
import { auditRoutes } from './features/audit/index.ts'
import { authApi, authRoutes, oidcRoutes, setUpAuthentication } from './features/auth/index.ts'
import { committeeApi, committeeRoutes } from './features/committees/index.ts'
import { exchangeApi, exchangeRoutes, mappedImportRoutes } from './features/exchange/index.ts'
import { frameworkApi, frameworkRoutes, threadRoutes } from './features/framework/index.ts'
import { homeRoutes } from './features/home/index.ts'
import { valueApi, valueRoutes } from './features/measure-values/index.ts'
import { measureApi, measureRoutes } from './features/measures/index.ts'
import { organisationApi, organisationRoutes } from './features/organisation/index.ts'
import { partnershipApi, partnershipRoutes } from './features/partnerships/index.ts'
import { gatewayApi, gatewayRoutes } from './features/project-gateways/index.ts'
import { updateApi, updateRoutes } from './features/project-updates/index.ts'
import { projectApi, projectRoutes } from './features/projects/index.ts'
import { publicRoutes } from './features/public/index.ts'
import { reportApi, reportRoutes } from './features/reports/index.ts'
import { publicSettingsRoutes } from './features/public-settings/index.ts'
import { riskApi, riskRoutes } from './features/risks/index.ts'
import { spcApi, spcRoutes } from './features/spc/index.ts'
import { savingsApi, savingsRoutes } from './features/savings/index.ts'
import { dashboardApi, dashboardRoutes } from './features/dashboards/index.ts'
import { orgMeasureRoutes } from './features/organisational-measures/index.ts'
import { benchmarkApi, benchmarkRoutes } from './features/benchmarking/index.ts'
import { budgetApi, budgetRoutes } from './features/budgets/index.ts'
import {
  notificationApi,
  notificationRoutes,
  setUpNotificationCount,
} from './features/notifications/index.ts'
import { queryRoutes } from './features/queries/index.ts'
import { taskApi, setUpTaskCount, taskRoutes } from './features/tasks/index.ts'
import { features } from './features.ts'
import { createServices, type Services } from './services.ts'
import { validatorCompiler } from './web/api-helpers.ts'
import { handleError } from './web/error-pages.ts'
import { healthRoutes } from './web/health-routes.ts'
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

  setUpAuthentication(
    app,
    services,
    config,
    features.flatMap((feature) => feature.navigation ?? []),
  )
  setUpNotificationCount(app, services)
  setUpTaskCount(app, services)

  await app.register(authRoutes, { services, config })
  await app.register(oidcRoutes, { services, config })
  await app.register(homeRoutes, { services })
  await app.register(organisationRoutes, { services })
  await app.register(frameworkRoutes, { services })
  await app.register(threadRoutes, { services })
  await app.register(projectRoutes, { services, config })
  await app.register(updateRoutes, { services })
  await app.register(gatewayRoutes, { services })
  await app.register(riskRoutes, { services, config })
  await app.register(savingsRoutes, { services })
  await app.register(budgetRoutes, { services })
  await app.register(measureRoutes, { services })
  await app.register(spcRoutes, { services })
  await app.register(valueRoutes, { services, config })
  await app.register(auditRoutes, { services })
  await app.register(publicRoutes, { services })
  await app.register(publicSettingsRoutes, { services })
  await app.register(dashboardRoutes, { services })
  await app.register(orgMeasureRoutes, { services })
  await app.register(reportRoutes, { services, config })
  await app.register(committeeRoutes, { services, config })
  await app.register(exchangeRoutes, { services, config })
  await app.register(mappedImportRoutes, { services })
  await app.register(notificationRoutes, { services, config })
  await app.register(partnershipRoutes, { services, config })
  await app.register(benchmarkRoutes, { services, config })
  await app.register(taskRoutes, { services, config })
  await app.register(appraisalRoutes, { services, config })
  await app.register(queryRoutes, { services, config })
  await app.register(
    async (api) => {
      await api.register(authApi, { services })
      await api.register(organisationApi, { services })
      await api.register(frameworkApi, { services })
      await api.register(projectApi, { services })
      await api.register(updateApi, { services })
      await api.register(gatewayApi, { services })
      await api.register(riskApi, { services })
      await api.register(savingsApi, { services })
      await api.register(budgetApi, { services })
      await api.register(measureApi, { services })
      await api.register(spcApi, { services })
      await api.register(valueApi, { services })
      await api.register(dashboardApi, { services })
      await api.register(reportApi, { services })
      await api.register(committeeApi, { services })
      await api.register(exchangeApi, { services })
      await api.register(notificationApi, { services })
      await api.register(partnershipApi, { services })
      await api.register(benchmarkApi, { services })
      await api.register(taskApi, { services })
      await api.register(appraisalApi, { services })
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
    },
    { prefix: '/api/v1' },
  )
  return app
}
