import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { z } from 'zod'
import { xmr, type SpecialCauseRule } from './spc.ts'

// The suite lives beside the project (not in it) under its own licence; see docs/spc.md.
const suiteUrl = new URL(
  '../../../shared/spc/expected_xmr_NHSRplotthedots_0.2.2.json',
  import.meta.url,
)
const present = existsSync(suiteUrl)

const pointType = z.enum([
  'common_cause',
  'special_cause_improvement',
  'special_cause_concern',
  'special_cause_neutral_high',
  'special_cause_neutral_low',
])
const limit = z.number().nullable()
const Series = z.object({
  id: z.string(),
  options: z.object({
    improvement_direction: z.enum(['increase', 'decrease', 'neutral']),
    target: z.number().nullable(),
    screen_outliers: z.literal(false),
    shift_points: z.number().int(),
    trend_points: z.number().int(),
    // Options the core does not take: fail loudly if the suite ever changes them.
    sigma_limits: z.literal(3),
    two_of_three: z.literal('2 of 3 beyond 2 sigma, same side'),
  }),
  input: z.object({ dates: z.array(z.string()), values: z.array(z.number()) }),
  expected: z.object({
    mean: z.number(),
    lpl: z.number(),
    upl: z.number(),
    mr_bar: z.number(),
    special_cause_type: z.array(z.string()),
    point_type: z.array(pointType),
    outside_limits: z.array(z.boolean()),
    variation_type: pointType,
    assurance_type: z.enum(['consistent_pass', 'consistent_fail', 'inconsistent']).nullable(),
    n: z.number().int(),
  }),
  alt_screen_outliers: z.object({
    screen_outliers: z.literal(true),
    mean: z.number(),
    lpl: limit,
    upl: limit,
    point_type: z.array(pointType),
  }),
})
type Series = z.infer<typeof Series>

const series: Series[] = present
  ? z.array(Series).parse(JSON.parse(readFileSync(suiteUrl, 'utf8')))
  : []

// Deliberate differences, series by series (docs/spc.md). None for the main expectations.
const screenedLimitsWhereTheSuiteHasNone: Record<string, number> = {
  // Every moving range is 0 and R keeps those under 3.267 × 0 (none): its limits are NA.
  // Ours fall back to the unscreened mean moving range, 0, so the limits are the mean.
  edge_constant_series: 5,
}

// NHSRplotthedots names the special cause; each name maps to one of our rules.
function ruleOf(specialCauseType: string): SpecialCauseRule | null {
  if (specialCauseType === 'Common Cause') return null
  if (/^(Above UCL|Below LCL)$/.test(specialCauseType)) return 'outside_limits'
  if (/^7 Point Trend \((In|De)creasing\)$/.test(specialCauseType)) return 'trend'
  if (/^2 in 3 (Above|Below) CL$/.test(specialCauseType)) return 'two_of_three'
  if (/^7 Points (Above|Below) CL$/.test(specialCauseType)) return 'shift'
  throw new Error(`unknown special cause type ${specialCauseType}`)
}

function assertRelative(actual: number | null, expected: number, what: string): void {
  assert.ok(actual !== null, `${what}: expected ${expected}, got null`)
  const tolerance = 1e-9 * Math.max(Math.abs(actual), Math.abs(expected))
  assert.ok(
    actual === expected || Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} is not within 1e-9 of ${expected}`,
  )
}

function optionsOf(s: Series) {
  return {
    improvement: s.options.improvement_direction,
    target: s.options.target,
    shiftPoints: s.options.shift_points,
    trendPoints: s.options.trend_points,
  }
}

describe(
  'XmR conformance with NHSRplotthedots 0.2.2',
  { skip: present ? false : 'the SPC conformance suite in ../shared/spc is not present' },
  () => {
    it('holds all 17 series', () => {
      assert.equal(series.length, 17)
      assert.equal(new Set(series.map((s) => s.id)).size, 17)
    })

    for (const s of series) {
      it(`matches ${s.id}`, () => {
        const { values } = s.input
        const { expected } = s
        assert.equal(values.length, expected.n)
        const result = xmr(values, optionsOf(s))

        assertRelative(result.mean, expected.mean, 'mean')
        assertRelative(result.lowerLimit, expected.lpl, 'lower limit')
        assertRelative(result.upperLimit, expected.upl, 'upper limit')
        assertRelative(result.segments[0]?.movingRangeMean ?? null, expected.mr_bar, 'mR-bar')
        assert.equal(result.segments.length, 1)
        for (const p of result.points) {
          assert.ok(p.mean === result.mean && p.upperLimit === result.upperLimit)
        }
        assert.deepEqual(
          result.points.map((p) => p.pointType),
          expected.point_type,
        )
        assert.deepEqual(
          result.points.map((p) => p.rule),
          expected.special_cause_type.map(ruleOf),
        )
        assert.deepEqual(
          result.points.map((p) => p.rule === 'outside_limits'),
          expected.outside_limits,
        )
        assert.equal(result.variation, expected.variation_type)
        assert.equal(result.assurance, expected.assurance_type)
      })
    }

    for (const s of series) {
      it(`matches ${s.id} with moving-range outliers screened`, () => {
        const alt = s.alt_screen_outliers
        const result = xmr(s.input.values, { ...optionsOf(s), screenOutliers: true })
        assertRelative(result.mean, alt.mean, 'mean')
        const ours = screenedLimitsWhereTheSuiteHasNone[s.id]
        if (ours === undefined) {
          assertRelative(result.lowerLimit, alt.lpl ?? Number.NaN, 'lower limit')
          assertRelative(result.upperLimit, alt.upl ?? Number.NaN, 'upper limit')
        } else {
          assert.equal(alt.lpl, null)
          assert.equal(alt.upl, null)
          assert.equal(result.lowerLimit, ours)
          assert.equal(result.upperLimit, ours)
        }
        assert.deepEqual(
          result.points.map((p) => p.pointType),
          alt.point_type,
        )
      })
    }
  },
)
