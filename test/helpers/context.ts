import { randomBytes } from 'node:crypto'
import { createApp, type App } from '../../src/app.ts'
import { loadConfig, type Config } from '../../src/config.ts'
import type { Database } from '../../src/db/database.ts'
import type { Role } from '../../src/db/schema.ts'
import { hashPassword, authRepository as authRepo } from '../../src/features/auth/index.ts'
import type { Principal } from '../../src/core/principal.ts'
import {
  organisationRepository as orgRepo,
  createOrganisation,
} from '../../src/features/organisation/index.ts'
import { createServices, type Services } from '../../src/services.ts'
import { freshDatabase, type TestMode } from './database.ts'

export const TEST_PASSWORD = 'correct horse battery staple'
let passwordHash: Promise<string> | undefined

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: '/nonexistent',
    ...overrides,
  })
}

/** A controllable clock for session timeouts and due dates. */
export class TestClock {
  now: Date
  constructor(start = new Date()) {
    this.now = start
  }
  readonly read = (): Date => new Date(this.now)
  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms)
  }
}

export interface TestOrganisation {
  readonly id: string
  readonly slug: string
  readonly units: Record<string, string>
}

export interface TestContext {
  readonly mode: TestMode
  readonly database: Database
  readonly config: Config
  readonly clock: TestClock
  readonly services: Services
  app(): Promise<App>
  organisation(name?: string): Promise<TestOrganisation>
  person(
    organisation: TestOrganisation,
    options: {
      role?: Role | null
      unit?: string | null
      roleUnit?: string | null
      email?: string
      name?: string
    },
  ): Promise<Principal & { email: string }>
  close(): Promise<void>
}

/** A database of its own, the services on it and factories for test data. */
export async function createTestContext(
  mode: TestMode,
  configOverrides: Record<string, string> = {},
): Promise<TestContext> {
  const database = await freshDatabase(mode)
  const config = testConfig(configOverrides)
  const clock = new TestClock()
  const services = createServices({ config, database, clock: clock.read })
  let app: App | undefined
  return {
    mode,
    database,
    config,
    clock,
    services,
    async app() {
      app ??= await createApp({ config, database, clock: clock.read, services, logger: false })
      return app
    },
    async organisation(name = `Council ${randomBytes(3).toString('hex')}`) {
      const slug = name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
      const organisation = await createOrganisation(database.db, { name, slug }, clock.read)
      const units: Record<string, string> = {}
      const add = async (
        key: string,
        parent: string | null,
        kind: 'directorate' | 'service' | 'team',
      ) => {
        const row = await orgRepo.insertUnit(database.db, {
          organisationId: organisation.id,
          parentId: parent ? (units[parent] ?? null) : null,
          name: `${name} ${key}`,
          kind,
          code: key.toUpperCase(),
          position: 0,
        })
        units[key] = row.id
      }
      await add('people', null, 'directorate')
      await add('care', 'people', 'service')
      await add('reablement', 'care', 'team')
      await add('place', null, 'directorate')
      await add('waste', 'place', 'service')
      return { id: organisation.id, slug: organisation.slug, units }
    },
    async person(organisation, options) {
      passwordHash ??= hashPassword(TEST_PASSWORD)
      const email = options.email ?? `${randomBytes(5).toString('hex')}@example.org`
      const unitId = options.unit ? (organisation.units[options.unit] ?? null) : null
      const row = await orgRepo.insertPerson(database.db, {
        organisationId: organisation.id,
        email,
        name: options.name ?? `Person ${email.slice(0, 4)}`,
        jobTitle: null,
        unitId,
        passwordHash: await passwordHash,
      })
      if (options.role !== null) {
        await orgRepo.insertRole(database.db, {
          organisationId: organisation.id,
          personId: row.id,
          role: options.role ?? 'viewer',
          unitId: options.roleUnit ? (organisation.units[options.roleUnit] ?? null) : null,
        })
      }
      const principal = await authRepo.loadPrincipal(database.db, row.id)
      if (!principal) throw new Error('person could not be loaded')
      return principal
    },
    async close() {
      await app?.close()
      await database.close()
    },
  }
}
