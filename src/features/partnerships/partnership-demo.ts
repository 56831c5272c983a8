import type { Kysely } from 'kysely'
import { periodsBetween, shiftPeriod, type Period } from '../../core/periods.ts'
import type { DB, Role } from '../../db/schema.ts'
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts'
import {
  measureRepository as measureRepo,
  reportingPeriod,
  measureLedger as ledger,
  derive,
} from '../measures/index.ts'
import { ukDate } from '../../core/dates.ts'
import { organisationRepository as orgRepo, createOrganisation } from '../organisation/index.ts'
import * as repo from './partnership-repository.ts'

export const DEMO_TRUST_SLUG = 'example-nhs'
export const DEMO_TRUST_NAME = 'Example City NHS Foundation Trust'
export const DEMO_PARTNERSHIP_NAME = 'Health and Care Partnership'

interface TrustPerson {
  readonly name: string
  readonly email: string
  readonly jobTitle: string
  readonly unit: string
  readonly role: Role
  readonly roleUnit?: string
}

/** The trust's own people: they sign in to the trust, not to the council. */
export const DEMO_TRUST_PEOPLE: readonly TrustPerson[] = [
  {
    name: 'Aisha Rahman',
    email: 'performance@example-nhs.nhs.uk',
    jobTitle: 'Head of Performance and Information',
    unit: 'PI',
    role: 'performance_officer',
  },
  {
    name: 'Ben Carter',
    email: 'officer@example-nhs.nhs.uk',
    jobTitle: 'Discharge Data Officer',
    unit: 'IDT',
    role: 'data_entry',
    roleUnit: 'UEC',
  },
  {
    name: 'Dr Fiona Walsh',
    email: 'approver@example-nhs.nhs.uk',
    jobTitle: 'Clinical Director, Urgent and Emergency Care',
    unit: 'UEC',
    role: 'approver',
    roleUnit: 'UEC',
  },
  {
    name: 'Mark Ellis',
    email: 'director@example-nhs.nhs.uk',
    jobTitle: 'Director of Operations',
    unit: 'OPS',
    role: 'viewer',
  },
]

const UNITS = [
  { code: 'OPS', name: 'Operations', kind: 'directorate' as const, parent: null },
  { code: 'UEC', name: 'Urgent and Emergency Care', kind: 'service' as const, parent: 'OPS' },
  { code: 'IDT', name: 'Integrated Discharge Team', kind: 'team' as const, parent: 'UEC' },
  { code: 'PI', name: 'Performance and Information', kind: 'service' as const, parent: 'OPS' },
]

type Spec = readonly [
  code: string,
  title: string,
  unit: 'number' | 'percent',
  polarity: 'higher_is_better' | 'lower_is_better',
  target: number,
  start: number,
  drift: number,
  noise: number,
]

/** Two years of monthly history, improving slowly with some noise. */
const MEASURES: readonly Spec[] = [
  [
    'NHS-DT01',
    'Delayed transfers of care: beds occupied each day by patients fit to leave',
    'number',
    'lower_is_better',
    18,
    31,
    -4.5,
    2.5,
  ],
  [
    'NHS-HD01',
    'Patients discharged from hospital to reablement',
    'number',
    'higher_is_better',
    120,
    96,
    9,
    7,
  ],
  ['NHS-HD02', 'Patients discharged before midday', 'percent', 'higher_is_better', 33, 22, 3, 2.5],
]

/** A fixed pseudo-random sequence, so every demo build has the same figures. */
function seeded(seed: number) {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
}

