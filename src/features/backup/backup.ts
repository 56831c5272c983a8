import { readFile, writeFile } from 'node:fs/promises'
import { gunzipSync, gzipSync } from 'node:zlib'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { Conflict, Invalid } from '../../errors.ts'

const FORMAT = 'golden-thread-backup'
const SKIP = new Set(['kysely_migration', 'kysely_migration_lock'])

interface Backup {
  format: typeof FORMAT
  createdAt: string
  migrations: string[]
  tables: Record<string, Record<string, unknown>[]>
}

interface ForeignKey {
  table: string
  column: string
  references: string
}

async function tables(db: Kysely<DB>): Promise<string[]> {
  const result = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db)
  return result.rows.map((r) => r.table_name).filter((t) => !SKIP.has(t))
}

async function foreignKeys(db: Kysely<DB>): Promise<ForeignKey[]> {
  const result = await sql<{ table: string; column: string; references: string }>`
    select cl.relname as "table", att.attname as "column", ref.relname as "references"
    from pg_constraint con
    join pg_class cl on cl.oid = con.conrelid
    join pg_class ref on ref.oid = con.confrelid
    join pg_namespace ns on ns.oid = cl.relnamespace
    join pg_attribute att on att.attrelid = con.conrelid and att.attnum = con.conkey[1]
    where con.contype = 'f' and ns.nspname = current_schema()`.execute(db)
  return result.rows
}

async function jsonColumns(db: Kysely<DB>): Promise<Set<string>> {
  const result = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and data_type in ('json', 'jsonb')`.execute(db)
  return new Set(result.rows.map((r) => `${r.table_name}.${r.column_name}`))
}

/** Tables in an order where every referenced table comes first. */
function insertOrder(names: readonly string[], keys: readonly ForeignKey[]): string[] {
  const done: string[] = []
  const visit = (name: string, trail: Set<string>) => {
    if (done.includes(name) || trail.has(name)) return
    trail.add(name)
    for (const key of keys)
      if (key.table === name && key.references !== name) visit(key.references, trail)
    done.push(name)
  }
  for (const name of names) visit(name, new Set())
  return done
}

/** Rows of a self-referencing table (units under units), parents before children. */
function parentsFirst(rows: Record<string, unknown>[], column: string): Record<string, unknown>[] {
  const byId = new Map(rows.map((r) => [r.id, r]))
  const out: Record<string, unknown>[] = []
  const placed = new Set<unknown>()
  const place = (row: Record<string, unknown>, depth: number) => {
    if (placed.has(row.id) || depth > rows.length) return
    const parent = byId.get(row[column])
    if (parent) place(parent, depth + 1)
    placed.add(row.id)
    out.push(row)
  }
  for (const row of rows) place(row, 0)
  return out
}

async function appliedMigrations(db: Kysely<DB>): Promise<string[]> {
  const result = await sql<{
    name: string
  }>`select name from kysely_migration order by name`.execute(db)
  return result.rows.map((r) => r.name)
}

/** Instance settings that are secrets (the cookie-signing secret): only with --with-secrets. */
function isSecretSetting(row: Record<string, unknown>): boolean {
  return typeof row.key === 'string' && row.key.endsWith('_secret')
}

/**
 * Every table in one consistent snapshot, as gzipped JSON; works the same in both modes. The
 * cookie-signing secret is left out unless asked for: whoever holds it can forge the signed
 * cookies, so a backup file should not carry it by default. A restore without it makes a new one.
 */
export async function backupDatabase(
  db: Kysely<DB>,
  file: string,
  options: { withSecrets: boolean } = { withSecrets: false },
) {
  const backup = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const out: Backup = {
        format: FORMAT,
        createdAt: new Date().toISOString(),
        migrations: await appliedMigrations(trx),
        tables: {},
      }
      for (const table of await tables(trx)) {
        const result = await sql<
          Record<string, unknown>
        >`select * from ${sql.table(table)}`.execute(trx)
        out.tables[table] =
          table === 'instance_settings' && !options.withSecrets
            ? result.rows.filter((row) => !isSecretSetting(row))
            : result.rows
      }
      return out
    })
  await writeFile(file, gzipSync(JSON.stringify(backup)))
  const rows = Object.values(backup.tables).reduce((n, t) => n + t.length, 0)
  return { tables: Object.keys(backup.tables).length, rows }
}

export async function restoreDatabase(db: Kysely<DB>, file: string) {
  let parsed: Partial<Backup>
  try {
    parsed = JSON.parse(gunzipSync(await readFile(file)).toString('utf8')) as Partial<Backup>
  } catch {
    throw new Invalid(`${file} is not a Golden Thread backup`)
  }
  if (parsed.format !== FORMAT || !parsed.tables || !parsed.migrations) {
    throw new Invalid(`${file} is not a Golden Thread backup`)
  }
  const backup = parsed as Backup
  const migrations = await appliedMigrations(db)
  if (migrations.join() !== backup.migrations.join()) {
    throw new Conflict(
      'The backup was made at a different database version. Restore it with the Golden Thread release that made it.',
    )
  }
  return db.transaction().execute(async (trx) => {
    const existing = await sql<{ n: number }>`select count(*)::int as n from organisations`.execute(
      trx,
    )
    if ((existing.rows[0]?.n ?? 0) > 0) {
      throw new Conflict('Restore needs an empty database: this one already holds organisations')
    }
    await sql`delete from instance_settings`.execute(trx)
    const keys = await foreignKeys(trx)
    const json = await jsonColumns(trx)
    const order = insertOrder(Object.keys(backup.tables), keys)
    let rows = 0
    for (const table of order) {
      let data = backup.tables[table] ?? []
      const selfKey = keys.find((k) => k.table === table && k.references === table)
      if (selfKey) data = parentsFirst(data, selfKey.column)
      for (let i = 0; i < data.length; i += 500) {
        const chunk = data
          .slice(i, i + 500)
          .map((row) =>
            Object.fromEntries(
              Object.entries(row).map(([column, value]) => [
                column,
                json.has(`${table}.${column}`) && value !== null ? JSON.stringify(value) : value,
              ]),
            ),
          )
        if (chunk.length > 0)
          await trx
            .insertInto(table as keyof DB)
            .values(chunk)
            .execute()
      }
      rows += data.length
    }
    return { tables: order.length, rows }
  })
}
