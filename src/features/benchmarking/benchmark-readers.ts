// Readers turn a source's published files into one shape: indicators, councils' figures per
// period, family groups and published averages. Nothing is stored until a whole copy reads
// cleanly, so a bad file never half-replaces a good one.
import { parse } from 'csv-parse/sync'
import { z } from 'zod'
import { normaliseReference, type RankingPolarity } from '../../core/benchmark.ts'
import { parsePeriodLabel, parsePeriodStart, PeriodError } from '../../core/periods.ts'
import type { MeasureUnit } from '../../db/schema.ts'

export interface SourceIndicator {
  readonly code: string
  readonly title: string
  /** The national reference a council's measure carries to be matched to it. */
  readonly reference: string | null
  readonly unit: MeasureUnit
  readonly decimals: number
  readonly polarity: RankingPolarity | 'none'
  readonly midpoint: number | null
  /** LGBF's family grouping type the indicator is compared within, or null. */
  readonly familyType: string | null
}

export interface SourceFigure {
  readonly code: string
  readonly entity: string
  readonly frequency: string
  readonly start: string
  readonly value: number
  readonly numerator: number | null
  readonly denominator: number | null
  /** Ranks as the source publishes them, where it does (LGBF). */
  readonly publishedRank: number | null
  readonly publishedFamilyRank: number | null
  /** The family group the source put this council in for this figure. */
  readonly familyGroup: string | null
}

export interface SourceFamily {
  readonly name: string
  readonly type: string
  readonly members: readonly string[]
}

export interface SourceAverage {
  readonly code: string
  readonly frequency: string
  readonly start: string
  readonly mean: number | null
  readonly median: number | null
}

export interface SourceData {
  readonly publisher: string
  readonly indicators: readonly SourceIndicator[]
  readonly figures: readonly SourceFigure[]
  readonly families: readonly SourceFamily[]
  readonly averages: readonly SourceAverage[]
}

/** A copy that cannot be read; the message says what is wrong, fit to show on the page. */
export class SourceError extends Error {
  override readonly name = 'SourceError'
}

// ---------------------------------------------------------------------------------------------
// Golden Thread open data (`/public/{slug}/data.json`, docs/open-data.md)

const GtPeriod = z.object({ frequency: z.string(), start: z.string() })
const GtValue = z.object({
  period: GtPeriod,
  value: z.number().nullable(),
  numerator: z.number().nullable().optional(),
  denominator: z.number().nullable().optional(),
})
const GtMeasure = z.object({
  code: z.string().min(1),
  title: z.string(),
  unit: z.enum(['percent', 'number', 'currency', 'days', 'ratio', 'yes_no']),
  decimals: z.number().int().min(0).max(6),
  polarity: z.enum(['higher_is_better', 'lower_is_better', 'within_band', 'none']),
  nationalIndicatorRef: z.string().nullable().optional(),
  values: z.array(GtValue),
})
const GtData = z.object({
  schemaVersion: z.literal(1),
  organisation: z.object({ name: z.string().min(1) }),
  measures: z.array(GtMeasure),
})

/** Another Golden Thread council's `data.json`: one council, its published measures. */
export function readGoldenThread(text: string): SourceData {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new SourceError('The file is not JSON: expected Golden Thread open data (data.json)')
  }
  const parsed = GtData.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new SourceError(
      `The file is not Golden Thread open data (schema version 1): ` +
        `${issue?.path.join('.') || 'the top level'}: ${issue?.message ?? 'unexpected'}`,
    )
  }
  const data = parsed.data
  const entity = data.organisation.name
  const indicators: SourceIndicator[] = []
  const figures: SourceFigure[] = []
  for (const m of data.measures) {
    indicators.push({
      code: m.code,
      title: m.title,
      reference: m.nationalIndicatorRef ?? null,
      unit: m.unit,
      decimals: m.decimals,
      // A band has no mid-point in open data, so such a measure cannot be ranked.
      polarity: m.polarity === 'within_band' ? 'none' : m.polarity,
      midpoint: null,
      familyType: null,
    })
    for (const v of m.values) {
      if (v.value === null) continue
      let period
      try {
        period = parsePeriodStart(v.period)
      } catch (error) {
        if (error instanceof PeriodError)
          throw new SourceError(`${m.code}: ${v.period.start} is not a period (${error.message})`)
        throw error
      }
      figures.push({
        code: m.code,
        entity,
        frequency: period.frequency,
        start: period.start,
        value: v.value,
        numerator: v.numerator ?? null,
        denominator: v.denominator ?? null,
        publishedRank: null,
        publishedFamilyRank: null,
        familyGroup: null,
      })
    }
  }
  return { publisher: entity, indicators, figures, families: [], averages: [] }
}

