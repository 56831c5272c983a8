import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  normaliseName,
  normaliseReference,
  ordinal,
  quantile,
  quartileOf,
  rankEntries,
  rankMovement,
  summariseGroup,
} from './benchmark.ts'

const ranks = (values: number[], polarity: Parameters<typeof rankEntries>[1], mid?: number) =>
  rankEntries(
    values.map((value, key) => ({ key, value })),
    polarity,
    mid ?? null,
  ).map((r) => r.rank)

describe('benchmark ranks', () => {
  it('gives tied figures the best rank of their tie and skips the next ("1, 1, 3")', () => {
    assert.deepEqual(ranks([98, 100, 100, 97], 'higher_is_better'), [3, 1, 1, 4])
    assert.deepEqual(ranks([2, 1, 1, 3], 'lower_is_better'), [3, 1, 1, 4])
  })

  it('ranks a band by distance from its mid-point', () => {
    assert.deepEqual(ranks([90, 105, 100, 80], 'within_band', 100), [3, 2, 1, 4])
  })

  it('gives percentiles as rank over councils ranked, and LGBF quartile bands', () => {
    const ranked = rankEntries(
      [1, 2, 3, 4, 5, 6, 7, 8].map((value, key) => ({ key, value })),
      'higher_is_better',
    )
    assert.deepEqual(
      ranked.map((r) => r.percentile),
      [1, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125],
    )
    assert.deepEqual(
      ranked.map((r) => r.quartile),
      [4, 4, 3, 3, 2, 2, 1, 1],
    )
    assert.deepEqual([0.25, 0.26, 0.5, 0.75, 0.76].map(quartileOf), [1, 2, 2, 3, 4])
  })

  it('ranks every council from 1 to n, 1 the best figure, whatever the figures', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1 }), (values) => {
        const r = ranks(values, 'higher_is_better')
        const best = Math.max(...values)
        values.forEach((v, i) => {
          assert.equal(r[i], 1 + values.filter((w) => w > v).length)
          if (v === best) assert.equal(r[i], 1)
        })
      }),
    )
  })

  it('interpolates medians and quartiles as QUARTILE.INC does', () => {
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5)
    assert.equal(quantile([1, 2, 3, 4], 0.25), 1.75)
    assert.equal(quantile([7], 0.75), 7)
    assert.equal(quantile([], 0.5), null)
    const s = summariseGroup([3, 1, 2], 'lower_is_better')
    assert.deepEqual([s.median, s.best, s.worst, s.count], [2, 1, 3, 3])
  })

  it('says how many places a rank moved, up positive', () => {
    assert.equal(rankMovement(5, 2), 3)
    assert.equal(rankMovement(2, 5), -3)
    assert.equal(rankMovement(null, 2), null)
  })

  it('compares references and names as people write them', () => {
    assert.equal(normaliseReference('LGBF CORP 09'), normaliseReference('CORP09'))
    assert.equal(normaliseReference('NI 192'), 'NI192')
    assert.equal(normaliseReference('  '), null)
    assert.equal(normaliseName('Perth & Kinross'), normaliseName('Perth and Kinross Council'))
    assert.equal(normaliseName('Example City Council'), normaliseName('Example City'))
    assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 103].map(ordinal), [
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '103rd',
    ])
  })
})
