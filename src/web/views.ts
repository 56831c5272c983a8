import { fileURLToPath } from 'node:url'
import fastifyView from '@fastify/view'
import type { FastifyInstance } from 'fastify'
import nunjucks from 'nunjucks'
import type { Config } from '../config.ts'
import { formatPounds, formatThousands } from '../core/money.ts'
import { ROLE_NAMES } from '../features/auth/principal.ts'
import { UNIT_KIND_NAMES } from '../features/organisation/organisation-schemas.ts'
import { variationBadge } from '../features/spc/spc-status.ts'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
})
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
})

function toDate(value: unknown): Date | null {
  if (value instanceof Date) return value
  if (typeof value === 'string' && value !== '') return new Date(value)
  return null
}

export const templateDirs = [
  here('./views/'),
  here('../features/'),
  fileURLToPath(new URL('./', import.meta.resolve('govuk-frontend/package.json'))) + 'dist/',
]

function addFilters(env: nunjucks.Environment, config: Config): void {
  env.addFilter('date', (value: unknown) => {
    const date = toDate(value)
    return date ? dateFormat.format(date) : ''
  })
  env.addFilter('dateTime', (value: unknown) => {
    const date = toDate(value)
    return date ? dateTimeFormat.format(date).replace(' am', 'am').replace(' pm', 'pm') : ''
  })
  env.addFilter('roleName', (role: keyof typeof ROLE_NAMES) => ROLE_NAMES[role])
  env.addFilter('unitKindName', (kind: keyof typeof UNIT_KIND_NAMES) => UNIT_KIND_NAMES[kind])
  env.addFilter('json', (value: unknown) => JSON.stringify(value, null, 2))
  env.addFilter('pounds', (pence: number) => formatPounds(pence))
  env.addFilter('thousands', (pence: number) => formatThousands(pence))
  env.addGlobal('serviceName', config.serviceName)
  env.addGlobal('spcVariationBadge', variationBadge)
}

export async function setUpViews(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(fastifyView, {
    engine: { nunjucks },
    templates: templateDirs,
    production: config.env === 'production',
    options: {
      autoescape: true,
      noCache: config.env === 'development',
      onConfigure: (env: nunjucks.Environment) => addFilters(env, config),
    },
  })
}
