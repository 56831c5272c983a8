import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import ts from 'typescript'
import { freshDatabase, testModes } from '../../test/helpers/database.ts'
import { features } from '../features.ts'
import { organisationRepository } from '../features/organisation/index.ts'
import type { Feature } from '../web/feature.ts'
import type { Database } from './database.ts'

/**
 * schema.ts and each feature's tables (its descriptor's `tables`) are written by hand beside the
 * migrations; nothing else checks them against the database the migrations make. This test does,
 * on each database.
 */

type Kind = 'string' | 'number' | 'boolean' | 'date' | 'json' | 'array' | 'bytes'

interface Column {
  readonly kind: Kind
  readonly nullable: boolean
  /** Declared `unknown`: a JSON value, null or not, so its nullability says nothing. */
  readonly unknown?: boolean
}

/** What each PostgreSQL type arrives as through our drivers (dates as text, numerics as numbers). */
const KINDS: Record<string, Kind> = {
  uuid: 'string',
  text: 'string',
  'character varying': 'string',
  character: 'string',
  citext: 'string',
  inet: 'string',
  date: 'string',
  integer: 'number',
  smallint: 'number',
  bigint: 'number',
  numeric: 'number',
  real: 'number',
  'double precision': 'number',
  boolean: 'boolean',
  'timestamp with time zone': 'date',
  'timestamp without time zone': 'date',
  jsonb: 'json',
  json: 'json',
  ARRAY: 'array',
  bytea: 'bytes',
}

/** Tables the migrator keeps for itself. */
const OWN_TABLES = /^kysely_/

async function databaseColumns(database: Database): Promise<Map<string, Map<string, Column>>> {
  const rows = await sql<{
    table_name: string
    column_name: string
    data_type: string
    is_nullable: string
  }>`
    select c.table_name, c.column_name, c.data_type, c.is_nullable
    from information_schema.columns c
    join information_schema.tables t
      on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'`.execute(database.db)
  const tables = new Map<string, Map<string, Column>>()
  for (const row of rows.rows) {
    if (OWN_TABLES.test(row.table_name)) continue
    const kind = KINDS[row.data_type]
    assert.ok(kind, `${row.table_name}.${row.column_name}: add ${row.data_type} to KINDS`)
    const columns = tables.get(row.table_name) ?? new Map<string, Column>()
    columns.set(row.column_name, { kind, nullable: row.is_nullable === 'YES' })
    tables.set(row.table_name, columns)
  }
  return tables
}

let declaredOnce: Map<string, Map<string, Column | string>> | undefined

/** The tables and columns schema.ts declares, read with the TypeScript checker (once a run). */
function declaredColumns(): Map<string, Map<string, Column | string>> {
  declaredOnce ??= readDeclaredColumns()
  return declaredOnce
}

function readDeclaredColumns(): Map<string, Map<string, Column | string>> {
  const file = fileURLToPath(new URL('./schema.ts', import.meta.url))
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
  })
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(file)
  assert.ok(source, 'schema.ts is read')
  const db = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'DB',
  )
  assert.ok(db, 'schema.ts declares DB')
  const tables = new Map<string, Map<string, Column | string>>()
  for (const table of checker.getTypeAtLocation(db).getProperties()) {
    const tableType = checker.getTypeOfSymbolAtLocation(table, db)
    const columns = new Map<string, Column | string>()
    for (const column of tableType.getProperties()) {
      const type = checker.getTypeOfSymbolAtLocation(column, db)
      columns.set(column.name, classify(checker, selected(checker, type, db)))
    }
    tables.set(table.name, columns)
  }
  return tables
}

/**
 * What a select returns of a declared type: Generated<T> and ColumnType<S, I, U> hold it in
 * `__select__`, a member of a union (`DateColumn | null`) as much as the whole.
 */
function selected(checker: ts.TypeChecker, type: ts.Type, at: ts.Node): ts.Type[] {
  return (type.isUnion() ? type.types : [type]).flatMap((member) => {
    const inner = member.getProperty('__select__')
    if (!inner) return [member]
    const innerType = checker.getTypeOfSymbolAtLocation(inner, at)
    return innerType.isUnion() ? innerType.types : [innerType]
  })
}

