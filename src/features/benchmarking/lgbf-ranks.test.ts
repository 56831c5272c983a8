import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { normaliseName, quantile } from '../../core/benchmark.ts'
import type { Principal } from '../../core/principal.ts'
import { compare } from './benchmark-compare.ts'
import { LGBF_FILES, readLgbf, type LgbfFile, type SourceData } from './benchmark-readers.ts'

// The LGBF files, read in place and never copied into the project (../shared/data/README.md).
const DIR = fileURLToPath(new URL('../../../../shared/data/lgbf_scotland/', import.meta.url))
const skip = existsSync(`${DIR}${LGBF_FILES.values}`)
  ? false
  : `LGBF files not found at ${DIR}: put the shared data beside the project to run this`

type Row = { rank: number | null; valueFrom: string | null; period: { start: string } }

function load(): SourceData {
  const files: Partial<Record<LgbfFile, string>> = {}
  for (const [key, name] of Object.entries(LGBF_FILES)) {
    files[key as LgbfFile] = readFileSync(`${DIR}${name}`, 'utf8')
  }
  return readLgbf(files)
}

describe('LGBF ranks worked out from the quarterly figures', { skip }, () => {
  const data: SourceData | null = skip ? null : load()

  it('reads every quarterly figure with its polarity from Ranking_Type', () => {
    assert.ok(data)
    assert.equal(data.figures.length, 1339)
    const corp09 = data.indicators.find((i) => i.code === 'CORP 09')
    assert.equal(corp09?.polarity, 'higher_is_better')
    assert.equal(corp09.unit, 'percent')
    assert.equal(data.indicators.find((i) => i.code === 'ENV 01a')?.polarity, 'lower_is_better')
    const goldilocks = data.indicators.find((i) => i.code === 'CORP 11')
    assert.equal(goldilocks?.polarity, 'within_band')
    assert.equal(goldilocks.midpoint, 100)
    assert.equal(data.families.length, 8)
  })

  it('equal the Scottish and family ranks LGBF publishes, for every council, indicator and quarter', () => {
    assert.ok(data)
    let checked = 0
    for (const indicator of data.indicators) {
      const figures: SourceData['figures'] = data.figures.filter((f) => f.code === indicator.code)
      if (figures.length === 0) continue
      assert.notEqual(indicator.polarity, 'none')
      if (indicator.polarity === 'none') continue
      const entities = [...new Set(figures.map((f) => f.entity))]
      const peers = figures.map((f) => ({ entity: f.entity, start: f.start, value: f.value }))
      for (const council of entities) {
        const own = figures
          .filter((f) => f.entity === council)
          .map((f) => ({ start: f.start, value: f.value, from: 'source' as const }))
        const scottish = compare(council, own, peers, indicator.polarity, indicator.midpoint)
        // The family group this council is in for this indicator's grouping type.
        const family: SourceData['families'][number] | undefined = data.families.find(
          (f) => f.type === indicator.familyType && f.members.includes(council),
        )
        assert.ok(family, `${council} has a family group for ${indicator.code}`)
        const members = new Set(family.members.map(normaliseName))
        const familyPeers = peers.filter((p) => members.has(normaliseName(p.entity)))
        const inFamily = compare(council, own, familyPeers, indicator.polarity, indicator.midpoint)
        for (const f of figures.filter((x) => x.entity === council)) {
          const s = scottish.find((p) => p.start === f.start)
          const fam = inFamily.find((p) => p.start === f.start)
          const where = `${council}, ${indicator.code}, ${f.start}`
          assert.equal(s?.rank, f.publishedRank, `Scottish rank of ${where}`)
          assert.equal(fam?.rank, f.publishedFamilyRank, `family rank of ${where}`)
          assert.equal(f.familyGroup, family.name, `family group of ${where}`)
          checked++
        }
      }
    }
    assert.equal(checked, 1339)
  })

  it('give the Scottish medians LGBF publishes', () => {
    assert.ok(data)
    let checked = 0
    for (const average of data.averages.filter((a) => a.frequency === 'quarterly')) {
      const values: number[] = data.figures
        .filter((f) => f.code === average.code && f.start === average.start)
        .map((f) => f.value)
      if (values.length === 0 || average.median === null) continue
      assert.ok(Math.abs((quantile(values, 0.5) ?? NaN) - average.median) < 1e-9)
      checked++
    }
    assert.equal(checked, 42)
  })
})

for (const mode of testModes()) {
  describe(`an LGBF source loaded from its published files (${mode})`, { skip }, () => {
    let ctx: TestContext
    let officer: Principal
    let sourceId: string
    let measureId: string
    const data: SourceData | null = skip ? null : load()

    before(async () => {
      ctx = await createTestContext(mode)
      const org = await ctx.organisation('Falkirk Council')
      officer = await ctx.person(org, { role: 'performance_officer' })
      const b = ctx.services.benchmarking
      sourceId = (
        await b.createSource(officer, {
          name: 'LGBF',
          kind: 'lgbf',
          memberName: 'Falkirk',
          refreshHours: 24,
        })
      ).id
      const files = Object.entries(LGBF_FILES).map(([, name]) => ({
        name,
        content: readFileSync(`${DIR}${name}`, 'utf8'),
      }))
      await b.loadFiles(officer, sourceId, { files })
      measureId = (
        await ctx.services.measures.create(officer, {
          code: 'CG1',
          title: 'Crisis grant decisions within one day',
          unit: 'percent',
          decimals: 0,
          polarity: 'higher_is_better',
          frequency: 'quarterly',
          kind: 'strategic',
          nationalIndicatorRef: 'LGBF CORP 09',
        })
      ).id
    })
    after(() => ctx.close())

    it('ranks the council in its family group and in Scotland as LGBF does', async () => {
      assert.ok(data)
      const b = ctx.services.benchmarking
      const family = await b.compareMeasure(officer, measureId)
      assert.equal(family.group?.kind, 'family')
      assert.equal(family.group.name, 'Family Group 4 of LGBF')
      const published = data.figures.filter((f) => f.code === 'CORP 09' && f.entity === 'Falkirk')
      assert.equal(family.comparison?.series.length, published.length)
      for (const p of published) {
        const row: Row | undefined = family.comparison.series.find(
          (s) => s.period.start === p.start,
        )
        assert.equal(row?.rank, p.publishedFamilyRank, `family rank in ${p.start}`)
        assert.equal(row.valueFrom, 'source')
      }
      const all = await b.compareMeasure(officer, measureId, { group: `all:${sourceId}` })
      for (const p of published) {
        const row: Row | undefined = all.comparison?.series.find((s) => s.period.start === p.start)
        assert.equal(row?.rank, p.publishedRank, `Scottish rank in ${p.start}`)
      }
    })

    it('keeps the copy when a later upload is missing a file or not in the layout', async () => {
      const b = ctx.services.benchmarking
      const before = (await b.getSource(officer, sourceId)).source
      await assert.rejects(
        b.loadFiles(officer, sourceId, {
          files: [{ name: LGBF_FILES.values, content: 'Code,Period\nX,Y\n' }],
        }),
        /is missing: an LGBF source needs all four files/,
      )
      await assert.rejects(
        b.loadFiles(officer, sourceId, {
          files: Object.values(LGBF_FILES).map((name) => ({ name, content: 'a,b\n1,2\n' })),
        }),
        /not in the LGBF layout/,
      )
      const after = (await b.getSource(officer, sourceId)).source
      assert.equal(after.figureCount, before.figureCount)
      assert.equal(after.figureCount, 1339)
    })
  })
}
