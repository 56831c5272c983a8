import type { Kysely } from 'kysely'
import { periodsBetween, periodsPerYear, type Frequency, periodAt } from '../../core/periods.ts'
import type { DB, MeasureKind, MeasurePolarity, MeasureUnit } from '../../db/schema.ts'
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts'
import * as repo from './measure-repository.ts'
import { reportingPeriod } from './measure-status.ts'
import * as ledger from './measure-ledger.ts'
import { derive } from './measure-store.ts'
import { ukDate } from '../../core/dates.ts'
import { addDemoSpcSettings, demoStep } from './measure-spc-demo.ts'

type Spec = readonly [
  code: string,
  title: string,
  unit: MeasureUnit,
  decimals: number,
  polarity: MeasurePolarity,
  frequency: Frequency,
  kind: MeasureKind,
  unitCode: string,
  node: string | null,
  target: number | null,
  start: number,
  drift: number,
  noise: number,
  cumulative?: boolean,
]

const SAM = 'dataentry@example-city.gov.uk'
const GARETH = 'approver@example-city.gov.uk'
const PRIYA = 'performance@example-city.gov.uk'

/**
 * Example City's key performance indicators, modelled on the kinds of measure in the seed papers
 * and Hart District Council's published KPIs; the wording is our own.
 */
