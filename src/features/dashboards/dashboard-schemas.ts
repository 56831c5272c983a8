import { z } from 'zod'
import { versionField } from '../../web/fields.ts'

export const TILE_KINDS = ['measure', 'project', 'risk', 'list'] as const
export const LIST_KINDS = ['exceptions', 'programmes', 'corporate_risks'] as const
export type ListKind = (typeof LIST_KINDS)[number]

export const LIST_NAMES: Readonly<Record<ListKind, string>> = {
  exceptions: 'What needs attention',
  programmes: 'Programmes',
  corporate_risks: 'Corporate risks',
}

export const MAX_TILES = 80

const optionalText = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, { error: `${what} must be ${max} characters or fewer` })
    .transform((s) => (s === '' ? null : s))
    .nullish()

export const TileInput = z
  .object({
    kind: z.enum(TILE_KINDS, { error: 'Select what the tile shows' }),
    itemId: z.uuid({ error: 'Select an item from the list' }).nullish(),
    list: z.enum(LIST_KINDS, { error: 'Select a list' }).nullish(),
    section: optionalText(100, 'Section'),
  })
  .superRefine((t, ctx) => {
    if (t.kind === 'list' && !t.list) {
      ctx.addIssue({ code: 'custom', path: ['list'], message: 'Select a list' })
    }
    if (t.kind !== 'list' && !t.itemId) {
      ctx.addIssue({ code: 'custom', path: ['itemId'], message: `Select a ${t.kind}` })
    }
  })
export type TileInput = z.infer<typeof TileInput>

const title = z
  .string({ error: 'Enter a title' })
  .trim()
  .min(1, { error: 'Enter a title' })
  .max(120, { error: 'Title must be 120 characters or fewer' })

export const DashboardInput = z.object({
  title,
  description: optionalText(500, 'Description'),
  kind: z.enum(['personal', 'corporate']).default('personal'),
  sharedUnitId: z.uuid({ error: 'Select a unit from the list' }).nullish(),
  tiles: z
    .array(TileInput)
    .max(MAX_TILES, { error: `A dashboard holds ${MAX_TILES} tiles at most` })
    .default([]),
})
export type DashboardInput = z.infer<typeof DashboardInput>

export const DashboardChanges = z.object({
  version: versionField('Send the version you changed'),
  title: title.optional(),
  description: optionalText(500, 'Description'),
  sharedUnitId: z.uuid({ error: 'Select a unit from the list' }).nullish(),
  tiles: z
    .array(TileInput)
    .max(MAX_TILES, { error: `A dashboard holds ${MAX_TILES} tiles at most` })
    .optional(),
})
export type DashboardChanges = z.infer<typeof DashboardChanges>

/** Settings form of a personal dashboard: title and the unit it is shared with. */
export const SettingsInput = z.object({
  title,
  sharedUnitId: z
    .string()
    .transform((s) => (s === '' ? null : s))
    .pipe(z.uuid({ error: 'Select a unit from the list' }).nullable())
    .nullish(),
})

export const MoveInput = z.object({ move: z.enum(['up', 'down'], { error: 'Choose up or down' }) })

/** Rows of the exception table a page shows (and the most the API gives at once). */
export const EXCEPTION_PAGE_SIZE = 100

export const ExceptionFilters = z.object({
  unitId: z.uuid({ error: 'Select a unit from the list' }).optional(),
  nodeId: z.uuid({ error: 'Select a theme from the list' }).optional(),
  holderId: z.uuid({ error: 'Select a portfolio holder from the list' }).optional(),
  asAt: z.string().trim().max(40).optional(),
  page: z.coerce
    .number({ error: 'Enter a page number' })
    .int({ error: 'Enter a whole page number' })
    .min(1, { error: 'Enter a page number of 1 or more' })
    .max(100000)
    .optional(),
  pageSize: z.coerce
    .number({ error: 'Enter a page size' })
    .int({ error: 'Enter a whole page size' })
    .min(1, { error: 'Enter a page size of 1 or more' })
    .max(EXCEPTION_PAGE_SIZE, { error: `Enter a page size of ${EXCEPTION_PAGE_SIZE} or fewer` })
    .optional(),
})
export type ExceptionFilters = z.infer<typeof ExceptionFilters>