/** A declared column's kind and nullability, or a description of a type that has no one kind. */
function classify(checker: ts.TypeChecker, members: ts.Type[]): Column | string {
  // `unknown` (a JSON column's value) holds null as well as anything else.
  const nullable = members.some((t) => t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Unknown))
  const kinds = new Set<Kind>()
  for (const member of members) {
    const flags = member.flags
    if (flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)) continue
    if (flags & ts.TypeFlags.StringLike) kinds.add('string')
    else if (flags & ts.TypeFlags.NumberLike) kinds.add('number')
    else if (flags & ts.TypeFlags.BooleanLike) kinds.add('boolean')
    else if (flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) kinds.add('json')
    else if (checker.isArrayType(member)) kinds.add('array')
    else if (member.getSymbol()?.name === 'Date') kinds.add('date')
    else if (['Buffer', 'Uint8Array'].includes(member.getSymbol()?.name ?? '')) kinds.add('bytes')
    else kinds.add('json')
  }
  const [kind] = kinds
  if (kinds.size !== 1 || !kind) return members.map((t) => checker.typeToString(t)).join(' | ')
  const unknown = members.some((t) => t.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any))
  return { kind, nullable, ...(unknown && { unknown }) }
}

/** A jsonb column may be declared as any JSON shape, an array among them. */
function compatible(declared: Kind, actual: Kind): boolean {
  return declared === actual || (actual === 'json' && declared === 'array')
}

for (const mode of testModes()) {
  describe(`schema.ts and the features' tables against the migrated database (${mode})`, () => {
    let database: Database
    let actual: Map<string, Map<string, Column>>
    before(async () => {
      database = await freshDatabase(mode)
      actual = await databaseColumns(database)
    })
    after(() => database.close())

    it('has every table with organisation_id declared by exactly one feature, and no other', () => {
      const withOrganisation = [...actual]
        .filter(([, columns]) => columns.has('organisation_id'))
        .map(([table]) => table)
        .sort()
      const declaredBy = new Map<string, string[]>()
      for (const feature of features as readonly Feature[]) {
        for (const table of feature.tables ?? [])
          declaredBy.set(table, [...(declaredBy.get(table) ?? []), feature.name])
      }
      const problems = [
        ...withOrganisation
          .filter((table) => !declaredBy.has(table))
          .map((table) => `${table}: declared by no feature`),
        ...[...declaredBy]
          .filter(([, by]) => by.length > 1)
          .map(([table, by]) => `${table}: declared by ${by.join(' and ')}`),
        ...[...declaredBy.keys()]
          .filter((table) => !withOrganisation.includes(table))
          .map((table) => `${table}: declared, but has no organisation_id in the database`),
      ]
      assert.deepEqual(problems, [])
    })

    it('orders the tables with organisation_id so children are deleted before parents', async () => {
      const ordered = await organisationRepository.organisationTablesChildrenFirst(database.db)
      const withOrganisation = [...actual].filter(([, columns]) => columns.has('organisation_id'))
      assert.deepEqual([...ordered].sort(), withOrganisation.map(([table]) => table).sort())
      const references = await sql<{ child: string; parent: string }>`
        select tc.table_name as child, ccu.table_name as parent
        from information_schema.table_constraints tc
        join information_schema.constraint_column_usage ccu
          on ccu.constraint_name = tc.constraint_name and ccu.constraint_schema = tc.constraint_schema
        where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = current_schema()`.execute(
        database.db,
      )
      let checked = 0
      for (const { child, parent } of references.rows) {
        if (child === parent || !ordered.includes(child) || !ordered.includes(parent)) continue
        assert.ok(ordered.indexOf(child) < ordered.indexOf(parent), `${child} before ${parent}`)
        checked++
      }
      assert.ok(checked > 20, `${checked} references between organisation tables checked`)
    })

    it('declares in schema.ts every table and column the migrations make, of the same kind and nullability', () => {
      const declared = declaredColumns()
      const problems: string[] = []
      for (const [table, columns] of actual) {
        const declaredTable = declared.get(table)
        if (!declaredTable) {
          problems.push(`${table}: in the database, not in schema.ts`)
          continue
        }
        for (const [name, column] of columns) {
          const found = declaredTable.get(name)
          if (!found) problems.push(`${table}.${name}: in the database, not in schema.ts`)
          else if (typeof found === 'string')
            problems.push(`${table}.${name}: schema.ts says ${found}, of no one kind`)
          else if (!compatible(found.kind, column.kind))
            problems.push(
              `${table}.${name}: schema.ts says ${found.kind}, the database ${column.kind}`,
            )
          else if (found.nullable !== column.nullable && !found.unknown)
            problems.push(
              `${table}.${name}: ${column.nullable ? 'nullable' : 'not null'} in the database, ` +
                `${found.nullable ? 'nullable' : 'not null'} in schema.ts`,
            )
        }
        for (const name of declaredTable.keys()) {
          if (!columns.has(name))
            problems.push(`${table}.${name}: in schema.ts, not in the database`)
        }
      }
      for (const table of declared.keys()) {
        if (!actual.has(table)) problems.push(`${table}: in schema.ts, not in the database`)
      }
      assert.deepEqual(problems, [])
    })
  })
}
