// Many rows into one table in one statement, as one JSON document (`jsonb_to_recordset`): one
// parameter however many rows, so neither Kysely nor the database works through thousands of
// placeholders. Used where an import writes tens of thousands of rows (issue 24).
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { DB } from './schema.ts'

/** A column's PostgreSQL type, as the JSON document's field is read. */
export type ColumnType =
  'uuid' | 'text' | 'numeric' | 'integer' | 'bigint' | 'boolean' | 'date' | 'timestamptz' | 'jsonb'

/**
 * `insert into table (columns) select … from jsonb_to_recordset($1)`, for rows that all set
 * exactly `columns` (columns left out take their defaults). A `jsonb` column is given as its
 * JSON text, as Kysely takes it. Dates go as ISO instants.
 */
export function insertJsonRows<T extends keyof DB>(
  table: T,
  columns: Readonly<Partial<Record<keyof DB[T] & string, ColumnType>>>,
  rows: readonly object[],
): RawBuilder<unknown> {
  const names = Object.keys(columns) as (keyof DB[T] & string)[]
  const document = JSON.stringify(
    rows.map((row) => {
      const record = row as Record<string, unknown>
      return names.map((name) => {
        const value = record[name]
        if (value === undefined) {
          throw new Error(`insertJsonRows(${table}): a row does not set ${name}`)
        }
        return value
      })
    }),
  )
  // Rows go as arrays (no field names repeated a thousand times) and are read back by position.
  const fields = names.map((name, i) => {
    const type = columns[name] as ColumnType
    const text = sql`r ->> ${sql.lit(i)}`
    return type === 'jsonb' ? sql`(${text})::jsonb` : sql`(${text})::${sql.raw(type)}`
  })
  return sql`insert into ${sql.table(table)} (${sql.join(names.map((n) => sql.id(n)))})
    select ${sql.join(fields)} from jsonb_array_elements(${document}::jsonb) as r`
}

/** The same, returning every column of the rows written. */
export async function insertJsonRowsReturning<T extends keyof DB, Row>(
  db: Kysely<DB>,
  table: T,
  columns: Readonly<Partial<Record<keyof DB[T] & string, ColumnType>>>,
  rows: readonly object[],
): Promise<Row[]> {
  if (rows.length === 0) return []
  const { rows: written } =
    await sql<Row>`${insertJsonRows(table, columns, rows)} returning *`.execute(db)
  return written
}
