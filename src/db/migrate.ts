import { readdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Kysely } from 'kysely'
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration'

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url))

/** Timestamped files in db/migrations, applied in name order. */
class FolderMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(migrationsDir)).filter((f) => /^\d{14}-.+\.ts$/.test(f)).sort()
    const migrations: Record<string, Migration> = {}
    for (const file of files) {
      const module = (await import(new URL(file, `file://${migrationsDir}`).href)) as Migration
      migrations[file.replace(/\.ts$/, '')] = module
    }
    return migrations
  }
}

export interface MigrationReport {
  readonly applied: readonly string[]
}

/**
 * `schema` names the schema that holds the migration bookkeeping when the connection works in
 * one of its own (tests do); Kysely otherwise looks for its lock table in any schema.
 */
export async function migrateToLatest<T>(db: Kysely<T>, schema?: string): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: new FolderMigrationProvider(),
    ...(schema && { migrationTableSchema: schema }),
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    const cause = error instanceof Error ? error.message : JSON.stringify(error)
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`)
  }
  return { applied: (results ?? []).map((r) => r.migrationName) }
}
