// The demo council's remembered column mapping: Waste and Street Scene send their quarterly
// return in their own spreadsheet, so uploading a file with those headings on "Import a
// council's own file" finds the mapping confirmed before.
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts'
import { signatureOf, type Mapping } from './exchange-mapping.ts'

export const DEMO_RETURN_HEADINGS = [
  'PI ref',
  'Indicator',
  'Quarter',
  'Actual',
  'Target',
  'Service',
  'Comments',
] as const

const MAPPING: Mapping = {
  columns: {
    'PI ref': 'code',
    Indicator: 'title',
    Quarter: 'period',
    Actual: 'value',
    Target: 'target',
    Service: 'ignore',
    Comments: 'commentary',
  },
  layout: 'long',
  unit: 'percent',
  polarity: 'higher_is_better',
}

export async function buildDemoMappings(
  trx: Kysely<DB>,
  organisationId: string,
  clock: () => Date,
): Promise<void> {
  const signature = signatureOf(DEMO_RETURN_HEADINGS)
  const row = await trx
    .insertInto('import_mappings')
    .values({
      organisation_id: organisationId,
      signature,
      mapping: JSON.stringify(MAPPING),
      updated_at: clock(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await recordAudit(
    trx,
    {
      organisationId,
      actor: SYSTEM_ACTOR,
      action: 'create',
      itemType: 'import_mapping',
      itemId: row.id,
      summary: `Remembered the column mapping for files headed ${DEMO_RETURN_HEADINGS.join(', ')}`,
      after: MAPPING,
    },
    clock,
  )
}
