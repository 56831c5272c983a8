import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { Invalid, NotFound } from '../../errors.ts'
import { parseInput } from '../../web/fields.ts'
import { recordAudit } from '../audit/index.ts'
import {
  authRepository as authRepo,
  createAuthService,
  normaliseEmail,
  hashPassword,
  passwordProblem,
} from '../auth/index.ts'
import type { Config } from '../../config.ts'
import * as repo from './organisation-repository.ts'
import { OrganisationInput, PersonInput } from './organisation-schemas.ts'
import { createOrganisation } from './organisation-service.ts'

export interface CliOptions {
  readonly email?: string | undefined
  readonly name?: string | undefined
  readonly role?: string | undefined
  readonly unit?: string | undefined
  readonly organisation?: string | undefined
  readonly slug?: string | undefined
  readonly id?: string | undefined
  readonly password?: string | undefined
}

type CliCommand = (db: Kysely<DB>, options: CliOptions, config: Config) => Promise<number>

const CLI_ACTOR = { personId: null, name: 'Command line' }

/** The demo installation's council, which its partner NHS trust sits beside. */
const DEMO_COUNCIL_SLUG = 'example-city'

/**
 * The organisation a command acts for: the one named; else the only one; else, on the demo
 * installation, its council. Anywhere else with several, the command must say which.
 */
export async function resolveOrganisation(db: Kysely<DB>, slug: string | undefined) {
  if (slug) {
    const organisation = await repo.findOrganisationBySlug(db, slug)
    if (!organisation) throw new NotFound(`No organisation has the short name "${slug}"`)
    return organisation
  }
  const all = await repo.listOrganisations(db)
  if (all.length === 1 && all[0]) return all[0]
  const demo = all.find((o) => o.slug === DEMO_COUNCIL_SLUG)
  if (demo) return demo
  throw Invalid.field(
    'organisation',
    all.length === 0
      ? 'There is no organisation yet: create one with "organisation create --name N --slug S"'
      : `Say which organisation: ${all.map((o) => o.slug).join(', ')}`,
  )
}

/** A unit given by id, code or name (case-insensitive). */
async function resolveUnit(db: Kysely<DB>, organisationId: string, ref: string) {
  const units = await repo.listUnits(db, organisationId)
  const lower = ref.toLowerCase()
  const unit =
    units.find((u) => u.id === ref) ??
    units.find((u) => u.code?.toLowerCase() === lower) ??
    units.find((u) => u.name.toLowerCase() === lower)
  if (!unit) throw Invalid.field('unit', `No unit called "${ref}" (give its name, code or id)`)
  return unit
}

/**
 * The person with this address: an address is unique only within an organisation, so when
 * several organisations have it, --organisation says which.
 */
async function resolvePerson(db: Kysely<DB>, options: CliOptions) {
  if (!options.email) throw Invalid.field('email', 'Give the email address of the person')
  const email = normaliseEmail(options.email)
  let people = await authRepo.findPeopleByEmail(db, email)
  if (options.organisation) {
    const organisation = await resolveOrganisation(db, options.organisation)
    people = people.filter((p) => p.organisation_id === organisation.id)
  }
  if (people.length > 1) {
    throw Invalid.field('organisation', `Say which organisation's ${options.email} you mean`)
  }
  const person = people[0]
  if (!person) throw new NotFound(`No person has the email address ${options.email}`)
  return person
}