// ---------------------------------------------------------------------------------------------
// Local Government Benchmarking Framework (Scotland), in the SC-TPP/LGBF "Data Files" layout

export const LGBF_FILES = {
  indicators: 'Indicator_Information.csv',
  values: 'Indicator_Data_-_Real_-_Quarterly.csv',
  families: 'Family_Groups.csv',
  averages: 'Scottish_Averages.csv',
} as const
export type LgbfFile = keyof typeof LGBF_FILES

export const LGBF_PUBLISHER = 'Local Government Benchmarking Framework (Scotland)'

type Row = Record<string, string>

function csvRows(text: string, file: string, required: readonly string[]): Row[] {
  let rows: Row[]
  try {
    rows = parse(text, { columns: true, bom: true, skip_empty_lines: true, relax_quotes: true })
  } catch (error) {
    throw new SourceError(`${file} is not a readable CSV file: ${(error as Error).message}`)
  }
  const first = rows[0]
  if (!first) throw new SourceError(`${file} has no rows`)
  const missing = required.filter((c) => !(c in first))
  if (missing.length > 0) {
    throw new SourceError(
      `${file} is not in the LGBF layout: it has no ${missing.join(', ')} column` +
        (missing.length > 1 ? 's' : ''),
    )
  }
  return rows
}

const numberOr = (text: string | undefined): number | null => {
  if (text === undefined) return null
  const t = text.trim()
  if (t === '' || /^(nan|none|null|n\/a)$/i.test(t)) return null
  const n = Number(t)
  return Number.isFinite(n) ? n : null
}

const POLARITY: Readonly<Record<string, RankingPolarity>> = {
  ascending: 'lower_is_better',
  descending: 'higher_is_better',
  goldilocks: 'within_band',
}

function unitOf(measureType: string): { unit: MeasureUnit; scale: number } {
  const t = measureType.toLowerCase()
  if (t === 'percentage') return { unit: 'percent', scale: 100 }
  if (t === 'cost') return { unit: 'currency', scale: 1 }
  if (t === 'days') return { unit: 'days', scale: 1 }
  return { unit: 'number', scale: 1 }
}

/** "2018-19;Q1" → 2018/19 Q1; "2018-19" → the year. Monthly and other forms are skipped. */
function lgbfPeriod(text: string) {
  const m = /^(\d{4})-(\d{2})(?:;Q([1-4]))?$/.exec(text.trim())
  if (!m) return null
  const label = `${m[1]}/${m[2]}${m[3] ? ` Q${m[3]}` : ''}`
  try {
    return parsePeriodLabel(label)
  } catch {
    return null
  }
}

const familyNameOf = (key: string) => /Family Group \d+/.exec(key)?.[0] ?? null

/**
 * The LGBF files as the framework publishes them. Percentages are fractions there (0.98) and
 * percents here (98), so their figures, averages and mid-points are scaled; ranks do not change.
 */
