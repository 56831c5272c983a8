import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { Agent } from '../../../test/helpers/browser-agent.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { parseInput } from '../../web/fields.ts'
import type { Principal } from '../../core/principal.ts'
import { ProjectInput } from '../projects/index.ts'
import { ActionInput, RiskInput } from './risk-schemas.ts'

type Response = Awaited<ReturnType<Agent['get']>>

function assertPage(response: Response, status = 200): string {
  assert.equal(response.statusCode, status, response.body.slice(0, 500))
  assert.equal((response.body.match(/<h1[\s>]/g) ?? []).length, 1, 'one h1')
  return response.body
}

function assertErrorSummary(response: Response, field: string, message: RegExp): void {
  assertPage(response, 400)
  assert.match(response.body, /govuk-error-summary/)
  assert.match(response.body, new RegExp(`href="#${field}"`))
  assert.match(response.body, message)
}

const RISK = {
  reference: 'WSS03',
  title: 'Refuse fleet breakdowns',
  category: 'operational',
  reviewFrequency: 'monthly',
  inherentLikelihood: '4',
  inherentImpact: '4',
  currentLikelihood: '4',
  currentImpact: '4',
  targetLikelihood: '2',
  targetImpact: '3',
}

for (const mode of testModes()) {
  describe(`risks linked to projects, on pages (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let officer: Principal & { email: string }
    let officerAgent: Agent
    let viewerAgent: Agent
    let riskId: string
    let programmeId: string
    let projectId: string
    let foreignProjectId: string

    const linkCount = async () =>
      (
        await ctx.database.db
          .selectFrom('risk_links')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n.toString()

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-15T12:00:00Z')
      app = await ctx.app()
      const org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer', name: 'Olive Officer' })
      const viewer = await ctx.person(org, { role: 'viewer' })
      officerAgent = await Agent.signedIn(app, officer.email)
      viewerAgent = await Agent.signedIn(app, viewer.email)
      const { projects, risks } = ctx.services
      const programme = await projects.create(
        officer,
        parseInput(ProjectInput, {
          level: 'programme',
          code: 'WST',
          title: 'Waste transformation',
        }),
      )
      programmeId = programme.id
      projectId = (
        await projects.create(
          officer,
          parseInput(ProjectInput, {
            level: 'project',
            parentId: programmeId,
            code: 'WST1',
            title: 'Weekly food waste',
          }),
        )
      ).id
      const register = await risks.createRegister(officer, {
        name: 'Waste service risks',
        level: 'service',
      })
      riskId = (
        await risks.createRisk(
          officer,
          parseInput(RiskInput, { ...RISK, registerId: register.id, ownerId: officer.personId }),
        )
      ).id
      await risks.addAction(
        officer,
        riskId,
        parseInput(ActionInput, {
          description: 'Hire six vehicles',
          ownerId: officer.personId,
          dueDate: '2025-05-01',
          status: 'in_progress',
        }),
      )
      await risks.addAction(
        officer,
        riskId,
        parseInput(ActionInput, {
          description: 'Award the fleet contract',
          dueDate: '2025-09-30',
          status: 'not_started',
        }),
      )
      const other = await ctx.organisation()
      const otherOfficer = await ctx.person(other, { role: 'performance_officer' })
      foreignProjectId = (
        await projects.create(
          otherOfficer,
          parseInput(ProjectInput, { level: 'programme', title: 'Their secret programme' }),
        )
      ).id
    })
    after(() => ctx.close())

    it('offers the projects the person may see, and no other organisation’s', async () => {
      const form = assertPage(await officerAgent.get(`/risks/${riskId}/projects/new`))
      assert.match(
        form,
        new RegExp(`value="${programmeId}"[^>]*>Programme: WST Waste transformation`),
      )
      assert.match(form, new RegExp(`value="${projectId}"`))
      assert.doesNotMatch(form, /Their secret programme/)
      const risk = assertPage(await officerAgent.get(`/risks/${riskId}`))
      assert.match(risk, new RegExp(`href="/risks/${riskId}/projects/new"`))
    })

    it('refuses empty, malformed and another organisation’s items with an error summary, writing nothing', async () => {
      const before = await linkCount()
      assertErrorSummary(
        await officerAgent.post(`/risks/${riskId}/projects/new`, {}),
        'itemId',
        /Select a programme, project or action/,
      )
      assertErrorSummary(
        await officerAgent.post(`/risks/${riskId}/projects/new`, { itemId: 'not-an-id' }),
        'itemId',
        /Select a programme, project or action/,
      )
      assertErrorSummary(
        await officerAgent.post(`/risks/${riskId}/projects/new`, { itemId: foreignProjectId }),
        'itemId',
        /Select a project from the list/,
      )
      assert.equal(await linkCount(), before)
    })

    it('leaves viewers without the form, and refuses their posts', async () => {
      const before = await linkCount()
      const risk = assertPage(await viewerAgent.get(`/risks/${riskId}`))
      assert.doesNotMatch(risk, /projects\/new/)
      assert.equal((await viewerAgent.get(`/risks/${riskId}/projects/new`)).statusCode, 403)
      await viewerAgent.get(`/risks/${riskId}`)
      const posted = await viewerAgent.post(`/risks/${riskId}/projects/new`, { itemId: projectId })
      assert.equal(posted.statusCode, 403)
      assert.equal(await linkCount(), before)
    })

    it('answers 404 for a risk that does not exist', async () => {
      const missing = '00000000-0000-4000-8000-000000000099'
      assert.equal((await officerAgent.get(`/risks/${missing}/projects/new`)).statusCode, 404)
    })

    it('links the risk, which the risk page, the project page and the highlight report show', async () => {
      await officerAgent.get(`/risks/${riskId}/projects/new`)
      const linked = await officerAgent.post(`/risks/${riskId}/projects/new`, { itemId: projectId })
      assert.equal(linked.statusCode, 303, linked.body.slice(0, 800))
      assert.equal(linked.headers.location, `/risks/${riskId}#related`)

      const risk = assertPage(await viewerAgent.get(`/risks/${riskId}`))
      assert.match(
        risk,
        new RegExp(
          `Project: <a class="govuk-link" href="/projects/${projectId}">WST1 Weekly food waste</a>`,
        ),
      )

      const again = await officerAgent.post(`/risks/${riskId}/projects/new`, { itemId: projectId })
      assert.equal(again.statusCode, 400, 'the form no longer offers it, so it is not in the list')

      await officerAgent.get(`/risks/${riskId}/projects/new`)
      const onProgramme = await officerAgent.post(`/risks/${riskId}/projects/new`, {
        itemId: programmeId,
      })
      assert.equal(onProgramme.statusCode, 303)

      const project = assertPage(await viewerAgent.get(`/projects/${projectId}`))
      const risks = project.slice(project.indexOf('id="risks"'))
      assert.match(risks, new RegExp(`href="/risks/${riskId}">WSS03 Refuse fleet breakdowns</a>`))
      assert.match(risks, /aria-hidden="true" class="gt-band__mark">▮▮▮▮<\/span> Very high 16/)
      assert.match(risks, /Olive Officer/)

      const report = assertPage(
        await viewerAgent.get(`/projects/${programmeId}/highlight?month=2025-06`),
      )
      const section = report.slice(report.indexOf('id="risks"'))
      const programmeAt = section.indexOf('Programme: WST Waste transformation')
      assert.ok(programmeAt > 0, 'the programme’s own risks are reported')
      // Linked to the programme and one of its projects, the risk is listed once, under the
      // programme, saying where else it is linked.
      assert.equal(section.split('WSS03 Refuse fleet breakdowns</a>').length - 1, 1, 'listed once')
      assert.match(section, /Also linked to WST1/)
      assert.match(section, /Very high 16/)
      assert.match(
        section,
        /Hire six vehicles<br><span class="govuk-body-s">Olive Officer; due 1 May 2025; In progress<\/span> <strong[^>]*><span aria-hidden="true">!<\/span> Overdue/,
      )
      assert.match(
        section,
        /Award the fleet contract<br><span class="govuk-body-s">No owner; due 30 September 2025; Not started<\/span>\s*<\/li>/,
      )
    })

    it('leaves closed risks out of the highlight report but on the project page', async () => {
      await ctx.services.risks.updateRisk(officer, riskId, { status: 'closed' })
      const report = assertPage(await viewerAgent.get(`/projects/${programmeId}/highlight`))
      assert.doesNotMatch(report, /WSS03/)
      assert.match(report, /No open risks are linked to this programme/)
      const project = assertPage(await viewerAgent.get(`/projects/${projectId}`))
      assert.match(
        project,
        /WSS03 Refuse fleet breakdowns<\/a><br><span class="govuk-body-s">Waste service risks<\/span> <strong class="govuk-tag govuk-tag--grey">Closed/,
      )
      await ctx.services.risks.updateRisk(officer, riskId, { status: 'open' })
    })

    it('removes the link with the button on the risk page', async () => {
      const link = (await ctx.services.risks.relatedItems(officer, riskId)).find(
        (r) => r.item.id === projectId,
      )
      assert.ok(link)
      await viewerAgent.get(`/risks/${riskId}`)
      const refused = await viewerAgent.post(`/risks/${riskId}/projects/${link.linkId}/remove`, {})
      assert.equal(refused.statusCode, 403)
      const page = assertPage(await officerAgent.get(`/risks/${riskId}`))
      assert.match(page, new RegExp(`action="/risks/${riskId}/projects/${link.linkId}/remove"`))
      const removed = await officerAgent.post(`/risks/${riskId}/projects/${link.linkId}/remove`, {})
      assert.equal(removed.statusCode, 303)
      assert.deepEqual(
        (await ctx.services.risks.relatedItems(officer, riskId)).map((r) => r.item.id),
        [programmeId],
      )
      const project = assertPage(await viewerAgent.get(`/projects/${projectId}`))
      assert.match(project, /No risks are linked to this project/)
    })
  })
}
