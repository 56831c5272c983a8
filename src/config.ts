import { isIP } from 'node:net'
import { z } from 'zod'

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes')

/** Names proxy-addr (used by Fastify) knows for groups of addresses. */
const ADDRESS_GROUPS = ['loopback', 'linklocal', 'uniquelocal']

function isProxyAddress(entry: string): boolean {
  const [address = '', bits, ...rest] = entry.split('/')
  if (rest.length > 0) return false
  if (bits === undefined) return ADDRESS_GROUPS.includes(address) || isIP(address) !== 0
  const version = isIP(address)
  const max = version === 4 ? 32 : version === 6 ? 128 : 0
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max && max > 0
}

/**
 * The reverse proxies whose X-Forwarded-For is believed: false, or addresses, ranges (CIDR) and
 * the names loopback, linklocal, uniquelocal. "true" is refused: it would believe the header
 * from anyone, letting a client pick the address that sign-in throttling counts against.
 */
const trustProxy = z.string().transform((value, ctx) => {
  const lower = value.trim().toLowerCase()
  if (['false', '0', 'no'].includes(lower)) return false as const
  if (['true', '1', 'yes'].includes(lower)) {
    ctx.addIssue({
      code: 'custom',
      message:
        'TRUST_PROXY must name the proxy (its address or range, or loopback), not true: ' +
        'true would believe X-Forwarded-For from anyone',
    })
    return z.NEVER
  }
  const entries = lower.split(',').map((e) => e.trim())
  const bad = entries.filter((e) => !isProxyAddress(e))
  if (bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `TRUST_PROXY: "${bad.join('", "')}" is not an IP address, a range such as 10.0.0.0/8, or loopback`,
    })
    return z.NEVER
  }
  return entries
})

const EnvSchema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_READ_URL must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  MIGRATE_ON_START: flag.default(true),
  DEMO_COUNCIL: z.enum(['auto', 'never']).default('auto'),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(168).default(12),
  SECURE_COOKIES: flag.optional(),
  TRUST_PROXY: trustProxy.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SERVICE_NAME: z.string().min(1).default('Golden Thread'),
  OIDC_ISSUER: z
    .url({ protocol: /^https?$/, error: 'OIDC_ISSUER must be an http(s) URL' })
    .optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_REDIRECT_URL: z
    .url({ protocol: /^https?$/, error: 'OIDC_REDIRECT_URL must be an http(s) URL' })
    .optional(),
  OIDC_ORGANISATION: z.string().min(1).optional(),
  OIDC_BUTTON_TEXT: z.string().min(1).default('Sign in with your council account'),
  OIDC_PASSWORD_SIGN_IN: flag.default(true),
  PUBLIC_URL: z
    .url({ error: 'PUBLIC_URL must be a URL such as https://performance.example.gov.uk' })
    .optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'SMTP_URL must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).optional(),
  REMINDERS_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'REMINDERS_AT must be a time of day as HH:MM')
    .optional(),
  REMINDER_DAYS_BEFORE: z.coerce.number().int().min(0).max(60).default(5),
  REMINDER_ESCALATE_DAYS: z.coerce.number().int().min(0).max(60).default(5),
})

/** Single sign-on needs all three; the other OIDC_ variables only refine it. */
const OIDC_REQUIRED = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const
const OIDC_PARTS = [...OIDC_REQUIRED, 'OIDC_REDIRECT_URL', 'OIDC_ORGANISATION'] as const
// Microsoft's shared endpoints accept any tenant's accounts; e-mail matching needs one tenant.
const MULTI_TENANT = /^https:\/\/login\.microsoftonline\.com\/(common|organizations|consumers)\//i

/** Every variable Golden Thread reads; README and .env.example document each (a test checks). */
export const CONFIG_VARIABLES = Object.keys(EnvSchema.shape)

