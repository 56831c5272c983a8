import { z } from 'zod'
import { choice, optionalText, requiredText } from '../../web/fields.ts'

export const SOURCE_KINDS = ['golden_thread', 'lgbf'] as const

export const SOURCE_KIND_NAMES: Readonly<Record<(typeof SOURCE_KINDS)[number], string>> = {
  golden_thread: 'Golden Thread open data (data.json)',
  lgbf: 'Local Government Benchmarking Framework (Scotland) files',
}

const refreshHours = z.preprocess(
  (v) => (v === '' || v === null || v === undefined ? undefined : v),
  z.coerce
    .number({ error: 'Enter how often to check, in hours, as a whole number' })
    .int({ error: 'Enter how often to check, in hours, as a whole number' })
    .min(1, { error: 'Check at most once an hour' })
    .max(8760, { error: 'Check at least once a year (8,760 hours)' })
    .default(24),
)

export const SourceInput = z.object({
  name: requiredText('a name for the source', 200),
  kind: choice(SOURCE_KINDS, 'what the source publishes'),
  url: optionalText(2000),
  memberName: optionalText(200),
  refreshHours,
})
export type SourceInput = z.output<typeof SourceInput>

export const SourceChanges = z.object({
  name: requiredText('a name for the source', 200).optional(),
  url: optionalText(2000),
  memberName: optionalText(200),
  refreshHours: refreshHours.optional(),
})
export type SourceChanges = z.output<typeof SourceChanges>

/** Uploaded copies: the Golden Thread file, or the four LGBF files by their layout's names. */
export const FilesInput = z.object({
  files: z
    .array(
      z.object({
        name: requiredText('the file’s name', 200),
        content: z.string({ error: 'Send the file’s text' }).max(30 * 1024 * 1024),
      }),
    )
    .min(1, { error: 'Send at least one file' })
    .max(4, { error: 'Send at most four files' }),
})
export type FilesInput = z.output<typeof FilesInput>

const memberLines = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(/\r?\n/)
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : v,
  z
    .array(requiredText('a council’s name', 200), { error: 'Enter the councils, one a line' })
    .min(1, { error: 'Enter at least one council, one a line' })
    .max(200, { error: 'A group has at most 200 councils' }),
)

export const GroupInput = z.object({
  name: requiredText('a name for the group', 200),
  description: optionalText(1000),
  members: memberLines,
})
export type GroupInput = z.output<typeof GroupInput>

export const MatchInput = z.object({
  measureId: z.uuid({ error: 'Select a measure' }),
  sourceId: z.uuid({ error: 'Select a source' }),
  code: requiredText('the source’s indicator code', 100),
})
export type MatchInput = z.output<typeof MatchInput>

export const ComparisonQuery = z.object({
  group: z.string().max(100).optional(),
  period: z.string().max(40).optional(),
})
export type ComparisonQuery = z.output<typeof ComparisonQuery>

export const PublishInput = z.object({
  group: z.preprocess(
    (v) => (v === '' ? null : v),
    z.string({ error: 'Select a comparison group, or none' }).max(100).nullable(),
  ),
})
export type PublishInput = z.output<typeof PublishInput>
