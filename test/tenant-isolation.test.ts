import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import type { App } from '../src/app.ts'
import { ORGANISATION_TABLES } from '../src/features/organisation/index.ts'
import { approvedMonthlyMeasure, REDESIGN } from '../src/features/spc/index.ts'
import { Agent } from './helpers/browser-agent.ts'
import { createTestContext, type TestContext, type TestOrganisation } from './helpers/context.ts'
import { testModes } from './helpers/database.ts'
import { parsePeriodLabel } from '../src/core/periods.ts'

const ITEM_TYPES = [
  'unit',
  'person',
  'plan',
  'node',
  'measure',
  'project',
  'project_update',
  'risk',
  'saving',
  'report',
  'committee',
  'api_token',
  'appraisal',
  'appraisal_cycle',
]

/** A body that passes most input schemas, so a write reaches the code that must refuse it. */
const PLAUSIBLE_BODY = {
  name: 'Intruder',
  title: 'Intruder',
  email: 'intruder@example.org',
  kind: 'team',
  role: 'viewer',
  reason: 'Intrusion',
  value: 1,
  commentary: 'Intrusion',
}

async function idsOf(ctx: TestContext, organisationId: string): Promise<Map<string, string[]>> {
  const uuidTables = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where table_schema = current_schema() and column_name = 'id' and data_type = 'uuid'`.execute(
    ctx.database.db,
  )
  const names = new Set(uuidTables.rows.map((r) => r.table_name))
  const ids = new Map<string, string[]>()
  for (const table of ORGANISATION_TABLES) {
    if (!names.has(table)) continue
    const rows = await sql<{
      id: string
    }>`select id from ${sql.table(table)} where organisation_id = ${organisationId} limit 3`.execute(
      ctx.database.db,
    )
    if (rows.rows.length > 0)
      ids.set(
        table,
        rows.rows.map((r) => r.id),
      )
  }
  const organisation = await ctx.database.db
    .selectFrom('organisations')
    .select('id')
    .where('id', '=', organisationId)
    .executeTakeFirstOrThrow()
  ids.set('organisations', [organisation.id])
  return ids
}

async function snapshot(ctx: TestContext, organisationId: string): Promise<string> {
  const parts: string[] = []
  for (const table of ORGANISATION_TABLES) {
    const rows =
      await sql`select * from ${sql.table(table)} where organisation_id = ${organisationId} order by 1`.execute(
        ctx.database.db,
      )
    parts.push(JSON.stringify(rows.rows))
  }
  return parts.join('\n')
}

function fill(url: string, values: Record<string, string>): string {
  return url.replace(/:([A-Za-z]+)/g, (_, name: string) => values[name] ?? 'missing')
}

for (const mode of testModes()) {
  describe(`tenant isolation (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let own: TestOrganisation
    let other: TestOrganisation
    let intruder: Agent
    let otherIds: Map<string, string[]>
    let secrets: string[]

    before(async () => {
      ctx = await createTestContext(mode)
      own = await ctx.organisation('Own Borough')
      other = await ctx.organisation('Other County')
      const attacker = await ctx.person(own, { role: 'administrator', name: 'Own Admin' })
      const victim = await ctx.person(other, {
        role: 'administrator',
        name: 'Secret Victim',
        unit: 'care',
      })
      await ctx.person(other, { role: 'data_entry', roleUnit: 'waste', name: 'Secret Officer' })
      // Give the other council some of everything a feature can make, through its own admin.
      await ctx.services.auth.createToken(victim, 'Secret token')
      const programme = await ctx.services.projects.create(victim, {
        level: 'programme',
        title: 'Secret programme',
        startDate: '2020-04-01',
        endDate: '2040-03-31',
      })
      const project = await ctx.services.projects.create(victim, {
        level: 'project',
        parentId: programme.id,
        title: 'Secret project',
      })
      await ctx.services.projects.addMilestone(victim, project.id, {
        title: 'Secret milestone',
        due: '2030-06-30',
        status: 'on_track',
      })
      await ctx.services.projects.addBenefit(victim, project.id, {
        kind: 'financial',
        title: 'Secret benefit',
        financialYear: '2024/25',
        planned: 1,
      })
      await ctx.services.projects.addDependency(victim, project.id, { dependsOnId: programme.id })
      await ctx.services.projectUpdates.create(victim, project.id, {
        month: '2024-04',
        highlights: 'Secret highlights',
        confidence: 'high',
        submit: true,
      })
      const risks = ctx.services.risks
      const corporate = await risks.createRegister(victim, {
        name: 'Secret corporate register',
        level: 'corporate',
      })
      const register = await risks.createRegister(victim, {
        name: 'Secret register',
        level: 'service',
        unitId: other.units.care,
        parentRegisterId: corporate.id,
      })
      const risk = await risks.createRisk(victim, {
        registerId: register.id,
        reference: 'SECRET1',
        title: 'Secret risk',
        category: 'operational',
        reviewFrequency: 'quarterly',
        inherentLikelihood: 4,
        inherentImpact: 4,
        currentLikelihood: 4,
        currentImpact: 4,
        targetLikelihood: 2,
        targetImpact: 2,
      })
      await risks.recordReview(victim, risk.id, {
        reviewedOn: risks.today(),
        likelihood: 3,
        impact: 3,
        note: 'Secret review',
      })
      await risks.addAction(victim, risk.id, {
        description: 'Secret action',
        status: 'not_started',
      })
      await risks.escalate(victim, risk.id, { toRegisterId: corporate.id, reason: 'Secret reason' })
      const measure = await ctx.services.measures.create(victim, {
        code: 'SECRET1',
        title: 'Secret measure',
        unit: 'number',
        polarity: 'higher_is_better',
        frequency: 'annual',
        kind: 'strategic',
        unitId: other.units.care,
      })
      await ctx.services.measures.putTargets(victim, measure.id, {
        targets: [{ period: '2023/24', value: 10 }],
      })
      await ctx.services.values.save(victim, measure.id, { period: '2023/24', value: 12 })
      // A critical-friend query on the value, from the other council's performance team.
      const team = await ctx.person(other, { role: 'performance_officer', name: 'Secret Team' })
      await ctx.services.queries.raiseOnValue(team, measure.id, '2023-04-01', 'Secret query')
      await ctx.services.measures.saveBenchmark(victim, measure.id, {
        period: '2023/24',
        nationalMedian: 11,
        source: 'Secret source',
      })
      // A public measure of a council that does not publish: no public page may show it.
      await ctx.services.measures.update(victim, measure.id, { public: true })
      const line = await ctx.services.savings.createLine(victim, {
        reference: 'SECRET-S1',
        title: 'Secret saving',
        unitId: other.units.care ?? '',
        savingType: 'cashable',
        durability: 'ongoing',
        years: [{ financialYear: 2023, amount: 120000, cost: null }],
      })
      await ctx.services.savings.recordDelivery(victim, line.id, {
        financialYear: 2023,
        months: [
          {
            month: parsePeriodLabel('Apr 2023'),
            actual: 5000,
            forecast: null,
            note: 'Secret note',
          },
        ],
      })
      await ctx.services.savings.setTarget(victim, { financialYear: 2023, amount: 999_999_00 })
      await ctx.services.budgets.record(victim, {
        unitId: other.units.care ?? '',
        month: parsePeriodLabel('Apr 2023'),
        budget: 777_777_00,
        forecastOutturn: 788_888_00,
        commentary: 'Secret commentary',
      })
      const secretSeries = await approvedMonthlyMeasure(ctx, other, victim, 'SECRET2', REDESIGN)
      await ctx.services.spc.setBaseline(victim, secretSeries, { from: 'Apr 2023', to: 'Mar 2024' })
      await ctx.services.spc.addChangePoint(victim, secretSeries, {
        period: 'Jun 2024',
        reason: 'Secret redesign',
      })
      await ctx.services.dashboards.create(victim, {
        title: 'Secret dashboard',
        kind: 'personal',
        sharedUnitId: other.units.care,
        tiles: [{ kind: 'measure', itemId: measure.id, section: 'Secret section' }],
      })
      await ctx.services.dashboards.create(victim, {
        title: 'Secret corporate dashboard',
        kind: 'corporate',
        tiles: [{ kind: 'list', list: 'exceptions' }],
      })
      await ctx.services.organisationalMeasures.setUp(victim, 'data_returned_on_time')
      const committee = await ctx.services.committees.create(victim, {
        name: 'Secret committee',
        reportKinds: ['quarterly-performance'],
      })
      const meeting = await ctx.services.committees.addMeeting(victim, committee.id, {
        meetingDate: '2030-01-10',
      })
      const report = await ctx.services.reports.create(victim, {
        kind: 'quarterly-performance',
        period: '2024/25 Q1',
        meetingId: meeting.id,
        focusNodeIds: [],
      })
      await ctx.services.reports.publish(victim, report.id)
      // A year's appraisals with an objective in a team plan: the most private data there is.
      const secretPlan = await ctx.services.framework.createPlan(victim, {
        title: 'Secret team plan',
        kind: 'team',
        firstYear: '2024/25',
        lastYear: '2024/25',
        status: 'active',
        levels: ['Team objective'],
      })
      const secretItem = await ctx.services.framework.createNode(victim, secretPlan.id, {
        title: 'Secret plan item',
      })
      await ctx.services.appraisals.openCycle(victim, {
        year: 2024,
        objectivesOpens: '2024-04-01',
        objectivesCloses: '2024-05-31',
        midYearOpens: '2024-10-01',
        midYearCloses: '2024-11-30',
        yearEndOpens: '2025-04-01',
        yearEndCloses: '2025-05-31',
      })
      const [secretAppraisal] = await ctx.services.appraisals.mine(victim)
      await ctx.services.appraisals.addObjective(victim, secretAppraisal?.id ?? '', {
        title: 'Secret objective',
        successMeasure: 'Secret success',
        dueDate: '2025-03-31',
        nodeId: secretItem.id,
      })
      // Benchmarking: a source with a copy, a group entered by hand, a match and a publication.
      const benchmarking = ctx.services.benchmarking
      const source = await benchmarking.createSource(victim, {
        name: 'Secret benchmark source',
        kind: 'golden_thread',
        refreshHours: 24,
      })
      await benchmarking.loadFiles(victim, source.id, {
        files: [
          {
            name: 'data.json',
            content: JSON.stringify({
              schemaVersion: 1,
              organisation: { name: 'Secret Peer Council' },
              measures: [
                {
                  code: 'SECRETPEER',
                  title: 'Secret measure',
                  unit: 'number',
                  decimals: 0,
                  polarity: 'higher_is_better',
                  values: [{ period: { frequency: 'annual', start: '2023-04-01' }, value: 9 }],
                },
              ],
            }),
          },
        ],
      })
      await benchmarking.createGroup(victim, {
        name: 'Secret benchmark group',
        members: ['Secret Peer Council'],
      })
      await benchmarking.confirmMatch(victim, {
        measureId: measure.id,
        sourceId: source.id,
        code: 'SECRETPEER',
      })
      await benchmarking.publish(victim, measure.id, 'network')
      // A council's own file waiting on the import page, and a mapping it confirmed before.
      await ctx.services.mappedImports.stage(
        victim,
        Buffer.from('Code,Period,Value\nSECRET1,2023/24,5\n'),
        'secret.csv',
      )
      await ctx.database.db
        .insertInto('import_mappings')
        .values({
          organisation_id: other.id,
          signature: 'code|period|value',
          mapping: JSON.stringify({ columns: { Code: 'code' }, layout: 'long' }),
        })
        .execute()
      app = await ctx.app()
      intruder = await Agent.signedIn(app, attacker.email)
      otherIds = await idsOf(ctx, other.id)
      secrets = [
        'Other County',
        'Secret Victim',
        'Secret Officer',
        'Secret register',
        'Secret risk',
        'Secret saving',
        'Secret commentary',
        'Secret query',
        '777,777',
        'Secret dashboard',
        'Secret objective',
        'Secret benchmark source',
        'Secret benchmark group',
        'Secret Peer Council',
        ...[...otherIds.values()].flat(),
      ]
    })
    after(() => ctx.close())

    it('knows routes to walk and ids of the other organisation', () => {
      assert.ok(app.routeList.length > 20)
      assert.ok(
        (otherIds.get('units')?.length ?? 0) > 0 && (otherIds.get('people')?.length ?? 0) > 0,
      )
    })

    it('lists and pages show nothing of another organisation', async () => {
      for (const route of app.routeList.filter(
        (r) => r.method === 'GET' && !r.url.includes(':') && !r.url.includes('*'),
      )) {
        if (route.url.startsWith('/static')) continue
        const response = route.url.startsWith('/api/')
          ? await intruder.api('GET', route.url)
          : await intruder.get(route.url)
        for (const secret of secrets) {
          assert.ok(
            !response.body.includes(secret),
            `${route.url} shows "${secret}" of another organisation`,
          )
        }
      }
    })

    it('answers 404 to every route given another organisation’s ids, and changes nothing', async () => {
      const before = await snapshot(ctx, other.id)
      // Isolation is decided by the product's queries, the same on either database: the whole
      // walk runs on the last database of the run (PostgreSQL in CI), an eighth of the tables'
      // ids on the one before it, which keeps both honest without walking everything twice.
      const everyTable = [...otherIds.values()].map((ids) => ids[0] ?? '')
      const samples =
        mode === testModes().at(-1) ? everyTable : everyTable.filter((_, i) => i % 8 === 0)
      let checked = 0
      for (const route of app.routeList) {
        const params = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] ?? '')
        if (params.length === 0 || route.method === 'HEAD') continue
        const idParams = params.filter((p) => p !== 'itemType')
        const combinations: Record<string, string>[] = []
        // Every table's id in each position, the other position holding the same id or the
        // first table's: the whole square of pairs grew with the tables and ran for minutes.
        const pairs = samples.flatMap((id) =>
          idParams.length > 1
            ? [
                [id, id],
                [id, samples[0] ?? id],
                [samples[0] ?? id, id],
              ]
            : [[id, id]],
        )
        for (const [first = '', second = ''] of pairs) {
          for (const itemType of params.includes('itemType') ? ITEM_TYPES : ['-']) {
            const values: Record<string, string> = { itemType }
            idParams.forEach((name, index) => (values[name] = index === 0 ? first : second))
            combinations.push(values)
          }
        }
        for (const values of combinations) {
          const url = fill(route.url, values)
          const isApi = url.startsWith('/api/')
          const method = route.method as 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
          const response = isApi
            ? await intruder.api(
                method,
                url,
                method === 'GET' || method === 'DELETE' ? undefined : PLAUSIBLE_BODY,
              )
            : method === 'GET'
              ? await intruder.get(url)
              : await intruder.post(
                  url,
                  Object.fromEntries(
                    Object.entries(PLAUSIBLE_BODY).map(([k, v]) => [k, String(v)]),
                  ),
                )
          assert.equal(
            response.statusCode,
            404,
            `${route.method} ${url} answered ${response.statusCode}`,
          )
          for (const secret of secrets.slice(0, 3)) {
            assert.ok(!response.body.includes(secret), `${route.method} ${url} shows "${secret}"`)
          }
          checked++
        }
      }
      assert.ok(checked > 50, `only ${checked} requests were checked`)
      assert.equal(await snapshot(ctx, other.id), before, 'another organisation’s data changed')
    })
  })
}