const ConfigSchema = EnvSchema.superRefine((env, ctx) => {
  if (env.DATABASE_READ_URL && !env.DATABASE_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['DATABASE_READ_URL'],
      message: 'DATABASE_READ_URL names a replica of DATABASE_URL, which is not set',
    })
  }
  if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['SESSION_SECRET'],
      message: 'SESSION_SECRET is required in production',
    })
  }
  // A half-configured single sign-on fails loudly rather than leaving people without a way in.
  if (OIDC_PARTS.some((name) => env[name] !== undefined)) {
    for (const name of OIDC_REQUIRED) {
      if (env[name] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `${name} is required for single sign-on (set ${OIDC_REQUIRED.join(', ')} together)`,
        })
      }
    }
  } else if (!env.OIDC_PASSWORD_SIGN_IN) {
    ctx.addIssue({
      code: 'custom',
      path: ['OIDC_PASSWORD_SIGN_IN'],
      message: 'OIDC_PASSWORD_SIGN_IN can be false only when single sign-on is configured',
    })
  }
  if (env.OIDC_ISSUER && MULTI_TENANT.test(env.OIDC_ISSUER)) {
    ctx.addIssue({
      code: 'custom',
      path: ['OIDC_ISSUER'],
      message: 'OIDC_ISSUER must name your tenant, not common, organizations or consumers',
    })
  }
  if (env.NODE_ENV === 'production') {
    for (const name of ['OIDC_ISSUER', 'OIDC_REDIRECT_URL'] as const) {
      if (env[name]?.startsWith('http:')) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `${name} must use https in production`,
        })
      }
    }
  }
  if (env.SMTP_URL && !env.MAIL_FROM) {
    ctx.addIssue({
      code: 'custom',
      path: ['MAIL_FROM'],
      message: 'MAIL_FROM is required when SMTP_URL is set',
    })
  }
  if (env.NODE_ENV === 'production' && env.SMTP_URL && !env.PUBLIC_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['PUBLIC_URL'],
      message: 'PUBLIC_URL is required in production when SMTP_URL is set (links in e-mails)',
    })
  }
})

export interface Config {
  readonly env: 'production' | 'development' | 'test'
  readonly host: string
  readonly port: number
  readonly database:
    | {
        readonly mode: 'postgres'
        readonly url: string
        readonly poolSize: number
        /** A streaming replica for reads that may lag a moment (public pages, open data). */
        readonly readUrl: string | undefined
      }
    | { readonly mode: 'pglite'; readonly dataDir: string }
  readonly migrateOnStart: boolean
  readonly demoCouncil: 'auto' | 'never'
  readonly session: {
    readonly secret: string | undefined
    readonly idleMinutes: number
    readonly absoluteHours: number
    readonly secureCookies: boolean
  }
  /** false, or the proxies' addresses and ranges whose X-Forwarded-For is believed. */
  readonly trustProxy: false | readonly string[]
  readonly logLevel: string
  readonly serviceName: string
  /** Single sign-on with the council's identity provider; null when not configured. */
  readonly oidc: {
    readonly issuer: string
    readonly clientId: string
    readonly clientSecret: string
    /** Unset: this site's own address (from the request) + /sign-in/oidc/callback. */
    readonly redirectUrl: string | undefined
    /** Slug of the organisation whose people sign in this way; unset: the only one. */
    readonly organisation: string | undefined
    readonly buttonText: string
    /** false: only administrators may sign in with a password. */
    readonly passwordSignIn: boolean
  } | null
  /** The address people reach the service at, without a trailing slash: for links in e-mails. */
  readonly publicUrl: string
  /** null: e-mail is off and notifications stay in the service. */
  readonly mail: { readonly smtpUrl: string; readonly from: string } | null
  readonly reminders: {
    /** HH:MM (UK time) for the in-process daily run; null: run it from cron instead. */
    readonly at: string | null
    readonly daysBefore: number
    readonly escalateAfter: number
  }
}

export class ConfigError extends Error {}

/** Parses the environment once; nothing else in the project reads process.env. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(
    Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== '')),
  )
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const env = parsed.data
  const database: Config['database'] = env.DATABASE_URL
    ? {
        mode: 'postgres',
        url: env.DATABASE_URL,
        poolSize: env.DATABASE_POOL_SIZE,
        readUrl: env.DATABASE_READ_URL,
      }
    : { mode: 'pglite', dataDir: env.DATA_DIR }
  return Object.freeze({
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    database,
    migrateOnStart: env.MIGRATE_ON_START,
    demoCouncil: env.DEMO_COUNCIL,
    session: {
      secret: env.SESSION_SECRET,
      idleMinutes: env.SESSION_IDLE_MINUTES,
      absoluteHours: env.SESSION_ABSOLUTE_HOURS,
      secureCookies: env.SECURE_COOKIES ?? env.NODE_ENV === 'production',
    },
    trustProxy: env.TRUST_PROXY,
    logLevel: env.LOG_LEVEL,
    serviceName: env.SERVICE_NAME,
    oidc:
      env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET
        ? {
            issuer: env.OIDC_ISSUER,
            clientId: env.OIDC_CLIENT_ID,
            clientSecret: env.OIDC_CLIENT_SECRET,
            redirectUrl: env.OIDC_REDIRECT_URL,
            organisation: env.OIDC_ORGANISATION,
            buttonText: env.OIDC_BUTTON_TEXT,
            passwordSignIn: env.OIDC_PASSWORD_SIGN_IN,
          }
        : null,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    mail: env.SMTP_URL && env.MAIL_FROM ? { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM } : null,
    reminders: {
      at: env.REMINDERS_AT ?? null,
      daysBefore: env.REMINDER_DAYS_BEFORE,
      escalateAfter: env.REMINDER_ESCALATE_DAYS,
    },
  })
}
