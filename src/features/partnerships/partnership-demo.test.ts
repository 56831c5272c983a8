import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Agent } from '../../../test/helpers/browser-agent.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { App } from '../../app.ts'
import { buildDemoCouncil, DEMO_PASSWORD } from '../demo/index.ts'
import { DEMO_TRUST_NAME } from './partnership-demo.ts'

interface Overview {
  partnership: { id: string; name: string }
  items: {
    share: { id: string; ownerOrganisationName: string; itemKind: string; access: string }
    item: { label: string; latest?: { value: number | null; period: { label: string } } | null }
  }[]
}

for (const mode of testModes()) {
  describe(`the demo Health and Care Partnership (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let partnershipId: string
    const signIn = (email: string) => Agent.signedIn(app, email, DEMO_PASSWORD)

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-11-20T12:00:00Z')
      await buildDemoCouncil(ctx.database.db, ctx.clock.read)
      app = await ctx.app()
      const director = await signIn('director@example-city.gov.uk')
      const list = JSON.parse((await director.api('GET', '/api/v1/partnerships')).body) as {
        items: { id: string; name: string }[]
      }
      assert.equal(list.items.length, 1)
      partnershipId = list.items[0]?.id ?? ''
    })
    after(() => ctx.close())

    it('takes a value the trust’s officer enters and its own approver signs off to the council’s director, naming the trust', async () => {
      const officer = await signIn('officer@example-nhs.nhs.uk')
      const measures = JSON.parse(
        (await officer.api('GET', '/api/v1/measures?search=NHS-HD01')).body,
      ) as { items: { id: string; code: string }[] }
      const measure = measures.items.find((m) => m.code === 'NHS-HD01')
      assert.ok(measure, 'the officer sees the trust’s own measure')
      const entered = await officer.api('POST', `/api/v1/measures/${measure.id}/values`, {
        period: 'Oct 2025',
        value: 131,
        commentary: 'Discharge hub fully staffed',
        submit: true,
      })
      assert.equal(entered.statusCode, 201, entered.body)

      const director = await signIn('director@example-city.gov.uk')
      const read = async () =>
        JSON.parse(
          (await director.api('GET', `/api/v1/partnerships/${partnershipId}`)).body,
        ) as Overview
      const before = (await read()).items.find((i) => i.item.label.startsWith('NHS-HD01'))
      assert.equal(before?.share.ownerOrganisationName, DEMO_TRUST_NAME)
      assert.notEqual(before.item.latest?.period.label, 'Oct 2025', 'not shown before sign-off')

      const approver = await signIn('approver@example-nhs.nhs.uk')
      const approved = await approver.api(
        'POST',
        `/api/v1/measures/${measure.id}/values/2025-10-01/approve`,
        {},
      )
      assert.equal(approved.statusCode, 200, approved.body)

      const after = (await read()).items.find((i) => i.item.label.startsWith('NHS-HD01'))
      assert.equal(after?.item.latest?.value, 131)
      assert.equal(after.item.latest.period.label, 'Oct 2025')
      const page = await director.get(`/partnerships/${partnershipId}`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Patients discharged from hospital to reablement/)
      assert.match(page.body, /<strong>Owner:<\/strong> Example City NHS Foundation Trust/)
    })

    it('takes a share the council withdraws away from the trust’s people at once', async () => {
      const trustDirector = await signIn('director@example-nhs.nhs.uk')
      const overview = JSON.parse(
        (await trustDirector.api('GET', `/api/v1/partnerships/${partnershipId}`)).body,
      ) as Overview
      const councils = overview.items.find((i) => i.item.label.startsWith('AS02'))
      assert.ok(councils, 'the trust sees the council’s shared measure')
      assert.equal(
        (await trustDirector.get(`/partnerships/${partnershipId}/shares/${councils.share.id}`))
          .statusCode,
        200,
      )

      const councilOfficer = await signIn('performance@example-city.gov.uk')
      const refused = await trustDirector.api(
        'DELETE',
        `/api/v1/partnerships/${partnershipId}/shares/${councils.share.id}`,
      )
      assert.equal(refused.statusCode, 403, 'the trust cannot withdraw the council’s item')
      const withdrawn = await councilOfficer.api(
        'POST',
        `/api/v1/partnerships/${partnershipId}/shares/${councils.share.id}/withdraw`,
        { reason: 'Being redefined' },
      )
      assert.equal(withdrawn.statusCode, 200, withdrawn.body)

      const gone = await trustDirector.api(
        'GET',
        `/api/v1/partnerships/${partnershipId}/shares/${councils.share.id}`,
      )
      assert.equal(gone.statusCode, 404)
      assert.match(gone.body, /withdrawn/)
      const page = await trustDirector.get(`/partnerships/${partnershipId}`)
      assert.ok(!page.body.includes('Delayed transfers of care from hospital per 100,000 adults'))
      assert.match(page.body, /Withdrawn/)
      assert.match(page.body, /Being redefined/)
    })

    it('refuses a contribution to a read-only share and takes one to a contribute share, for the council to sign off', async () => {
      const officer = await signIn('officer@example-nhs.nhs.uk')
      const overview = JSON.parse(
        (await officer.api('GET', `/api/v1/partnerships/${partnershipId}`)).body,
      ) as Overview
      const readOnly = overview.items.find(
        (i) => i.share.access === 'read' && i.share.itemKind === 'project',
      )
      const contribute = overview.items.find((i) => i.share.access === 'contribute')
      assert.ok(readOnly && contribute)
      const refused = await officer.api(
        'POST',
        `/api/v1/partnerships/${partnershipId}/shares/${readOnly.share.id}/updates`,
        { month: '2025-10', highlights: 'Board met', confidence: 'high' },
      )
      assert.equal(refused.statusCode, 403)
      assert.match(refused.body, /read only/)
      const taken = await officer.api(
        'POST',
        `/api/v1/partnerships/${partnershipId}/shares/${contribute.share.id}/values`,
        { period: '2025/26 Q3', value: 86.5, submit: true },
      )
      assert.ok([200, 201].includes(taken.statusCode), taken.body)
      assert.equal((JSON.parse(taken.body) as { status: string }).status, 'submitted')
    })

    it('shows the partner person their partnership on the home page, and no empty boxes on dashboards', async () => {
      const partner = await signIn('partner@example-city.gov.uk')
      const home = await partner.get('/')
      assert.match(home.body, /Health and Care Partnership/)
      assert.match(home.body, new RegExp(`/partnerships/${partnershipId}`))
      const spec = await partner.api('GET', '/api/v1/openapi.json')
      for (const path of [
        '/api/v1/partnerships',
        '/api/v1/partnerships/{id}/members',
        '/api/v1/partnerships/{id}/shares',
        '/api/v1/partnerships/{id}/shares/{shareId}/withdraw',
      ]) {
        assert.ok(spec.body.includes(`"${path}"`), `${path} is in the OpenAPI document`)
      }
      const report = await partner.get(`/partnerships/${partnershipId}/report?format=docx`)
      assert.equal(report.statusCode, 200)
      assert.match(String(report.headers['content-type']), /wordprocessingml/)
      const dashboards = JSON.parse((await partner.api('GET', '/api/v1/dashboards')).body) as {
        items: { id: string }[]
      }
      for (const d of dashboards.items) {
        const page = await partner.get(`/dashboards/${d.id}`)
        assert.ok(!page.body.includes('Not available'), `dashboard ${d.id} shows an empty box`)
      }
    })
  })
}
