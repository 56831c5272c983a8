import { sql, type Kysely } from 'kysely'

/**
 * An e-mail address is unique within an organisation, not across the installation: refusing
 * an address because another council uses it would tell one council who works for another
 * (docs/decisions.md). Sign-in, which knows only the address, tries each account that has it.
 */
const statements = [
  `alter table people drop constraint people_email_key`,
  `alter table people add constraint people_organisation_email_key unique (organisation_id, email)`,
  `create index people_email_idx on people (email)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`drop index people_email_idx`).execute(db)
  await sql.raw(`alter table people drop constraint people_organisation_email_key`).execute(db)
  await sql.raw(`alter table people add constraint people_email_key unique (email)`).execute(db)
}