for (const mode of testModes()) {
  describe(`tenant isolation with a partnership (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let reader: Agent
    let other: TestOrganisation
    let partnershipId: string
    const ids: Record<'shared' | 'unshared' | 'withdrawn', string> = {
      shared: '',
      unshared: '',
      withdrawn: '',
    }
    const shares: Record<'shared' | 'withdrawn', string> = { shared: '', withdrawn: '' }

    before(async () => {
      ctx = await createTestContext(mode)
      const own = await ctx.organisation('Own Borough')
      other = await ctx.organisation('Other Trust')
      const ownAdmin = await ctx.person(own, { role: 'administrator', name: 'Own Admin' })
      const otherAdmin = await ctx.person(other, { role: 'administrator', name: 'Other Admin' })
      for (const key of ['shared', 'unshared', 'withdrawn'] as const) {
        const m = await ctx.services.measures.create(otherAdmin, {
          code: key.toUpperCase(),
          title: `Trust ${key} measure`,
          unit: 'number',
          polarity: 'higher_is_better',
          frequency: 'annual',
          kind: 'strategic',
          unitId: other.units.care,
        })
        ids[key] = m.id
        await ctx.services.values.save(otherAdmin, m.id, { period: '2023/24', value: 7 })
      }
      const partnership = await ctx.services.partnerships.create(otherAdmin, {
        name: 'Joint board',
      })
      partnershipId = partnership.id
      await ctx.services.partnerships.addMember(otherAdmin, partnershipId, {
        organisation: own.slug,
      })
      for (const key of ['shared', 'withdrawn'] as const) {
        const share = await ctx.services.partnerships.share(otherAdmin, partnershipId, {
          itemKind: 'measure',
          itemId: ids[key],
          access: 'read',
          basis: 'Information sharing agreement',
        })
        shares[key] = share.id
      }
      await ctx.services.partnerships.withdraw(otherAdmin, partnershipId, shares.withdrawn, {})
      app = await ctx.app()
      reader = await Agent.signedIn(app, ownAdmin.email)
    })
    after(() => ctx.close())

    it('shows a shared read-only item through the partnership, and no more', async () => {
      const item = await reader.api(
        'GET',
        `/api/v1/partnerships/${partnershipId}/shares/${shares.shared}`,
      )
      assert.equal(item.statusCode, 200)
      assert.match(item.body, /Trust shared measure/)
      const overview = await reader.get(`/partnerships/${partnershipId}`)
      assert.match(overview.body, /Trust shared measure/)
      assert.ok(!overview.body.includes('Trust unshared measure'), 'unshared stays invisible')
      assert.ok(!overview.body.includes('Trust withdrawn measure'), 'withdrawn is gone at once')
      // The owner's own collections stay closed to the partner.
      for (const key of ['shared', 'unshared', 'withdrawn'] as const) {
        assert.equal((await reader.api('GET', `/api/v1/measures/${ids[key]}`)).statusCode, 404)
      }
    })

    it('does not let a partner write to a read-only item, or read one after withdrawal', async () => {
      const before = await snapshot(ctx, other.id)
      const attempts = [
        reader.api('POST', `/api/v1/partnerships/${partnershipId}/shares/${shares.shared}/values`, {
          period: '2024/25',
          value: 1,
        }),
        reader.api('POST', `/api/v1/measures/${ids.shared}/values`, {
          period: '2024/25',
          value: 1,
        }),
        reader.api('PATCH', `/api/v1/measures/${ids.shared}`, { title: 'Intruder' }),
        reader.api('DELETE', `/api/v1/partnerships/${partnershipId}/shares/${shares.shared}`),
        reader.api('POST', `/api/v1/partnerships/${partnershipId}/shares`, {
          itemKind: 'measure',
          itemId: ids.unshared,
          access: 'read',
          basis: 'Taking it',
        }),
      ]
      const statuses = []
      for (const attempt of attempts) statuses.push((await attempt).statusCode)
      assert.deepEqual(statuses, [403, 404, 404, 403, 404])
      const withdrawn = await reader.api(
        'GET',
        `/api/v1/partnerships/${partnershipId}/shares/${shares.withdrawn}`,
      )
      assert.equal(withdrawn.statusCode, 404)
      assert.equal(await snapshot(ctx, other.id), before, 'nothing of the owner changed')
    })
  })
}
