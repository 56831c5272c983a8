import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { normaliseName, quantile } from '../../core/benchmark.ts'
import { compare } from './benchmark-compare.ts'
import { LGBF_FILES, readLgbf, type LgbfFile, type SourceData } from './benchmark-readers.ts'

// The LGBF files, read in place and never copied into the project (../shared/data/README.md).
const DIR = fileURLToPath(new URL('../../../../shared/data/lgbf_scotland/', import.meta.url))
const skip = existsSync(`${DIR}${LGBF_FILES.values}`)
  ? false
  : `LGBF files not found at ${DIR}: put the shared data beside the project to run this`

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
    assert.equal(corp09?.unit, 'percent')
    assert.equal(data.indicators.find((i) => i.code === 'ENV 01a')?.polarity, 'lower_is_better')
    const goldilocks = data.indicators.find((i) => i.code === 'CORP 11')
    assert.equal(goldilocks?.polarity, 'within_band')
    assert.equal(goldilocks?.midpoint, 100)
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