const SPECS: readonly Spec[] = [
  [
    'WS01',
    'Household waste sent for reuse, recycling and composting',
    'percent',
    1,
    'higher_is_better',
    'quarterly',
    'strategic',
    'WSS',
    'Recycle half of all household waste',
    50,
    44,
    2.2,
    2.5,
  ],
  [
    'WS02',
    'Missed bin collections per 100,000 collections',
    'number',
    0,
    'lower_is_better',
    'monthly',
    'operational',
    'WSS-WC',
    'Collect every bin on the right day',
    40,
    62,
    -6,
    14,
  ],
  [
    'WS03',
    'Fly-tipping incidents cleared within two working days',
    'percent',
    1,
    'higher_is_better',
    'monthly',
    'operational',
    'WSS-SC',
    'Clear litter and fly-tipping quickly',
    90,
    84,
    2.5,
    6,
  ],
  [
    'WS04',
    'Streets assessed as below grade B for litter',
    'percent',
    1,
    'lower_is_better',
    'quarterly',
    'operational',
    'WSS-SC',
    'Cleaner streets and more recycling',
    6,
    8.5,
    -0.8,
    1.8,
  ],
  [
    'WS05',
    'Residual household waste per household (kg)',
    'number',
    0,
    'lower_is_better',
    'quarterly',
    'strategic',
    'WSS',
    'Cleaner streets and more recycling',
    120,
    131,
    -3,
    6,
  ],
  [
    'WS06',
    'Garden waste subscriptions sold (year to date)',
    'number',
    0,
    'higher_is_better',
    'monthly',
    'operational',
    'WSS-WC',
    'Collect every bin on the right day',
    24000,
    2050,
    60,
    500,
    true,
  ],
  [
    'WS07',
    'Food waste collected (tonnes)',
    'number',
    0,
    'higher_is_better',
    'monthly',
    'operational',
    'WSS-WC',
    'Start weekly food waste collections citywide',
    420,
    310,
    45,
    40,
  ],
  [
    'HO01',
    'Households in temporary accommodation',
    'number',
    0,
    'lower_is_better',
    'monthly',
    'strategic',
    'HOU',
    'Fewer households in temporary accommodation',
    180,
    205,
    6,
    10,
  ],
  [
    'HO02',
    'Households where homelessness was prevented',
    'number',
    0,
    'higher_is_better',
    'quarterly',
    'strategic',
    'HOU',
    'Help people at risk of losing their home to keep it',
    600,
    130,
    6,
    30,
    true,
  ],
  [
    'HO03',
    'Average days to decide a homelessness application',
    'days',
    0,
    'lower_is_better',
    'quarterly',
    'operational',
    'HOU',
    'Prevent homelessness earlier',
    33,
    38,
    -2,
    5,
  ],
  [
    'HO04',
    'Affordable homes delivered',
    'number',
    0,
    'higher_is_better',
    'quarterly',
    'strategic',
    'PLN',
    'More affordable homes are built',
    300,
    60,
    6,
    25,
    true,
  ],
  [
    'HO05',
    'Empty homes brought back into use',
    'number',
    0,
    'higher_is_better',
    'half_yearly',
    'operational',
    'HOU',
    'Help me find a home that suits my needs',
    80,
    36,
    3,
    8,
    true,
  ],
  [
    'PL01',
    'Major planning applications decided within 13 weeks',
    'percent',
    1,
    'higher_is_better',
    'quarterly',
    'operational',
    'PLN',
    'Help me start and grow a business',
    70,
    74,
    1,
    9,
  ],
  [
    'PL02',
    'Minor planning applications decided within 8 weeks',
    'percent',
    1,
    'higher_is_better',
    'quarterly',
    'operational',
    'PLN',
    'Help me start and grow a business',
    80,
    77,
    1.5,
    6,
  ],
  [
    'EC01',
    'Working-age residents in employment',
    'percent',
    1,
    'higher_is_better',
    'quarterly',
    'contextual',
    'PLN',
    'More residents in good, secure work',
    null,
    74.5,
    0.3,
    0.8,
  ],
  [
    'EC02',
    'Young people not in education, employment or training',
    'percent',
    1,
    'lower_is_better',
    'quarterly',
    'strategic',
    'EDU',
    'More residents in good, secure work',
    5,
    5.8,
    -0.2,
    0.6,
  ],
  [
    'EC03',
    'City centre footfall against 2019',
    'percent',
    1,
    'higher_is_better',
    'monthly',
    'strategic',
    'PLN',
    'A city centre people want to visit',
    100,
    88,
    3,
    6,
    false,
  ],
  [
    'EC04',
    'Vacant shop units in the city centre',
    'percent',
    1,
    'lower_is_better',
    'quarterly',
    'strategic',
    'PLN',
    'Bring empty city centre shops back into use',
    12,
    15.5,
    -0.9,
    1,
  ],
  [
    'LE01',
    'Visits to leisure centres',
    'number',
    0,
    'higher_is_better',
    'monthly',
    'operational',
    'LEI',
    'Help residents to be more active',
    960000,
    76000,
    1500,
    6000,
    true,
  ],
  [
    'LE02',
    'Library visits',
    'number',
    0,
    'higher_is_better',
    'quarterly',
    'operational',
    'LEI',
    'Give me good things to do, see and visit',
    420000,
    98000,
    1500,
    9000,
    true,
  ],
  [
    'AS01',
    'Older people still at home 91 days after reablement',
    'percent',
    1,
    'higher_is_better',
    'quarterly',
    'strategic',
    'ASC-RE',
    'People live independently for longer',
    85,
    80,
    1.5,
    3,
  ],
  [
    'AS02',
    'Delayed transfers of care from hospital per 100,000 adults',
    'number',
    1,
    'lower_is_better',
    'monthly',
    'strategic',
    'ASC',
    'Get people home from hospital safely and quickly',
    9,
    11.5,
    -0.6,
    1.8,
  ],
  [
    'AS03',
    'Adult social care assessments completed within 28 days',
    'percent',
    1,
    'higher_is_better',
    'monthly',
    'operational',
    'ASC',
    'Help me live well and independently',
    85,
    79,
    2,
    5,
  ],
  [
    'AS04',
    'Safeguarding enquiries where the risk was reduced or removed',
    'percent',
    1,
    'higher_is_better',
    'quarterly',
    'operational',
    'ASC-SG',
    'Help me live well and independently',
    90,
    91,
    0,
    3,
  ],
  [
    'PH01',
    'Adults who are physically active',
    'percent',
    1,
    'higher_is_better',
    'annual',
    'strategic',
    'PH',
    'Healthier lives and smaller health gaps between areas',
    67,
    63.5,
    1,
    1.2,
  ],
  [
    'PH02',
    'Smoking quitters at four weeks',
    'number',
    0,
    'higher_is_better',
    'quarterly',
    'operational',
    'PH',
    'Healthier lives and smaller health gaps between areas',
    900,
    200,
    4,
    30,
    true,
  ],
  [
    'CS01',
    'Children’s social care assessments within 45 working days',
    'percent',
    1,
    'higher_is_better',
    'monthly',
    'strategic',
    'CSC',
    'Keep children safe in stable, loving homes',
    90,
    86,
    1.2,
    4,
  ],
  [
    'CS02',
    'Children in care with three or more placements in the year',
    'percent',
    1,
    'lower_is_better',
    'quarterly',
    'strategic',
    'CSC',
    'Keep children safe in stable, loving homes',
    10,
    11,
    -0.2,
    1.4,
  ],
  [
    'ED01',
    'Pupils in schools judged good or outstanding',
    'percent',
    1,
    'higher_is_better',
    'annual',
    'strategic',
    'EDU',
    'A good school place for every child',
    88,
    84,
    1.5,
    1.5,
  ],
  [
    'SA01',
    'Anti-social behaviour incidents reported to the police',
    'number',
    0,
    'lower_is_better',
    'monthly',
    'strategic',
    'CSP',
    'People feel safe where they live',
    450,
    520,
    -15,
    45,
  ],
  [
    'SA02',
    'Residents who feel safe outside after dark',
    'percent',
    0,
    'higher_is_better',
    'annual',
    'strategic',
    'CSP',
    'People feel safe where they live',
    70,
    64,
    2,
    2,
  ],
  [
    'CC01',
    'Calls to the contact centre answered within 20 seconds',
    'percent',
    1,
    'higher_is_better',
    'monthly',
    'operational',
    'RBC-CC',
    'Customers get what they need first time',
    80,
    76,
    1.5,
    5,
  ],
  [
    'CC02',
    'Customer enquiries resolved at first contact',
    'percent',
    1,
    'higher_is_better',
    'quarterly',
    'strategic',
    'RBC-CC',
    'Customers get what they need first time',
    75,
    71,
    1.5,
    3,
  ],
  [
    'CC03',
    'Transactions completed online',
    'percent',
    1,
    'higher_is_better',
    'quarterly',
    'strategic',
    'ICT',
    'Move the most common requests online',
    60,
    48,
    4,
    2.5,
  ],
  [
    'BE01',
    'Average days to process new Housing Benefit claims',
    'days',
    1,
    'lower_is_better',
    'monthly',
    'operational',
    'RBC-BEN',
    'Help me find a home that suits my needs',
    20,
    23,
    -1,
    3,
  ],
  [
    'FI01',
    'Council tax collected (year to date)',
    'percent',
    1,
    'higher_is_better',
    'monthly',
    'strategic',
    'FIN',
    'A balanced budget and sound finances',
    97,
    8.1,
    0,
    0.25,
    true,
  ],
  [
    'FI02',
    'Undisputed invoices paid within 30 days',
    'percent',
    1,
    'higher_is_better',
    'monthly',
    'operational',
    'FIN',
    'A balanced budget and sound finances',
    97,
    96.5,
    0.2,
    1.2,
  ],
  [
    'FI03',
    'Savings delivered against the plan (£000s, year to date)',
    'currency',
    0,
    'higher_is_better',
    'quarterly',
    'strategic',
    'FIN',
    'Deliver £4.2m of savings while protecting front-line services',
    4200,
    900,
    40,
    150,
    true,
  ],
  [
    'HR01',
    'Working days lost to sickness per employee',
    'days',
    2,
    'lower_is_better',
    'quarterly',
    'strategic',
    'HR',
    'Enable colleagues to serve residents well',
    2.1,
    2.5,
    -0.1,
    0.3,
  ],
  [
    'HR02',
    'Employees with an appraisal in the last year',
    'percent',
    1,
    'higher_is_better',
    'quarterly',
    'operational',
    'HR',
    'Every employee has a yearly appraisal and learning plan',
    95,
    82,
    4,
    4,
  ],
  [
    'HR03',
    'Staff turnover',
    'percent',
    1,
    'within_band',
    'quarterly',
    'operational',
    'HR',
    'Develop our staff and councillors',
    10,
    11,
    -0.3,
    2,
  ],
  [
    'PP01',
    'Performance returns made on time',
    'percent',
    1,
    'higher_is_better',
    'quarterly',
    'operational',
    'PP',
    'Quarterly reports reach Cabinet within six weeks of quarter end',
    95,
    88,
    3,
    4,
  ],
  [
    'PP02',
    'Population of Example City (thousands)',
    'number',
    1,
    'none',
    'annual',
    'contextual',
    'PP',
    'A thriving economy',
    null,
    201.3,
    1.1,
    0.2,
  ],
]

