import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import type { App } from '../src/app.ts'
import { organisationTables } from '../src/features.ts'
import { approvedMonthlyMeasure, REDESIGN } from '../src/features/spc/index.ts'
import { Agent } from './helpers/browser-agent.ts'
import { createTestContext, type TestContext, type TestOrganisation } from './helpers/context.ts'
import { testModes } from './helpers/database.ts'
import { parsePeriodLabel } from '../src/core/periods.ts'

/**
 * The walk below tries each route with the other organisation's rows of the tables its
 * parameters name, not every table's ids in every position: the work grows with the routes, not
 * with routes × tables. These maps say which table a parameter names; a route with a parameter
 * they do not know fails the walk, so a new route is mapped when it is added, and the owner's own
 * requests prove each mapping reaches a real row (a wrong table would 404 for the wrong reason).
 */

/**
 * The table of a route's `:id`, by the path before it (the API's /api/v1 left off), and where a
 * page shows only some of its rows, which of them.
 */
const ID_TABLES: Record<string, string | { table: string; where: string }> = {
  '/account/tokens': 'api_tokens',
  '/tokens': 'api_tokens',
  '/appraisal-cycles': 'appraisal_cycles',
  '/appraisals': {
    table: 'appraisals',
    where: "person_id in (select id from people where name = 'Secret Victim')",
  },
  '/benchmark-groups': 'benchmark_groups',
  '/benchmarking/groups': 'benchmark_groups',
  '/benchmark-matches': 'benchmark_matches',
  '/benchmark-sources': 'benchmark_sources',
  '/benchmarking/sources': 'benchmark_sources',
  '/budgets/units': 'units',
  '/committees': 'committees',
  '/dashboards': 'dashboards',
  '/dashboards/portfolios': {
    table: 'people',
    where: "id in (select person_id from role_assignments where role = 'councillor')",
  },
  '/dashboards/themes': 'plan_nodes',
  '/dashboards/units': 'units',
  '/exchange/imports': 'import_runs',
  '/imports': 'import_runs',
  '/measures': 'measures',
  '/nodes': 'plan_nodes',
  '/notifications': 'notifications',
  '/partnerships': 'partnerships',
  '/people': 'people',
  '/plans': 'plans',
  '/projects': 'projects',
  '/queries': 'item_queries',
  '/reports': 'reports',
  '/risk-registers': 'risk_registers',
  '/risks/registers': 'risk_registers',
  '/risks': 'risks',
  '/savings': 'saving_lines',
  '/units': 'units',
}

/**
 * A parameter after `:id` names a row beneath it: the row's `parent` column fills `:id` and its
 * `value` column (the id unless said) fills the parameter, so the pair belongs together.
 */
interface ChildTable {
  readonly table: string
  readonly parent: string
  readonly value?: string
}
const CHILD_TABLES: Record<string, ChildTable> = {
  actionId: { table: 'risk_actions', parent: 'risk_id' },
  benefitId: { table: 'project_benefits', parent: 'project_id' },
  dependencyId: { table: 'project_dependencies', parent: 'project_id' },
  meetingId: { table: 'committee_meetings', parent: 'committee_id' },
  matchId: { table: 'benchmark_matches', parent: 'measure_id' },
  milestoneId: { table: 'project_milestones', parent: 'project_id' },
  objectiveId: { table: 'objectives', parent: 'appraisal_id' },
  roleId: { table: 'role_assignments', parent: 'person_id' },
  settingId: { table: 'measure_spc_settings', parent: 'measure_id' },
  shareId: { table: 'partnership_shares', parent: 'partnership_id' },
  start: { table: 'measure_values', parent: 'measure_id', value: 'period_start' },
  tileId: { table: 'dashboard_tiles', parent: 'dashboard_id' },
  updateId: { table: 'project_updates', parent: 'project_id' },
}
/** A parameter that names a row on its own, with no `:id` before it. */
const OWN_TABLES: Record<string, string> = { uploadId: 'import_uploads' }

/** `:linkId` is a node's link to an item, or a risk's link to a project. */
function linkTable(url: string): ChildTable {
  return url.includes('/nodes/')
    ? { table: 'node_links', parent: 'node_id' }
    : { table: 'risk_links', parent: 'risk_id' }
}

