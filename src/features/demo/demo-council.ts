import type { Kysely } from 'kysely'
import type { DB, Role, UnitKind } from '../../db/schema.ts'
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts'
import { hashPassword } from '../auth/index.ts'
import { buildDemoAppraisals, createAppraisalService } from '../appraisals/index.ts'
import { buildDemoBenchmarking } from '../benchmarking/index.ts'
import { buildDemoCalendar } from '../committees/index.ts'
import { buildDemoFramework, createFrameworkService } from '../framework/index.ts'
import { buildDemoDashboards } from '../dashboards/index.ts'
import { buildDemoMappings } from '../exchange/index.ts'
import { buildDemoRisks, linkDemoRisksToProjects } from '../risks/index.ts'
import { buildDemoMeasures } from '../measures/index.ts'
import {
  organisationRepository as orgRepo,
  createOrganisation,
  createOrganisationService,
} from '../organisation/index.ts'
import { buildDemoProjects } from '../projects/index.ts'
import { buildDemoSavings } from '../savings/index.ts'
import { createLinkRegistry } from '../links/index.ts'
import { createNotificationService } from '../notifications/index.ts'
import { buildDemoPartnership, DEMO_TRUST_PEOPLE } from '../partnerships/index.ts'
import { gatewayRepository } from '../project-gateways/index.ts'
import { monthLabel, updateRepository } from '../project-updates/index.ts'

export const DEMO_SLUG = 'example-city'
export const DEMO_NAME = 'Example City Council'
export const DEMO_PASSWORD = 'golden-thread-demo'

interface DemoUnit {
  readonly name: string
  readonly kind: UnitKind
  readonly code: string
  readonly children?: readonly DemoUnit[]
}

/** Directorates and teams modelled on the councils in the seed papers. */
const UNITS: readonly DemoUnit[] = [
  {
    name: 'Chief Executive’s Office',
    kind: 'directorate',
    code: 'CEX',
    children: [
      { name: 'Policy and Performance', kind: 'service', code: 'PP' },
      { name: 'Communications and Engagement', kind: 'service', code: 'COM' },
      { name: 'Legal and Democratic Services', kind: 'service', code: 'LDS' },
    ],
  },
  {
    name: 'Adults and Wellbeing',
    kind: 'directorate',
    code: 'AWB',
    children: [
      {
        name: 'Adult Social Care',
        kind: 'service',
        code: 'ASC',
        children: [
          { name: 'Reablement Team', kind: 'team', code: 'ASC-RE' },
          { name: 'Safeguarding Adults Team', kind: 'team', code: 'ASC-SG' },
        ],
      },
      { name: 'Public Health', kind: 'service', code: 'PH' },
    ],
  },
  {
    name: 'Children and Families',
    kind: 'directorate',
    code: 'CF',
    children: [
      { name: 'Children’s Social Care', kind: 'service', code: 'CSC' },
      { name: 'Education and Skills', kind: 'service', code: 'EDU' },
    ],
  },
  {
    name: 'Economy, Communities and Place',
    kind: 'directorate',
    code: 'ECP',
    children: [
      {
        name: 'Waste and Street Scene',
        kind: 'service',
        code: 'WSS',
        children: [
          { name: 'Waste Collection Team', kind: 'team', code: 'WSS-WC' },
          { name: 'Street Cleansing Team', kind: 'team', code: 'WSS-SC' },
        ],
      },
      { name: 'Housing Services', kind: 'service', code: 'HOU' },
      { name: 'Planning and Regeneration', kind: 'service', code: 'PLN' },
      { name: 'Leisure and Culture', kind: 'service', code: 'LEI' },
    ],
  },
  {
    name: 'Resources',
    kind: 'directorate',
    code: 'RES',
    children: [
      { name: 'Finance', kind: 'service', code: 'FIN' },
      { name: 'Human Resources and Organisational Development', kind: 'service', code: 'HR' },
      { name: 'ICT and Digital', kind: 'service', code: 'ICT' },
      {
        name: 'Revenues, Benefits and Customer Services',
        kind: 'service',
        code: 'RBC',
        children: [
          { name: 'Customer Contact Centre', kind: 'team', code: 'RBC-CC' },
          { name: 'Benefits Team', kind: 'team', code: 'RBC-BEN' },
        ],
      },
    ],
  },
  {
    name: 'Localities',
    kind: 'other',
    code: 'LOC',
    children: [
      { name: 'North Locality', kind: 'locality', code: 'LOC-N' },
      { name: 'South Locality', kind: 'locality', code: 'LOC-S' },
      { name: 'City Centre Locality', kind: 'locality', code: 'LOC-C' },
    ],
  },
  { name: 'Health and Care Partnership', kind: 'partner', code: 'HCP' },
  { name: 'Community Safety Partnership', kind: 'partner', code: 'CSP' },
]