const COMMENTARY = {
  red: [
    'Below target because of staff vacancies; two posts are being recruited to and agency cover starts next month.',
    'Demand rose sharply this period. A recovery plan has been agreed with the portfolio holder and progress is reviewed weekly.',
    'A system outage during the period delayed processing. The backlog is being cleared with overtime.',
    'Performance dipped after the contractor changed routes; an improvement plan is in place and monitored monthly.',
  ],
  amber: [
    'Slightly below target. Seasonal pressure is expected to ease next period.',
    'Close to target; the team is reviewing cases over the threshold each week.',
    'Just outside target because of sickness in the team; cover is now in place.',
  ],
  green: [
    'On track.',
    'Performance remains strong following the process changes made last year.',
    '',
    '',
  ],
} as const

/** A small, fast deterministic generator, so the demo is the same every time it is built. */
function mulberry32(seed: number) {
  let a = seed
  return () => {
    a |= 0
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function round(value: number, decimals: number) {
  const f = 10 ** decimals
  return Math.round(value * f) / f
}

/** Adds the demo measures with three years of history; called inside the demo's transaction. */
export async function buildDemoMeasures(
  trx: Kysely<DB>,
  organisationId: string,
  refs: {
    readonly units: ReadonlyMap<string, string>
    readonly people: ReadonlyMap<string, string>
  },
  clock: () => Date,
): Promise<{ measures: number; values: number }> {
  const random = mulberry32(20240401)
  const today = ukDate(clock())
  const now = clock()
  const sam = refs.people.get(SAM) ?? null
  const gareth = refs.people.get(GARETH) ?? null
  const priya = refs.people.get(PRIYA) ?? null
  const nodes = new Map(
    (
      await trx
        .selectFrom('plan_nodes')
        .select(['id', 'title'])
        .where('organisation_id', '=', organisationId)
        .execute()
    ).map((n) => [n.title, n.id]),
  )
  const ecp = new Set(['WSS', 'WSS-WC', 'WSS-SC', 'HOU', 'PLN', 'LEI'])
  let valueCount = 0
  let samMissing = 0
  let samSubmitted = 0

  const inserted = await trx
    .insertInto('measures')
    .values(
      SPECS.map(
        ([
          code,
          title,
          unit,
          decimals,
          polarity,
          frequency,
          kind,
          unitCode,
          ,
          target,
          ,
          ,
          ,
          cumulative,
        ]) => ({
          organisation_id: organisationId,
          code,
          title,
          definition: `${title}, as reported to the ${unitCode === 'CSP' ? 'Community Safety Partnership' : 'council'} each ${frequency === 'monthly' ? 'month' : frequency === 'quarterly' ? 'quarter' : frequency === 'half_yearly' ? 'half-year' : 'year'}.`,
          rationale:
            kind === 'contextual'
              ? 'Context for the council’s priorities; no target is set.'
              : 'Shows progress on a priority of the City Plan.',
          unit,
          decimals,
          polarity,
          frequency,
          kind,
          cumulative: cumulative ?? false,
          numerator_label: code === 'CC01' ? 'Calls answered within 20 seconds' : null,
          denominator_label: code === 'CC01' ? 'Calls offered' : null,
          formula: null,
          baseline_value: null,
          baseline_period: null,
          data_source:
            unitCode === 'CSP' ? 'Police recorded incidents' : 'Service management information',
          collection_method:
            'Extracted from the service’s case management system by the data-entry officer',
          owner_id: priya,
          data_entry_id: ecp.has(unitCode) ? sam : null,
          approver_id: ecp.has(unitCode) ? gareth : null,
          unit_id: refs.units.get(unitCode) ?? null,
          public: kind === 'strategic',
          national_ref: code === 'WS01' ? 'NI 192' : code === 'FI02' ? 'BV 8' : null,
          quality: JSON.stringify({
            relevant: { assessment: 'met', notes: null },
            wellDefined: { assessment: 'met', notes: null },
            timely: { assessment: random() < 0.3 ? 'partly_met' : 'met', notes: null },
            reliable: { assessment: 'met', notes: null },
            verifiable: { assessment: random() < 0.2 ? 'partly_met' : 'met', notes: null },
            accurate: { assessment: 'met', notes: null },
          }),
          due_working_days: frequency === 'annual' ? 40 : frequency === 'monthly' ? 10 : 15,
          status: 'active' as const,
          tolerance_type:
            target === null
              ? null
              : polarity === 'within_band'
                ? ('absolute' as const)
                : ('percent' as const),
          tolerance_value: target === null ? null : polarity === 'within_band' ? 1 : 5,
          forecast_method: code === 'HO01' ? ('last_value' as const) : ('average' as const),
          allow_out_of_range: code === 'EC03',
        }),
      ),
    )
    .returningAll()
    .execute()

  const links = []
  const targets = []
  const values: repo.NewValue[] = []
  for (const [i, spec] of SPECS.entries()) {
    const [
      code,
      ,
      unit,
      decimals,
      polarity,
      frequency,
      kind,
      unitCode,
      node,
      target,
      start,
      drift,
      noise,
      cumulative,
    ] = spec
    const row = inserted.find((m) => m.code === code)
    if (!row) continue
    const nodeId = node ? nodes.get(node) : undefined
    if (nodeId)
      links.push({
        organisation_id: organisationId,
        node_id: nodeId,
        item_kind: 'measure',
        item_id: row.id,
      })
    const last = reportingPeriod(frequency, today)
    const first = periodAt(frequency, last.financialYear - 3, 1)
    const periods = periodsBetween(first, last)
    const perYear = periodsPerYear(frequency)
    const measureTargets = []
    if (target !== null && kind !== 'contextual') {
      for (let fy = first.financialYear; fy <= last.financialYear + 1; fy++) {
        const band = polarity === 'within_band'
        measureTargets.push({
          organisation_id: organisationId,
          measure_id: row.id,
          frequency: 'annual' as const,
          period_start: `${fy}-04-01`,
          value: target,
          lower: band ? target - 2 : null,
          upper: band ? target + 2 : null,
        })
      }
    }
    targets.push(...measureTargets)
    const isSams = ecp.has(unitCode) && sam !== null
    const drafted = periods.map((period, t) => {
      const years = t / perYear
      let value = start + drift * years + noise * (random() * 2 - 1)
      if (cumulative && unit === 'percent') value = start + noise * (random() * 2 - 1) // monthly share of the year
      value += demoStep(code, period, last)
      if (unit === 'percent' && !row.allow_out_of_range) value = Math.min(100, Math.max(0, value))
      if (unit !== 'percent' || row.allow_out_of_range) value = Math.max(0, value)
      return { period, value: round(value, decimals) }
    })
    // The newest periods: some waiting for the officer, some for the approver, some overdue.
    const lastIndex = drafted.length - 1
    let skipLast = false
    let submitLast = false
    if (isSams) {
      if (samMissing < 3 && i % 2 === 0) {
        skipLast = true
        samMissing++
      } else if (samSubmitted < 4) {
        submitLast = true
        samSubmitted++
      }
    } else if (i % 7 === 3) skipLast = true
    else if (i % 5 === 0) submitLast = true
    const kept = skipLast ? drafted.slice(0, lastIndex) : drafted
    const entries = kept.map((d) => ({
      start: d.period.start,
      value: d.value,
      status: 'approved' as const,
    }))
    const derived = derive(
      row,
      measureTargets.map((t) => ({ ...t, id: '', created_at: now })),
      entries,
    )
    for (const [k, d] of kept.entries()) {
      const judged = derived.get(d.period.start)
      const rag = judged?.rag ?? null
      const pool = COMMENTARY[rag === 'red' ? 'red' : rag === 'amber' ? 'amber' : 'green']
      const commentary = pool[Math.floor(random() * pool.length)] ?? ''
      const isLast = k === lastIndex
      const submitted = isLast && submitLast
      const numerator = code === 'CC01' ? Math.round(d.value * 120) : null
      values.push({
        measure_id: row.id,
        period_start: d.period.start,
        value: code === 'CC01' && numerator !== null ? (numerator / 12000) * 100 : d.value,
        numerator,
        denominator: code === 'CC01' ? 12000 : null,
        commentary: commentary === '' && rag !== 'red' ? null : commentary,
        status: submitted ? 'submitted' : 'approved',
        target: judged?.target ?? null,
        rag,
        year_to_date: judged?.yearToDate ?? null,
        entered_by: isSams ? sam : priya,
        submitted_by: isSams ? sam : priya,
        submitted_at: now,
        approved_by: submitted ? null : isSams ? gareth : priya,
        approved_at: submitted ? null : now,
      })
    }
    valueCount += kept.length
  }
  if (links.length > 0) await trx.insertInto('node_links').values(links).execute()
  // Through the ledger, like every other writer of values: it derives and settles them.
  await ledger.loadInBulk(
    trx,
    organisationId,
    inserted,
    targets.map(({ organisation_id: _, ...t }) => t),
    values,
    now,
  )
  await addDemoSpcSettings(trx, organisationId, priya, clock)
  await ledger.settleAll(trx, organisationId, now)
  await recordAudit(
    trx,
    {
      organisationId,
      actor: SYSTEM_ACTOR,
      action: 'measures_demo_built',
      itemType: 'organisation',
      itemId: organisationId,
      summary: `Demo measures added: ${inserted.length} measures with ${valueCount} values and ${targets.length} targets`,
    },
    clock,
  )
  return { measures: inserted.length, values: valueCount }
}
