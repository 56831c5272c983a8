import { fileURLToPath } from 'node:url'
import fastifyView from '@fastify/view'
import type { FastifyInstance } from 'fastify'
import nunjucks from 'nunjucks'
import type { Config } from '../config.ts'
import {
  formatDate,
  formatDateTime,
  formatMeasureValue,
  formatNumber,
  formatPercent,
  formatPounds,
  formatQuantity,
  formatThousands,
  plural,
} from '../core/format.ts'
import { ROLE_NAMES } from '../core/principal.ts'
import type { Feature } from './feature.ts'
import { wrapTables } from './table-scroll.ts'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

export const templateDirs = [
  here('./views/'),
  here('../features/'),
  fileURLToPath(new URL('./', import.meta.resolve('govuk-frontend/package.json'))) + 'dist/',
]

function addFilters(env: nunjucks.Environment, config: Config, features: readonly Feature[]): void {
  // One way to write figures for people (src/core/format.ts); templates never format by hand.
  env.addFilter('date', (value: Date | string | null | undefined) => formatDate(value))
  env.addFilter('dateTime', (value: Date | string | null | undefined) => formatDateTime(value))
  env.addFilter('number', (value: number | null | undefined, decimals?: number) =>
    value === null || value === undefined ? '–' : formatNumber(value, decimals ?? 0),
  )
  env.addFilter('percent', (value: number | null | undefined, decimals?: number) =>
    value === null || value === undefined ? '–' : formatPercent(value, decimals ?? 0),
  )
  env.addFilter(
    'measureValue',
    (value: number | null | undefined, unit: string, decimals?: number) =>
      formatMeasureValue(value, unit, decimals ?? 0),
  )
  env.addFilter('quantity', (value: number | null | undefined, unit?: string | null) =>
    formatQuantity(value, unit),
  )
  env.addFilter('plural', (count: number, one: string, many: string) => plural(count, one, many))
  env.addFilter('roleName', (role: keyof typeof ROLE_NAMES) => ROLE_NAMES[role])
  env.addFilter('json', (value: unknown) => JSON.stringify(value, null, 2))
  env.addFilter('pounds', (pence: number) => formatPounds(pence))
  // Money in pounds (not pence), as projects store it.
  env.addFilter('poundsAmount', (pounds: number | null | undefined) => formatQuantity(pounds, '£'))
  env.addFilter('thousands', (pence: number) => formatThousands(pence))
  // The layouts pass the page content through this: wide tables scroll in their own region.
  env.addFilter(
    'scrollableTables',
    (html: string) => new nunjucks.runtime.SafeString(wrapTables(html)),
  )
  env.addGlobal('serviceName', config.serviceName)
  // Each feature's own filters and globals, from its public face.
  for (const feature of features) {
    for (const [name, filter] of Object.entries(feature.templateFilters ?? {})) {
      env.addFilter(name, filter as (...args: unknown[]) => unknown)
    }
    for (const [name, value] of Object.entries(feature.templateGlobals ?? {})) {
      env.addGlobal(name, value)
    }
  }
}

export async function setUpViews(
  app: FastifyInstance,
  config: Config,
  features: readonly Feature[],
): Promise<void> {
  await app.register(fastifyView, {
    engine: { nunjucks },
    templates: templateDirs,
    production: config.env === 'production',
    options: {
      autoescape: true,
      noCache: config.env === 'development',
      onConfigure: (env: nunjucks.Environment) => addFilters(env, config, features),
    },
  })
}