interface DemoPerson {
  readonly name: string
  readonly email: string
  readonly jobTitle: string
  readonly unit: string
  readonly role: Role
  /** Unit code the role applies to; absent for the whole organisation. */
  readonly roleUnit?: string
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  {
    name: 'Alex Morgan',
    email: 'admin@example-city.gov.uk',
    jobTitle: 'Systems Administrator',
    unit: 'ICT',
    role: 'administrator',
  },
  {
    name: 'Priya Shah',
    email: 'performance@example-city.gov.uk',
    jobTitle: 'Corporate Performance Manager',
    unit: 'PP',
    role: 'performance_officer',
  },
  {
    name: 'Gareth Evans',
    email: 'approver@example-city.gov.uk',
    jobTitle: 'Head of Waste and Street Scene',
    unit: 'WSS',
    role: 'approver',
    roleUnit: 'ECP',
  },
  {
    name: 'Sam Okafor',
    email: 'dataentry@example-city.gov.uk',
    jobTitle: 'Performance Support Officer',
    unit: 'WSS-WC',
    role: 'data_entry',
    roleUnit: 'WSS',
  },
  {
    name: 'Helen Clarke',
    email: 'director@example-city.gov.uk',
    jobTitle: 'Director of Adults and Wellbeing',
    unit: 'AWB',
    role: 'viewer',
  },
  {
    name: 'Cllr Rosa Bennett',
    email: 'councillor@example-city.gov.uk',
    jobTitle: 'Cabinet Member for Performance',
    unit: 'LDS',
    role: 'councillor',
  },
  {
    name: 'Dr Tom Hughes',
    email: 'partner@example-city.gov.uk',
    jobTitle: 'Integrated Care Lead (NHS)',
    unit: 'HCP',
    role: 'partner',
    roleUnit: 'HCP',
  },
]

/**
 * Builds "Example City Council" from nothing; an existing one is removed first, so
 * `golden-thread demo` always gives the same starting point.
 */
const DEMO_REMINDERS = { daysBefore: 5, escalateAfter: 5 }