/** The item types of the history pages, and their tables. */
const HISTORY_TABLES: Record<string, string> = {
  organisation: 'organisations',
  unit: 'units',
  person: 'people',
  plan: 'plans',
  node: 'plan_nodes',
  project: 'projects',
  project_update: 'project_updates',
  risk: 'risks',
  saving_line: 'saving_lines',
  risk_register: 'risk_registers',
  measure: 'measures',
  report: 'reports',
  committee: 'committees',
}

/** The kinds of item the golden thread links, and their tables. */
const LINK_TABLES: Record<string, string> = {
  unit: 'units',
  person: 'people',
  measure: 'measures',
  project: 'projects',
  risk: 'risks',
  saving: 'saving_lines',
}

/** A query a page needs to show anything, added to its address for owner and intruder alike. */
const QUERIES: Record<string, string> = { 'GET /nodes/:id/links/new': '?kind=measure' }

/**
 * Public pages answer 404 to everyone, their own council too, while a council does not publish:
 * there the owner cannot prove the mapping, and the intruder must still be refused.
 */
const PUBLIC = '/public/'

/** Routes whose parameters name no organisation's row, so there is nothing of another's to ask. */
const NOT_ROWS: Record<string, string> = {
  'POST /organisational-measures/:key/set-up':
    'names a kind of measure each council sets up for itself, in its own organisation',
}

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
  for (const table of organisationTables) {
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
  for (const table of organisationTables) {
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
    let victimEmail: string

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
      victimEmail = victim.email
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
      const councillor = await ctx.person(other, { role: 'councillor', name: 'Secret Councillor' })
      const secretItem = await ctx.services.framework.createNode(victim, secretPlan.id, {
        title: 'Secret plan item',
        ownerId: councillor.personId,
      })
      // Links from a plan item and from a risk, and a partnership sharing a measure.
      await ctx.services.framework.addLink(victim, secretItem.id, {
        itemKind: 'measure',
        itemId: measure.id,
      })
      await risks.linkRelated(victim, risk.id, { itemKind: 'project', itemId: project.id })
      const partnership = await ctx.services.partnerships.create(victim, {
        name: 'Secret partnership',
      })
      await ctx.services.partnerships.share(victim, partnership.id, {
        itemKind: 'measure',
        itemId: measure.id,
        access: 'read',
        basis: 'Secret agreement',
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
      // An import kept in the council's history (a check of a targets file).
      await ctx.services.importRuns.runNow(
        victim,
        Buffer.from('Measure code,Period,Target\nSECRET1,2024/25,11\n'),
        { dryRun: true, fileName: 'secret-run.csv' },
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

    /** The routes the walk tries, each with the values of the other organisation's rows. */
    async function walk(): Promise<{ method: string; url: string; route: string }[]> {
      const requests: { method: string; url: string; route: string }[] = []
      const problems: string[] = []
      const first = async (of: string | { table: string; where: string }): Promise<string> => {
        const { table, where } = typeof of === 'string' ? { table: of, where: 'true' } : of
        if (table === 'organisations') return other.id
        const rows = await sql<{ id: string }>`
          select id from ${sql.table(table)}
          where organisation_id = ${other.id} and ${sql.raw(where)} limit 1`.execute(
          ctx.database.db,
        )
        return rows.rows[0]?.id ?? ''
      }
      const child = async (spec: ChildTable): Promise<[string, string]> => {
        // Dates arrive as 'YYYY-MM-DD' text on either database, as a period's start in a path.
        const rows = await sql<{ parent: string; value: string }>`
          select ${sql.ref(spec.parent)} as parent, ${sql.ref(spec.value ?? 'id')} as value
          from ${sql.table(spec.table)} where organisation_id = ${other.id} limit 1`.execute(
          ctx.database.db,
        )
        const row = rows.rows[0]
        return [row?.parent ?? '', row?.value ?? '']
      }
      for (const route of app.routeList) {
        const params = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] ?? '')
        if (params.length === 0 || route.method === 'HEAD') continue
        const name = `${route.method} ${route.url}`
        if (NOT_ROWS[name]) continue
        const fills: Record<string, string>[] = []
        if (params.includes('slug')) {
          const files = params.includes('file') ? ['SECRET1', 'SECRET1.csv', 'SECRET1.json'] : ['']
          for (const file of files) fills.push({ slug: other.slug, file })
        } else if (params.includes('itemId')) {
          const kind = params.includes('itemType') ? 'itemType' : 'itemKind'
          const tables = kind === 'itemType' ? HISTORY_TABLES : LINK_TABLES
          for (const [item, table] of Object.entries(tables)) {
            const id = await first(table)
            if (id) fills.push({ [kind]: item, itemId: id })
          }
        } else if (params.length === 1 && OWN_TABLES[params[0] ?? '']) {
          const param = params[0] ?? ''
          const id = await first(OWN_TABLES[param] ?? '')
          if (!id) problems.push(`${name}: the other organisation has no ${param} to try`)
          else fills.push({ [param]: id })
        } else {
          const [, named] = params
          const before = route.url.slice(0, route.url.indexOf('/:id')).replace(/^\/api\/v1/, '')
          const table = ID_TABLES[before]
          if (params[0] !== 'id' || params.length > 2 || !table) {
            problems.push(`${name}: say which table its parameters name`)
            continue
          }
          if (named) {
            const spec = named === 'linkId' ? linkTable(route.url) : CHILD_TABLES[named]
            if (!spec) {
              problems.push(`${name}: say which table :${named} names`)
              continue
            }
            const [id, value] = await child(spec)
            if (!id) problems.push(`${name}: the other organisation has no ${spec.table} to try`)
            else fills.push({ id, [named]: value })
          } else {
            const id = await first(table)
            const tableName = typeof table === 'string' ? table : table.table
            if (!id) problems.push(`${name}: the other organisation has no ${tableName} to try`)
            else fills.push({ id })
          }
        }
        for (const values of fills)
          requests.push({
            method: route.method,
            url: fill(route.url, values) + (QUERIES[name] ?? ''),
            route: name,
          })
      }
      assert.deepEqual(problems, [], 'every route the walk tries names rows it can find')
      return requests
    }

    async function send(agent: Agent, method: string, url: string) {
      const verb = method as 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
      if (url.startsWith('/api/'))
        return agent.api(
          verb,
          url,
          verb === 'GET' || verb === 'DELETE' ? undefined : PLAUSIBLE_BODY,
        )
      if (verb === 'GET') return agent.get(url)
      return agent.post(
        url,
        Object.fromEntries(Object.entries(PLAUSIBLE_BODY).map(([k, v]) => [k, String(v)])),
      )
    }

    it('reaches a real row through every route it walks, as the organisation that owns it', async (t) => {
      // Were a parameter mapped to the wrong table the intruder's 404 below would prove nothing,
      // so the owner must find each row through the pages that show one. The mapping is the
      // same on either database, so it is proved once, on PGlite.
      if (mode !== 'pglite') return t.skip('proved on PGlite')
      const owner = await Agent.signedIn(app, victimEmail)
      const missed: string[] = []
      for (const request of await walk()) {
        if (request.method !== 'GET' || request.url.startsWith(PUBLIC)) continue
        const response = await send(owner, request.method, request.url)
        if (response.statusCode === 404) missed.push(`${request.route}: ${request.url}`)
      }
      assert.deepEqual(missed, [], 'the owner finds its own rows')
    })

    it('answers 404 to every route given another organisation’s ids, and changes nothing', async (t) => {
      const before = await snapshot(ctx, other.id)
      let checked = 0
      for (const { method, url } of await walk()) {
        const response = await send(intruder, method, url)
        assert.equal(response.statusCode, 404, `${method} ${url} answered ${response.statusCode}`)
        for (const secret of secrets.slice(0, 3)) {
          assert.ok(!response.body.includes(secret), `${method} ${url} shows "${secret}"`)
        }
        checked++
      }
      assert.ok(checked > 200, `only ${checked} requests were checked`)
      t.diagnostic(`${checked} requests`)
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