export function readLgbf(files: Partial<Record<LgbfFile, string>>): SourceData {
  const text = (f: LgbfFile) => {
    const t = files[f]
    if (t === undefined || t.trim() === '')
      throw new SourceError(`${LGBF_FILES[f]} is missing: an LGBF source needs all four files`)
    return t
  }
  const infoRows = csvRows(text('indicators'), LGBF_FILES.indicators, [
    'Title',
    'Code',
    'Code_Sortable',
    'MeasureType',
    'Ranking_Type',
    'FamilyGrouping',
  ])
  const scales = new Map<string, number>()
  const indicators: SourceIndicator[] = []
  for (const r of infoRows) {
    const code = (r.Code_Sortable ?? '').trim() || (r.Code ?? '').trim()
    if (!code) continue
    const { unit, scale } = unitOf(r.MeasureType ?? '')
    const polarity = POLARITY[(r.Ranking_Type ?? '').trim().toLowerCase()]
    if (!polarity) {
      throw new SourceError(
        `${LGBF_FILES.indicators}: ${code} has Ranking_Type "${r.Ranking_Type ?? ''}"; ` +
          'expected Ascending, Descending or Goldilocks',
      )
    }
    const places = /\.(0+)/.exec(r.NumberFormat_NoText ?? '')?.[1]?.length ?? 0
    const midpoint = numberOr(r.Ranking_GoldilocksMidpoint)
    scales.set(code, scale)
    indicators.push({
      code,
      title: (r.Title ?? code).trim(),
      reference: normaliseReference(code),
      unit,
      decimals: unit === 'percent' ? Math.max(0, places - 2) : places,
      polarity,
      midpoint: midpoint === null ? null : midpoint * scale,
      familyType: (r.FamilyGrouping ?? '').trim() || null,
    })
  }

  const familyRows = csvRows(text('families'), LGBF_FILES.families, [
    'Family_Group',
    'Local_Authority',
    'Type',
  ])
  const familyMap = new Map<string, { name: string; type: string; members: string[] }>()
  for (const r of familyRows) {
    const name = (r.Family_Group ?? '').trim()
    const type = (r.Type ?? '').trim()
    const key = `${type}\u0000${name}`
    const family = familyMap.get(key) ?? { name, type, members: [] }
    family.members.push((r.Local_Authority ?? '').trim())
    familyMap.set(key, family)
  }

  const valueRows = csvRows(text('values'), LGBF_FILES.values, [
    'Code',
    'LocalAuthority',
    'Period',
    'Value',
  ])
  const figures: SourceFigure[] = []
  const seen = new Set<string>()
  for (const [i, r] of valueRows.entries()) {
    const code = (r.Code ?? '').trim()
    const scale = scales.get(code)
    if (scale === undefined) {
      throw new SourceError(
        `${LGBF_FILES.values} row ${i + 2}: indicator ${code} is not in ${LGBF_FILES.indicators}`,
      )
    }
    if (r.DataType && !/^Real/i.test(r.DataType)) continue
    const period = lgbfPeriod(r.Period ?? '')
    const value = numberOr(r.Value)
    if (period === null || value === null) continue
    const entity = (r.LocalAuthority ?? '').trim()
    const key = `${code}\u0000${entity}\u0000${period.start}\u0000${period.frequency}`
    if (seen.has(key)) {
      throw new SourceError(
        `${LGBF_FILES.values} row ${i + 2}: a second figure for ${entity}, ${code}, ${period.label}`,
      )
    }
    seen.add(key)
    figures.push({
      code,
      entity,
      frequency: period.frequency,
      start: period.start,
      value: value * scale,
      numerator: numberOr(r.Numerator),
      denominator: numberOr(r.Denominator),
      publishedRank: numberOr(r.ScotRank),
      publishedFamilyRank: numberOr(r.FamilyRank),
      familyGroup: familyNameOf(r.Key_CodePeriodFamilyGroupDType ?? ''),
    })
  }

  const averageRows = csvRows(text('averages'), LGBF_FILES.averages, [
    'Code',
    'Period',
    'DataType',
    'Value_Scot_Mean',
    'Value_Scot_Median',
  ])
  const averages: SourceAverage[] = []
  for (const r of averageRows) {
    if (!/^Real/i.test(r.DataType ?? '')) continue
    const code = (r.Code ?? '').trim()
    const scale = scales.get(code)
    const period = lgbfPeriod(r.Period ?? '')
    if (scale === undefined || period === null) continue
    const mean = numberOr(r.Value_Scot_Mean)
    const median = numberOr(r.Value_Scot_Median)
    averages.push({
      code,
      frequency: period.frequency,
      start: period.start,
      mean: mean === null ? null : mean * scale,
      median: median === null ? null : median * scale,
    })
  }
  return {
    publisher: LGBF_PUBLISHER,
    indicators,
    figures,
    families: [...familyMap.values()],
    averages,
  }
}
