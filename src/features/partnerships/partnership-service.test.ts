import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { Conflict, Forbidden, NotFound } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'

for (const mode of testModes()) {
  describe(`partnerships (${mode})`, () => {
    let ctx: TestContext
    let council: TestOrganisation
    let trust: TestOrganisation
    let councilAdmin: Principal
    let councilDirector: Principal
    let councilPartner: Principal
    let councilApprover: Principal
    let trustAdmin: Principal
    let trustOfficer: Principal
    let trustApprover: Principal
    let trustViewer: Principal
    let outsiderAdmin: Principal
    let partnershipId: string
    let priorityId: string
    let trustMeasure: string
    let councilMeasure: string
    let councilProject: string

    const audit = async (organisationId: string, action: string) =>
      ctx.database.db
        .selectFrom('audit_records')
        .select(['summary', 'actor_name'])
        .where('organisation_id', '=', organisationId)
        .where('action', '=', action)
        .execute()

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      council = await ctx.organisation('Example City')
      trust = await ctx.organisation('City NHS Trust')
      const outsider = await ctx.organisation('Elsewhere Council')
      councilAdmin = await ctx.person(council, { role: 'administrator', name: 'Council Admin' })
      councilDirector = await ctx.person(council, { role: 'viewer', name: 'Council Director' })
      councilPartner = await ctx.person(council, { role: 'partner', roleUnit: 'waste' })
      councilApprover = await ctx.person(council, { role: 'approver', roleUnit: 'care' })
      trustAdmin = await ctx.person(trust, { role: 'administrator', name: 'Trust Admin' })
      trustOfficer = await ctx.person(trust, {
        role: 'data_entry',
        roleUnit: 'care',
        name: 'Trust Officer',
      })
      trustApprover = await ctx.person(trust, { role: 'approver', roleUnit: 'care' })
      trustViewer = await ctx.person(trust, { role: 'viewer', name: 'Trust Viewer' })
      outsiderAdmin = await ctx.person(outsider, { role: 'administrator' })

      const base = {
        unit: 'number' as const,
        polarity: 'lower_is_better' as const,
        frequency: 'monthly' as const,
        kind: 'strategic' as const,
      }
      trustMeasure = (
        await ctx.services.measures.create(trustAdmin, {
          ...base,
          code: 'DTOC',
          title: 'Delayed transfers of care',
          unitId: trust.units.care,
        })
      ).id
      councilMeasure = (
        await ctx.services.measures.create(councilAdmin, {
          ...base,
          code: 'RB01',
          title: 'Discharges to reablement',
          unitId: council.units.reablement,
        })
      ).id
      councilProject = (
        await ctx.services.projects.create(councilAdmin, {
          level: 'project',
          title: 'Discharge to assess',
          leadUnitId: council.units.care,
        })
      ).id
      const partnership = await ctx.services.partnerships.create(councilAdmin, {
        name: 'Health and Care Partnership',
        purpose: 'Joint working across the health and social care interface',
      })
      partnershipId = partnership.id
      await ctx.services.partnerships.addMember(councilAdmin, partnershipId, {
        organisation: trust.slug,
      })
      priorityId = (
        await ctx.services.partnerships.addPriority(councilAdmin, partnershipId, {
          title: 'Get people home from hospital',
        })
      ).id
    })
    after(() => ctx.close())

    it('lets a member share its own measure, audited on both sides and listed for both', async () => {
      const share = await ctx.services.partnerships.share(trustAdmin, partnershipId, {
        itemKind: 'measure',
        itemId: trustMeasure,
        access: 'read',
        basis: 'Information sharing agreement, April 2025',
        priorityId,
      })
      assert.equal(share.ownerOrganisationName, 'City NHS Trust')
      for (const org of [council, trust]) {
        const records = await audit(org.id, 'partnership_item_shared')
        assert.equal(records.length, 1, 'one record in each member’s own audit chain')
        assert.match(records[0]?.summary ?? '', /DTOC: Delayed transfers of care/)
      }
      const councilSide = await ctx.services.partnerships.shares(councilAdmin, partnershipId)
      assert.deepEqual(
        councilSide.map((s) => s.id),
        [share.id],
      )
    })

    it('shows the trust’s approved value on the council’s dashboard, with the trust as owner', async () => {
      await ctx.services.values.save(trustOfficer, trustMeasure, {
        period: 'May 2025',
        value: 42,
        submit: true,
      })
      let view = await ctx.services.partnerships.overview(councilDirector, partnershipId)
      const before = view.priorities[0]?.items[0]
      assert.equal(before?.share.ownerOrganisationName, 'City NHS Trust')
      assert.equal(
        before.item.kind === 'measure' ? before.item.latest : 'not a measure',
        null,
        'a value its owner has not signed off is not shown to partners',
      )
      await ctx.services.values.approve(trustApprover, trustMeasure, '2025-05-01')
      view = await ctx.services.partnerships.overview(councilDirector, partnershipId)
      const item = view.priorities[0]?.items[0]?.item
      assert.ok(item?.kind === 'measure')
      assert.equal(item.latest?.value, 42)
      assert.equal(item.latest.period.label, 'May 2025')
    })

    it('lets a partner person of the council see the shared plan, and nothing else of the trust', async () => {
      const view = await ctx.services.partnerships.overview(councilPartner, partnershipId)
      assert.equal(view.items.length, 1)
      await assert.rejects(ctx.services.measures.get(councilPartner, trustMeasure), NotFound)
    })

    it('refuses a read-only share to contributors, and writes nothing', async () => {
      const share = (await ctx.services.partnerships.shares(councilAdmin, partnershipId))[0]
      assert.ok(share)
      await assert.rejects(
        ctx.services.partnerships.contributeValue(councilAdmin, partnershipId, share.id, {
          period: 'Apr 2025',
          value: 1,
        }),
        (error: unknown) => error instanceof Forbidden && /read only/.test(error.message),
      )
      const values = await ctx.services.values.list(trustAdmin, trustMeasure)
      assert.equal(values.length, 1)
    })

    it('lets the trust’s officer contribute to a council measure shared to contribute; the council approves', async () => {
      const share = await ctx.services.partnerships.share(councilAdmin, partnershipId, {
        itemKind: 'measure',
        itemId: councilMeasure,
        access: 'contribute',
        basis: 'Better Care Fund section 75 agreement',
      })
      await assert.rejects(
        ctx.services.partnerships.contributeValue(trustViewer, partnershipId, share.id, {
          period: 'May 2025',
          value: 5,
        }),
        Forbidden,
        'a viewer does not enter data, here or at home',
      )
      const saved = await ctx.services.partnerships.contributeValue(
        trustOfficer,
        partnershipId,
        share.id,
        { period: 'May 2025', value: 17, submit: true },
      )
      assert.equal(saved.value.status, 'submitted')
      assert.equal(saved.value.submittedBy, trustOfficer.personId)
      const entries = await audit(council.id, 'value_submitted')
      assert.match(entries[0]?.actor_name ?? '', /Trust Officer \(City NHS Trust\)/)
      // The trust's approver cannot sign off the council's data.
      await assert.rejects(
        ctx.services.values.approve(trustApprover, councilMeasure, '2025-05-01'),
        NotFound,
      )
      const approved = await ctx.services.values.approve(
        councilApprover,
        councilMeasure,
        '2025-05-01',
      )
      assert.equal(approved.status, 'approved')
    })

    it('refuses to share what the organisation does not own, or with a partnership it is not in', async () => {
      await assert.rejects(
        ctx.services.partnerships.share(trustAdmin, partnershipId, {
          itemKind: 'measure',
          itemId: councilMeasure,
          access: 'read',
          basis: 'None',
        }),
        (error: unknown) =>
          error instanceof NotFound && /your own organisation/.test(error.message),
      )
      await assert.rejects(
        ctx.services.partnerships.share(outsiderAdmin, partnershipId, {
          itemKind: 'measure',
          itemId: councilMeasure,
          access: 'read',
          basis: 'None',
        }),
        NotFound,
      )
      await assert.rejects(
        ctx.services.partnerships.overview(outsiderAdmin, partnershipId),
        NotFound,
      )
      await assert.rejects(
        ctx.services.partnerships.share(councilAdmin, partnershipId, {
          itemKind: 'measure',
          itemId: councilMeasure,
          access: 'read',
          basis: 'Again',
        }),
        Conflict,
      )
      await assert.rejects(
        ctx.services.partnerships.share(councilDirector, partnershipId, {
          itemKind: 'project',
          itemId: councilProject,
          access: 'read',
          basis: 'Basis',
        }),
        Forbidden,
      )
    })

    it('takes a withdrawn item away from the trust’s people at once, and tells both sides', async () => {
      const share = await ctx.services.partnerships.share(councilAdmin, partnershipId, {
        itemKind: 'project',
        itemId: councilProject,
        access: 'read',
        basis: 'Partnership board terms of reference',
        priorityId,
      })
      const seen = await ctx.services.partnerships.sharedItem(trustViewer, partnershipId, share.id)
      assert.equal(seen.item.label, 'Discharge to assess')
      await assert.rejects(
        ctx.services.partnerships.withdraw(trustAdmin, partnershipId, share.id, {}),
        Forbidden,
        'only the owner withdraws',
      )
      await ctx.services.partnerships.withdraw(councilAdmin, partnershipId, share.id, {
        reason: 'Board paused',
      })
      await assert.rejects(
        ctx.services.partnerships.sharedItem(trustViewer, partnershipId, share.id),
        (error: unknown) => error instanceof NotFound && /withdrawn/.test(error.message),
      )
      const view = await ctx.services.partnerships.overview(trustViewer, partnershipId)
      assert.ok(!view.items.some((i) => i.share.id === share.id))
      const logged = view.log.find((s) => s.id === share.id)
      assert.equal(logged?.live, false)
      assert.equal(logged.withdrawalReason, 'Board paused')
      for (const org of [council, trust]) {
        assert.equal((await audit(org.id, 'partnership_item_withdrawn')).length, 1)
      }
    })

    it('counts shared items their owner no longer has in one line, instead of empty boxes', async () => {
      const extra = await ctx.services.measures.create(trustAdmin, {
        code: 'GONE',
        title: 'Soon gone',
        unit: 'number',
        polarity: 'none',
        frequency: 'annual',
        kind: 'contextual',
      })
      await ctx.services.partnerships.share(trustAdmin, partnershipId, {
        itemKind: 'measure',
        itemId: extra.id,
        access: 'read',
        basis: 'ISA',
      })
      await ctx.database.db.deleteFrom('measures').where('id', '=', extra.id).execute()
      const view = await ctx.services.partnerships.overview(councilDirector, partnershipId)
      assert.equal(view.hidden, 1)
      assert.match(
        view.hiddenText ?? '',
        /1 shared item is hidden because its owner no longer has it/,
      )
    })

    it('renders the partnership report naming each item’s owner', async () => {
      const { rendered } = await ctx.services.partnerships.report(
        councilDirector,
        partnershipId,
        'html',
      )
      const html = rendered.body.toString('utf8')
      assert.match(html, /Health and Care Partnership/)
      assert.match(html, /City NHS Trust/)
      assert.match(html, /Delayed transfers of care/)
      const pdf = await ctx.services.partnerships.report(councilDirector, partnershipId, 'pdf')
      assert.equal(pdf.rendered.body.subarray(0, 4).toString(), '%PDF')
    })
  })
}
