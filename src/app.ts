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
import { appraisalApi } from './features/appraisals/appraisal-api.ts'
import { appraisalRoutes } from './features/appraisals/appraisal-routes.ts'
import { auditRoutes } from './features/audit/audit-routes.ts'
import { authApi } from './features/auth/auth-api.ts'
import { authRoutes } from './features/auth/auth-routes.ts'
import { oidcRoutes } from './features/auth/oidc-routes.ts'
import { committeeApi } from './features/committees/committee-api.ts'
import { committeeRoutes } from './features/committees/committee-routes.ts'
import { setUpAuthentication } from './features/auth/authentication.ts'
import { exchangeApi } from './features/exchange/exchange-api.ts'
import { exchangeRoutes } from './features/exchange/exchange-routes.ts'
import { mappedImportRoutes } from './features/exchange/exchange-mapped-routes.ts'
import { frameworkApi } from './features/framework/framework-api.ts'
import { frameworkRoutes } from './features/framework/framework-routes.ts'
import { threadRoutes } from './features/framework/thread-routes.ts'
import { homeRoutes } from './features/home/home-routes.ts'
import { valueApi } from './features/measure-values/value-api.ts'
import { valueRoutes } from './features/measure-values/value-routes.ts'
import { measureApi } from './features/measures/measure-api.ts'
import { measureRoutes } from './features/measures/measure-routes.ts'
import { organisationApi } from './features/organisation/organisation-api.ts'
import { organisationRoutes } from './features/organisation/organisation-routes.ts'
import { partnershipApi } from './features/partnerships/partnership-api.ts'
import { partnershipRoutes } from './features/partnerships/partnership-routes.ts'
import { gatewayApi } from './features/project-gateways/gateway-api.ts'
import { gatewayRoutes } from './features/project-gateways/gateway-routes.ts'
import { updateApi } from './features/project-updates/update-api.ts'
import { updateRoutes } from './features/project-updates/update-routes.ts'
import { projectApi } from './features/projects/project-api.ts'
import { projectRoutes } from './features/projects/project-routes.ts'
import { publicRoutes } from './features/public/public-routes.ts'
import { reportApi } from './features/reports/report-api.ts'
import { reportRoutes } from './features/reports/report-routes.ts'
import { publicSettingsRoutes } from './features/public-settings/public-settings-routes.ts'
import { riskApi } from './features/risks/risk-api.ts'
import { riskRoutes } from './features/risks/risk-routes.ts'
import { spcApi } from './features/spc/spc-api.ts'
import { spcRoutes } from './features/spc/spc-routes.ts'
import { savingsApi } from './features/savings/savings-api.ts'
import { savingsRoutes } from './features/savings/savings-routes.ts'
import { dashboardApi } from './features/dashboards/dashboard-api.ts'
import { dashboardRoutes } from './features/dashboards/dashboard-routes.ts'
import { orgMeasureRoutes } from './features/organisational-measures/org-measure-routes.ts'
import { benchmarkApi } from './features/benchmarking/benchmark-api.ts'
import { benchmarkRoutes } from './features/benchmarking/benchmark-routes.ts'
import { budgetApi } from './features/budgets/budget-api.ts'
import { budgetRoutes } from './features/budgets/budget-routes.ts'
import { notificationApi } from './features/notifications/notification-api.ts'
import {
  notificationRoutes,
  setUpNotificationCount,
} from './features/notifications/notification-routes.ts'
import { queryRoutes } from './features/queries/query-routes.ts'
import { taskApi } from './features/tasks/task-api.ts'
import { setUpTaskCount, taskRoutes } from './features/tasks/task-routes.ts'
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
  await setUpViews(app, config)

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

  setUpAuthentication(app, services, config)
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