async function insertTrustMeasures(
  trx: Kysely<DB>,
  organisationId: string,
  units: ReadonlyMap<string, string>,
  people: ReadonlyMap<string, string>,
  clock: () => Date,
) {
  const random = seeded(20250401)
  const today = ukDate(clock())
  const now = clock()
  const officer = people.get('officer@example-nhs.nhs.uk') ?? null
  const approver = people.get('approver@example-nhs.nhs.uk') ?? null
  const manager = people.get('performance@example-nhs.nhs.uk') ?? null
  const ids = new Map<string, string>()
  let count = 0
  for (const [
    index,
    [code, title, unit, polarity, target, start, drift, noise],
  ] of MEASURES.entries()) {
    const row = await trx
      .insertInto('measures')
      .values({
        organisation_id: organisationId,
        code,
        title,
        definition: `${title}, from the trust’s patient administration system each month.`,
        rationale: 'A shared measure of the Health and Care Partnership.',
        unit,
        decimals: unit === 'percent' ? 1 : 0,
        polarity,
        frequency: 'monthly',
        kind: 'strategic',
        cumulative: false,
        numerator_label: null,
        denominator_label: null,
        formula: null,
        baseline_value: null,
        baseline_period: null,
        data_source: 'Trust patient administration system',
        collection_method: 'Monthly extract by the discharge data officer',
        owner_id: manager,
        data_entry_id: officer,
        approver_id: approver,
        unit_id: units.get('IDT') ?? null,
        public: code !== 'NHS-HD02',
        national_ref: null,
        quality: JSON.stringify(
          Object.fromEntries(
            ['relevant', 'wellDefined', 'timely', 'reliable', 'verifiable', 'accurate'].map((k) => [
              k,
              { assessment: 'met', notes: null },
            ]),
          ),
        ),
        due_working_days: 10,
        status: 'active',
        tolerance_type: 'percent',
        tolerance_value: 5,
        forecast_method: 'average',
        allow_out_of_range: false,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    ids.set(code, row.id)
    const last = shiftPeriod(reportingPeriod('monthly', today), -1)
    const first = shiftPeriod(last, -23)
    const periods: Period[] = periodsBetween(first, last)
    const targets = await trx
      .insertInto('measure_targets')
      .values(
        [
          first.financialYear,
          first.financialYear + 1,
          first.financialYear + 2,
          last.financialYear + 1,
        ]
          .filter((fy, i, all) => all.indexOf(fy) === i)
          .map((fy) => ({
            organisation_id: organisationId,
            measure_id: row.id,
            frequency: 'annual' as const,
            period_start: `${fy}-04-01`,
            value: target,
            lower: null,
            upper: null,
          })),
      )
      .returningAll()
      .execute()
    const figures = periods.map((period, t) => {
      const raw = start + (drift * t) / 12 + noise * (random() * 2 - 1)
      const value = unit === 'percent' ? Math.round(raw * 10) / 10 : Math.max(0, Math.round(raw))
      return { period, value }
    })
    const derived = derive(
      row,
      targets,
      figures.map((f) => ({ start: f.period.start, value: f.value, status: 'approved' as const })),
    )
    // The newest month of the first measure waits for the trust's approver.
    const values = figures.map((f, k) => {
      const waiting = index === 0 && k === figures.length - 1
      const judged = derived.get(f.period.start)
      return {
        measure_id: row.id,
        period_start: f.period.start,
        value: f.value,
        numerator: null,
        denominator: null,
        commentary:
          judged?.rag === 'red'
            ? 'Winter pressure on community capacity; the discharge hub is sourcing more packages of care.'
            : null,
        status: waiting ? ('submitted' as const) : ('approved' as const),
        target: judged?.target ?? null,
        rag: judged?.rag ?? null,
        year_to_date: judged?.yearToDate ?? null,
        entered_by: officer,
        submitted_by: officer,
        submitted_at: now,
        approved_by: waiting ? null : approver,
        approved_at: waiting ? null : now,
      }
    })
    await measureRepo.insertValues(trx, organisationId, values)
    count += values.length
  }
  await ledger.settleAll(trx, organisationId, now)
  return { ids, values: count }
}

/**
 * The NHS trust and the Health and Care Partnership it shares with Example City Council, with a
 * shared plan: built after the council, which hosts the partnership.
 */
export async function buildDemoPartnership(
  db: Kysely<DB>,
  council: { id: string; name: string },
  passwordHash: string,
  clock: () => Date = () => new Date(),
) {
  const existing = await orgRepo.findOrganisationBySlug(db, DEMO_TRUST_SLUG)
  if (existing) {
    await db.transaction().execute((trx) => orgRepo.deleteOrganisationData(trx, existing.id))
  }
  const trust = await createOrganisation(
    db,
    { name: DEMO_TRUST_NAME, slug: DEMO_TRUST_SLUG },
    clock,
  )
  await db
    .updateTable('organisations')
    .set({ publishes: true })
    .where('id', '=', trust.id)
    .execute()
  return db.transaction().execute(async (trx) => {
    const units = new Map<string, string>()
    for (const [position, unit] of UNITS.entries()) {
      const row = await orgRepo.insertUnit(trx, {
        organisationId: trust.id,
        parentId: unit.parent ? (units.get(unit.parent) ?? null) : null,
        name: unit.name,
        kind: unit.kind,
        code: unit.code,
        position,
      })
      units.set(unit.code, row.id)
    }
    const people = new Map<string, string>()
    for (const person of DEMO_TRUST_PEOPLE) {
      const row = await orgRepo.insertPerson(trx, {
        organisationId: trust.id,
        email: person.email,
        name: person.name,
        jobTitle: person.jobTitle,
        unitId: units.get(person.unit) ?? null,
        passwordHash,
      })
      people.set(person.email, row.id)
      await orgRepo.insertRole(trx, {
        organisationId: trust.id,
        personId: row.id,
        role: person.role,
        unitId: person.roleUnit ? (units.get(person.roleUnit) ?? null) : null,
      })
    }
    const measures = await insertTrustMeasures(trx, trust.id, units, people, clock)

    const now = clock()
    const partnership = await repo.insertPartnership(trx, {
      organisationId: council.id,
      name: DEMO_PARTNERSHIP_NAME,
      purpose:
        'The council and the trust manage performance jointly across the health and social care interface.',
      createdBy: null,
    })
    for (const [organisationId, role] of [
      [council.id, 'host'],
      [trust.id, 'member'],
    ] as const) {
      await repo.insertMember(trx, {
        partnershipId: partnership.id,
        organisationId,
        role,
        addedBy: null,
        joinedAt: now,
      })
    }
    const home = await repo.insertPriority(trx, {
      partnershipId: partnership.id,
      organisationId: council.id,
      title: 'Get people home from hospital safely and quickly',
      description: 'Fewer delayed transfers of care, more discharges to reablement.',
      position: 0,
    })
    const independent = await repo.insertPriority(trx, {
      partnershipId: partnership.id,
      organisationId: council.id,
      title: 'Help people live independently for longer',
      description: null,
      position: 1,
    })
    const councilItem = async (table: 'measures' | 'projects', key: string) => {
      const row =
        table === 'measures'
          ? await trx
              .selectFrom('measures')
              .select('id')
              .where('organisation_id', '=', council.id)
              .where('code', '=', key)
              .executeTakeFirst()
          : await trx
              .selectFrom('projects')
              .select('id')
              .where('organisation_id', '=', council.id)
              .where('title', '=', key)
              .executeTakeFirst()
      return row?.id ?? null
    }
    const basis = 'Health and Care Partnership information sharing agreement, April 2025'
    const shares = [
      {
        org: trust,
        kind: 'measure',
        id: measures.ids.get('NHS-DT01'),
        access: 'read',
        priority: home,
      },
      {
        org: trust,
        kind: 'measure',
        id: measures.ids.get('NHS-HD01'),
        access: 'read',
        priority: home,
      },
      {
        org: trust,
        kind: 'measure',
        id: measures.ids.get('NHS-HD02'),
        access: 'read',
        priority: home,
      },
      {
        org: council,
        kind: 'measure',
        id: await councilItem('measures', 'AS02'),
        access: 'read',
        priority: home,
      },
      {
        org: council,
        kind: 'measure',
        id: await councilItem('measures', 'AS01'),
        access: 'contribute',
        priority: independent,
      },
      {
        org: council,
        kind: 'project',
        id: await councilItem('projects', 'City partnership board'),
        access: 'read',
        priority: independent,
      },
    ] as const
    let shared = 0
    for (const share of shares) {
      if (!share.id) continue
      const row = await repo.insertShare(trx, {
        partnershipId: partnership.id,
        organisationId: share.org.id,
        itemKind: share.kind,
        itemId: share.id,
        priorityId: share.priority.id,
        access: share.access,
        basis,
        sharedBy: null,
        sharedByName: `${share.org.name} (demo)`,
        sharedAt: now,
      })
      for (const organisationId of [council.id, trust.id]) {
        await recordAudit(
          trx,
          {
            organisationId,
            actor: SYSTEM_ACTOR,
            action: 'partnership_item_shared',
            itemType: 'partnership_share',
            itemId: row.id,
            summary: `${share.org.name} shared a ${share.kind} with "${DEMO_PARTNERSHIP_NAME}" to ${share.access === 'read' ? 'read' : 'contribute to'}, under: ${basis}`,
          },
          clock,
        )
      }
      shared++
    }
    await recordAudit(
      trx,
      {
        organisationId: trust.id,
        actor: SYSTEM_ACTOR,
        action: 'demo_built',
        itemType: 'organisation',
        itemId: trust.id,
        summary: `Demo trust built: ${DEMO_TRUST_PEOPLE.length} people, ${measures.ids.size} measures with ${measures.values} values, a member of "${DEMO_PARTNERSHIP_NAME}" with ${shared} shared items`,
      },
      clock,
    )
    return { trust, partnershipId: partnership.id, shared }
  })
}