export const cliCommands: Record<string, CliCommand> = {
  async 'organisation create'(db, options) {
    const input = parseInput(OrganisationInput, { name: options.name, slug: options.slug })
    const organisation = await createOrganisation(db, input)
    console.log(
      `Created organisation "${organisation.name}" (${organisation.slug}), id ${organisation.id}`,
    )
    return 0
  },

  async 'user create'(db, options) {
    const organisation = await resolveOrganisation(db, options.organisation)
    const unit = options.unit ? await resolveUnit(db, organisation.id, options.unit) : null
    const input = parseInput(PersonInput, {
      email: options.email,
      name: options.name,
      unitId: unit?.id ?? null,
      roles: [{ role: options.role, unitId: unit?.id ?? null }],
    })
    if (await repo.emailTaken(db, organisation.id, input.email)) {
      throw Invalid.field('email', `Someone already uses ${input.email}`)
    }
    let passwordHash: string | null = null
    if (options.password !== undefined) {
      const problem = passwordProblem(options.password, {
        email: input.email,
        organisationName: organisation.name,
        organisationSlug: organisation.slug,
      })
      if (problem) throw Invalid.field('password-stdin', problem)
      passwordHash = await hashPassword(options.password)
    }
    const person = await db.transaction().execute(async (trx) => {
      const row = await repo.insertPerson(trx, {
        organisationId: organisation.id,
        email: input.email,
        name: input.name,
        jobTitle: null,
        unitId: unit?.id ?? null,
        passwordHash,
      })
      for (const grant of input.roles ?? []) {
        await repo.insertRole(trx, {
          organisationId: organisation.id,
          personId: row.id,
          role: grant.role,
          unitId: grant.unitId ?? null,
        })
      }
      await recordAudit(trx, {
        organisationId: organisation.id,
        actor: CLI_ACTOR,
        action: 'person_created',
        itemType: 'person',
        itemId: row.id,
        summary: `${row.name} added from the command line`,
        after: { email: row.email, name: row.name, unitId: row.unit_id, roles: input.roles },
      })
      return row
    })
    console.log(
      `Created ${person.name} <${person.email}> as ${options.role ?? ''}` +
        `${unit ? ` for ${unit.name}` : ' for the whole organisation'} in ${organisation.name}` +
        (passwordHash ? '' : ' (no password: set one with --password-stdin or in the web service)'),
    )
    return 0
  },

  async 'token create'(db, options, config) {
    if (!options.name) throw Invalid.field('name', 'Give the token a name, like "Power BI"')
    const person = await resolvePerson(db, options)
    const principal = await authRepo.loadPrincipal(db, person.id)
    if (!principal) throw new NotFound(`No active person has the email address ${options.email}`)
    const auth = createAuthService({ db, config, clock: () => new Date() })
    const created = await auth.createToken(principal, options.name)
    // The token alone on stdout, so scripts can capture it.
    console.log(created.token)
    console.error(`API token "${created.name}" for ${principal.name}. It is shown only once.`)
    return 0
  },

  async 'token list'(db, options) {
    const person = await resolvePerson(db, options)
    const tokens = await authRepo.listTokens(db, person.organisation_id, person.id)
    for (const t of tokens) {
      console.log(
        `${t.id}  ${t.token_prefix}…  ${t.name}  created ${t.created_at.toISOString().slice(0, 10)}` +
          `  ${t.revoked_at ? `revoked ${t.revoked_at.toISOString().slice(0, 10)}` : 'active'}`,
      )
    }
    if (tokens.length === 0) console.log('No tokens')
    return 0
  },

  async 'token revoke'(db, options) {
    if (!options.id || !/^[0-9a-f-]{36}$/i.test(options.id))
      throw Invalid.field('id', 'Give the token id (see "token list")')
    const token = await db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', options.id)
      .executeTakeFirst()
    if (!token) throw new NotFound(`No API token has the id ${options.id}`)
    await db.transaction().execute(async (trx) => {
      await authRepo.revokeToken(trx, token.id, new Date())
      await recordAudit(trx, {
        organisationId: token.organisation_id,
        actor: CLI_ACTOR,
        action: 'api_token_revoked',
        itemType: 'api_token',
        itemId: token.id,
        summary: `API token "${token.name}" revoked from the command line`,
      })
    })
    console.log(`Revoked API token "${token.name}"`)
    return 0
  },
}
