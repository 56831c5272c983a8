import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { Agent, bearer } from '../../../test/helpers/browser-agent.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'

interface Json {
  [key: string]: unknown
}
const json = (response: { body: string }) => JSON.parse(response.body) as Json

const CYCLE = {
  year: 2025,
  objectivesOpens: '2025-04-01',
  objectivesCloses: '2025-05-31',
  midYearOpens: '2025-10-01',
  midYearCloses: '2025-11-30',
  yearEndOpens: '2026-04-01',
  yearEndCloses: '2026-05-31',
}

for (const mode of testModes()) {
  describe(`appraisal pages and API (${mode})`, () => {
    let ctx: TestContext
    let app: App
    /** A node of another council's plan, which no objective here may name. */
    let foreignNodeId: string

    const objectives = async (organisationId: string) =>
      Number(
        (
          await ctx.database.db
            .selectFrom('objectives')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('organisation_id', '=', organisationId)
            .executeTakeFirstOrThrow()
        ).n,
      )

    before(async () => {
      ctx = await createTestContext(mode)
      app = await ctx.app()
      const other = await ctx.organisation('Elsewhere')
      const otherOfficer = await ctx.person(other, { role: 'performance_officer' })
      const otherPlan = await ctx.services.framework.createPlan(otherOfficer, {
        title: 'Theirs',
        kind: 'city',
        firstYear: '2024/25',
        lastYear: '2028/29',
        status: 'active',
        levels: ['Theme'],
      })
      foreignNodeId = (
        await ctx.services.framework.createNode(otherOfficer, otherPlan.id, { title: 'Theirs' })
      ).id
    })
    after(() => ctx.close())

    /**
     * A council of its own for each case, in April 2025: the performance officer, Sam Staff and
     * their line manager, a colleague in their unit, their tokens and a team plan's objective.
     */
    async function council() {
      ctx.clock.now = new Date('2025-04-10T10:00:00Z')
      const org = await ctx.organisation()
      const admin = await ctx.person(org, { role: 'administrator' })
      const officer = await ctx.person(org, { role: 'performance_officer' })
      const manager = await ctx.person(org, {
        role: 'approver',
        unit: 'waste',
        name: 'Mo Manager',
      })
      const staff = await ctx.person(org, { role: 'data_entry', unit: 'waste', name: 'Sam Staff' })
      const colleague = await ctx.person(org, { role: 'viewer', unit: 'waste' })
      const partner = await ctx.person(org, { role: 'partner', unit: 'waste' })
      await ctx.services.organisation.updatePerson(admin, staff.personId, {
        lineManagerId: manager.personId,
      })
      const tokens = {
        officer: (await ctx.services.auth.createToken(officer, 't')).token,
        manager: (await ctx.services.auth.createToken(manager, 't')).token,
        staff: (await ctx.services.auth.createToken(staff, 't')).token,
        colleague: (await ctx.services.auth.createToken(colleague, 't')).token,
        partner: (await ctx.services.auth.createToken(partner, 't')).token,
      }
      const plan = await ctx.services.framework.createPlan(officer, {
        title: 'Waste Collection Team Plan',
        kind: 'team',
        firstYear: '2025/26',
        lastYear: '2025/26',
        status: 'active',
        ownerUnitId: org.units.waste,
        levels: ['Team objective'],
        vision: 'Clean streets for all',
      })
      const nodeId = (
        await ctx.services.framework.createNode(officer, plan.id, { title: 'No missed bins' })
      ).id
      return {
        organisationId: org.id,
        officer,
        manager,
        staff,
        colleague,
        partner,
        tokens,
        nodeId,
      }
    }
    type Council = Awaited<ReturnType<typeof council>>

    /** Opens the 2025/26 cycle; Sam Staff's appraisal in it. */
    async function openCycle({ tokens }: Council): Promise<string> {
      const created = await bearer(app, tokens.officer, 'POST', '/api/v1/appraisal-cycles', CYCLE)
      assert.equal(created.statusCode, 201, created.body)
      const mine = json(await bearer(app, tokens.staff, 'GET', '/api/v1/appraisals'))
      const appraisalId = ((mine.items as Json[])[0]?.id as string | undefined) ?? ''
      assert.ok(appraisalId)
      return appraisalId
    }

    /** Sam's one objective, under the team plan's objective. */
    async function addObjective({ tokens, nodeId }: Council, appraisalId: string) {
      const added = await bearer(
        app,
        tokens.staff,
        'POST',
        `/api/v1/appraisals/${appraisalId}/objectives`,
        {
          title: 'Cut missed bins on my rounds',
          successMeasure: 'Under 40 per 100,000',
          dueDate: '2026-03-31',
          nodeId,
        },
      )
      assert.equal(added.statusCode, 201, added.body)
    }

    /** Opened, with Sam's objective agreed by their manager. */
    async function agreedAppraisal(here: Council): Promise<string> {
      const appraisalId = await openCycle(here)
      await addObjective(here, appraisalId)
      // Through the API: each sign-in is throttled by the address, on a clock that goes back to
      // April 2025 for each case.
      const agreed = await bearer(
        app,
        here.tokens.manager,
        'POST',
        `/api/v1/appraisals/${appraisalId}/agree`,
      )
      assert.equal(agreed.statusCode, 200, agreed.body)
      return appraisalId
    }

    /** Agreed, then in April 2026 rated 3 by Sam and their manager and signed off. */
    async function signedOffAppraisal(here: Council): Promise<string> {
      const appraisalId = await agreedAppraisal(here)
      ctx.clock.now = new Date('2026-04-10T10:00:00Z')
      const url = `/api/v1/appraisals/${appraisalId}/year-end`
      for (const [token, comment] of [
        [here.tokens.staff, 'Met them'],
        [here.tokens.manager, 'Agreed'],
      ] as const) {
        const rated = await bearer(app, token, 'PUT', url, { rating: 3, comment })
        assert.equal(rated.statusCode, 200, rated.body)
      }
      const signed = await bearer(
        app,
        here.tokens.manager,
        'POST',
        `/api/v1/appraisals/${appraisalId}/sign-off`,
      )
      assert.equal(signed.statusCode, 200, signed.body)
      return appraisalId
    }

    it('opens a cycle through the API for the performance team only', async () => {
      const { tokens } = await council()
      const refused = await bearer(app, tokens.staff, 'POST', '/api/v1/appraisal-cycles', CYCLE)
      assert.equal(refused.statusCode, 403)
      const bad = await bearer(app, tokens.officer, 'POST', '/api/v1/appraisal-cycles', {
        ...CYCLE,
        yearEndCloses: '2026-03-01',
      })
      assert.equal(bad.statusCode, 400)
      const created = await bearer(app, tokens.officer, 'POST', '/api/v1/appraisal-cycles', CYCLE)
      assert.equal(created.statusCode, 201, created.body)
      assert.equal(json(created).label, '2025/26')
      const mine = json(await bearer(app, tokens.staff, 'GET', '/api/v1/appraisals'))
      assert.ok((mine.items as Json[])[0]?.id)
    })

    it('refuses bad objectives with 400 and writes nothing', async () => {
      const here = await council()
      const { tokens, nodeId } = here
      const appraisalId = await openCycle(here)
      const url = `/api/v1/appraisals/${appraisalId}/objectives`
      const foreign = await bearer(app, tokens.staff, 'POST', url, {
        title: 'Theirs',
        successMeasure: 'x',
        dueDate: '2026-03-31',
        nodeId: foreignNodeId,
      })
      assert.equal(foreign.statusCode, 400)
      assert.match(foreign.body, /plan item/)
      const undated = await bearer(app, tokens.staff, 'POST', url, {
        title: 'No date',
        successMeasure: 'x',
        dueDate: '31/03/2026',
        nodeId,
      })
      assert.equal(undated.statusCode, 400)
      assert.equal(await objectives(here.organisationId), 0)
      const added = await bearer(app, tokens.staff, 'POST', url, {
        title: 'Cut missed bins on my rounds',
        successMeasure: 'Under 40 per 100,000',
        dueDate: '2026-03-31',
        nodeId,
      })
      assert.equal(added.statusCode, 201, added.body)
      assert.equal(await objectives(here.organisationId), 1)
    })

    it('answers 404 to a colleague and lets the manager agree in the browser', async () => {
      const here = await council()
      const { tokens, colleague, manager } = here
      const appraisalId = await openCycle(here)
      await addObjective(here, appraisalId)
      const peek = await bearer(app, tokens.colleague, 'GET', `/api/v1/appraisals/${appraisalId}`)
      assert.equal(peek.statusCode, 404)
      const colleagueAgent = await Agent.signedIn(app, colleague.email)
      assert.equal((await colleagueAgent.get(`/appraisals/${appraisalId}`)).statusCode, 404)

      const browser = await Agent.signedIn(app, manager.email)
      const page = await browser.get(`/appraisals/${appraisalId}`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Cut missed bins on my rounds/)
      assert.match(page.body, /Clean streets for all/)
      assert.match(page.body, /Agree these objectives/)
      const agreed = await browser.post(`/appraisals/${appraisalId}/agree`)
      assert.equal(agreed.statusCode, 303)
      const after = await browser.get(`/appraisals/${appraisalId}`)
      assert.doesNotMatch(after.body, /Agree these objectives/)
      assert.match(after.body, /Completed on time/)
    })

    it('refuses a rating off the scale and the person signing off their own year', async () => {
      const here = await council()
      const { tokens, staff } = here
      const appraisalId = await agreedAppraisal(here)
      ctx.clock.now = new Date('2026-04-10T10:00:00Z')
      const url = `/api/v1/appraisals/${appraisalId}/year-end`
      const off = await bearer(app, tokens.manager, 'PUT', url, { rating: 5, comment: 'Superb' })
      assert.equal(off.statusCode, 400)
      assert.match(off.body, /rating/)
      const browser = await Agent.signedIn(app, staff.email)
      await browser.get(`/appraisals/${appraisalId}/year-end`)
      const form = await browser.post(`/appraisals/${appraisalId}/year-end`, {
        rating: '9',
        comment: 'Fine',
      })
      assert.equal(form.statusCode, 400)
      assert.match(form.body, /There is a problem/)
      assert.equal(
        (await bearer(app, tokens.staff, 'PUT', url, { rating: 3, comment: 'Met them' }))
          .statusCode,
        200,
      )
      assert.equal(
        (await bearer(app, tokens.manager, 'PUT', url, { rating: 3, comment: 'Agreed' }))
          .statusCode,
        200,
      )
      const own = await bearer(
        app,
        tokens.staff,
        'POST',
        `/api/v1/appraisals/${appraisalId}/sign-off`,
      )
      assert.equal(own.statusCode, 403)
      assert.match(own.body, /your own appraisal/)
      const signed = await bearer(
        app,
        tokens.manager,
        'POST',
        `/api/v1/appraisals/${appraisalId}/sign-off`,
      )
      assert.equal(signed.statusCode, 200, signed.body)
      assert.ok((json(signed).appraisal as Json).signedOffAt)
    })

    it('shows the cycle figures to the council, not to partners; the export to the performance team', async () => {
      const here = await council()
      const { tokens, officer, colleague, partner } = here
      await signedOffAppraisal(here)
      const cycles = json(await bearer(app, tokens.officer, 'GET', '/api/v1/appraisal-cycles'))
      const cycleId = ((cycles.items as Json[])[0]?.id as string | undefined) ?? ''
      const summary = await bearer(
        app,
        tokens.officer,
        'GET',
        `/api/v1/appraisal-cycles/${cycleId}/summary`,
      )
      assert.equal(summary.statusCode, 200)
      assert.equal(((json(summary).overall as Json).staff as number) > 0, true)
      const managers = await bearer(
        app,
        tokens.manager,
        'GET',
        `/api/v1/appraisal-cycles/${cycleId}/summary`,
      )
      assert.equal(managers.statusCode, 200)
      assert.deepEqual(json(managers).overall, json(summary).overall)
      const refused = await bearer(
        app,
        tokens.partner,
        'GET',
        `/api/v1/appraisal-cycles/${cycleId}/summary`,
      )
      assert.equal(refused.statusCode, 403)
      const csv = await bearer(
        app,
        tokens.officer,
        'GET',
        `/api/v1/appraisal-cycles/${cycleId}/export.csv`,
      )
      assert.equal(csv.statusCode, 200)
      assert.match(csv.headers['content-type'] ?? '', /text\/csv/)
      const sams = csv.body.split('\r\n').find((line) => line.startsWith('Sam Staff'))
      assert.match(sams ?? '', /done_on_time,3,3,/)
      const noExport = await bearer(
        app,
        tokens.manager,
        'GET',
        `/api/v1/appraisal-cycles/${cycleId}/export.csv`,
      )
      assert.equal(noExport.statusCode, 403)
      const browser = await Agent.signedIn(app, officer.email)
      const page = await browser.get(`/appraisal-cycles/${cycleId}`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Quality of performance/)
      assert.match(page.body, /export\.csv/)
      assert.doesNotMatch(page.body, /Sam Staff/)
      const colleagues = await Agent.signedIn(app, colleague.email)
      const list = await colleagues.get('/appraisal-cycles')
      assert.match(list.body, new RegExp(`href="/appraisal-cycles/${cycleId}"`))
      const theirs = await colleagues.get(`/appraisal-cycles/${cycleId}`)
      assert.equal(theirs.statusCode, 200)
      assert.match(theirs.body, /Quality of performance/)
      assert.doesNotMatch(theirs.body, /export\.csv|joiners|Sam Staff/)
      const partners = await Agent.signedIn(app, partner.email)
      assert.equal((await partners.get(`/appraisal-cycles/${cycleId}`)).statusCode, 403)
    })
  })
}