export async function buildDemoCouncil(db: Kysely<DB>, clock: () => Date = () => new Date()) {
  const existing = await orgRepo.findOrganisationBySlug(db, DEMO_SLUG)
  if (existing)
    await db.transaction().execute((trx) => orgRepo.deleteOrganisationData(trx, existing.id))

  const passwordHash = await hashPassword(DEMO_PASSWORD)
  const organisation = await createOrganisation(db, { name: DEMO_NAME, slug: DEMO_SLUG }, clock)
  // The demo council publishes its strategic measures on the public dashboard.
  await db
    .updateTable('organisations')
    .set({ publishes: true })
    .where('id', '=', organisation.id)
    .execute()
  await db.transaction().execute(async (trx) => {
    const unitIds = new Map<string, string>()
    const addUnits = async (units: readonly DemoUnit[], parentId: string | null) => {
      for (const [position, unit] of units.entries()) {
        const row = await orgRepo.insertUnit(trx, {
          organisationId: organisation.id,
          parentId,
          name: unit.name,
          kind: unit.kind,
          code: unit.code,
          position,
        })
        unitIds.set(unit.code, row.id)
        if (unit.children) await addUnits(unit.children, row.id)
      }
    }
    await addUnits(UNITS, null)

    const personIds = new Map<string, string>()
    for (const person of DEMO_PEOPLE) {
      const row = await orgRepo.insertPerson(trx, {
        organisationId: organisation.id,
        email: person.email,
        name: person.name,
        jobTitle: person.jobTitle,
        unitId: unitIds.get(person.unit) ?? null,
        passwordHash,
      })
      personIds.set(person.email, row.id)
      await orgRepo.insertRole(trx, {
        organisationId: organisation.id,
        personId: row.id,
        role: person.role,
        unitId: person.roleUnit ? (unitIds.get(person.roleUnit) ?? null) : null,
      })
    }
    const framework = await buildDemoFramework(
      trx,
      organisation.id,
      { units: unitIds, people: personIds },
      clock,
    )
    const measures = await buildDemoMeasures(
      trx,
      organisation.id,
      { units: unitIds, people: personIds },
      clock,
    )
    const projects = await buildDemoProjects(
      trx,
      organisation.id,
      { units: unitIds, people: personIds },
      clock,
      {
        insertGateway: gatewayRepository.insertGateway,
        insertUpdate: updateRepository.insertUpdate,
        monthLabel,
      },
    )
    const risks = await buildDemoRisks(
      trx,
      organisation.id,
      { units: unitIds, people: personIds },
      clock,
    )
    const riskLinks = await linkDemoRisksToProjects(trx, organisation.id)
    const savings = await buildDemoSavings(
      trx,
      organisation.id,
      { units: unitIds, people: personIds },
      clock,
    )
    // Service and team plans, staff and two years of appraisals, before the dashboard computes.
    await buildDemoAppraisals(trx, organisation.id, { units: unitIds, people: personIds }, clock)
    await buildDemoDashboards(trx, organisation.id, clock)
    await buildDemoMappings(trx, organisation.id, clock)
    await recordAudit(
      trx,
      {
        organisationId: organisation.id,
        actor: SYSTEM_ACTOR,
        action: 'demo_built',
        itemType: 'organisation',
        itemId: organisation.id,
        summary:
          `Demo council built: ${unitIds.size} units, ${DEMO_PEOPLE.length} people, ` +
          `${framework.plans} plans with ${framework.nodes} nodes, ` +
          `${measures.measures} measures with ${measures.values} values, ` +
          `${projects.projects} programmes, projects and actions, ` +
          `${risks.registers} risk registers with ${risks.risks} risks, ` +
          `${riskLinks.links} links from risks to programmes and projects` +
          `, ${savings.lines} savings lines, ${savings.budgetMonths} months of budget monitoring`,
      },
      clock,
    )
  })
  await buildDemoCalendar(db, organisation, clock)
  // A generated LGBF-style peer network with Example City in a family group of eight.
  await buildDemoBenchmarking(db, organisation.id, clock)
  // An NHS trust with its own people and measures, in a partnership the council hosts.
  const { trust } = await buildDemoPartnership(db, organisation, passwordHash, clock)
  // Today's reminders, so the notifications page is not empty on first start; never e-mailed.
  const organisationService = createOrganisationService({ db, clock })
  const appraisals = createAppraisalService({
    db,
    clock,
    organisation: organisationService,
    framework: createFrameworkService({ db, clock, links: createLinkRegistry() }),
  })
  const notifications = createNotificationService({
    db,
    clock,
    config: { publicUrl: '', serviceName: DEMO_NAME, reminders: DEMO_REMINDERS },
    mailer: null,
    extraReminders: [(organisationId, today) => appraisals.reminders(organisationId, today)],
  })
  await notifications.run(organisation.id)
  await notifications.run(trust.id)
  return organisation
}

export function demoSignInText(url: string): string {
  const lines = [...DEMO_PEOPLE, ...DEMO_TRUST_PEOPLE].map(
    (p) => `    ${p.role.padEnd(20)} ${p.email}`,
  )
  return [
    `Demo council "${DEMO_NAME}" is ready at ${url}`,
    `  Sign in with any of these, all with the password: ${DEMO_PASSWORD}`,
    ...lines,
  ].join('\n')
}
