import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'
import { createLinkRegistry } from '../links/index.ts'
import { createRiskService } from './risk-service.ts'
import type { RiskInput } from './risk-schemas.ts'

const DAY = 86_400_000

function riskInput(registerId: string, overrides: Partial<RiskInput> = {}): RiskInput {
  return {
    registerId,
    reference: 'CR01',
    title: 'The budget gap is not closed',
    cause: 'Falling grant',
    event: 'Savings fall short',
    effect: 'Reserves run out',
    category: 'financial',
    ownerId: null,
    reviewFrequency: 'quarterly',
    nextReviewDate: null,
    inherentLikelihood: 5,
    inherentImpact: 5,
    currentLikelihood: 4,
    currentImpact: 4,
    targetLikelihood: 2,
    targetImpact: 3,
    ...overrides,
  }
}

async function auditCount(ctx: TestContext, organisationId: string) {
  const row = await ctx.database.db
    .selectFrom('audit_records')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirstOrThrow()
  return row.n
}

for (const mode of testModes()) {
  describe(`risk service (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let other: TestOrganisation
    let officer: Principal
    let approver: Principal
    let viewer: Principal
    let partner: Principal
    let outsider: Principal
    let corporateId: string
    let serviceId: string

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-15T12:00:00Z')
      org = await ctx.organisation()
      other = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      approver = await ctx.person(org, { role: 'approver', roleUnit: 'place' })
      viewer = await ctx.person(org, { role: 'viewer' })
      partner = await ctx.person(org, { role: 'partner', roleUnit: 'care' })
      outsider = await ctx.person(other, { role: 'administrator' })
      const risks = ctx.services.risks
      corporateId = (await risks.createRegister(officer, { name: 'Corporate', level: 'corporate' }))
        .id
      serviceId = (
        await risks.createRegister(officer, {
          name: 'Waste service',
          level: 'service',
          unitId: org.units.waste,
          parentRegisterId: corporateId,
        })
      ).id
    })
    after(() => ctx.close())

    it('raises a risk with its first assessment as the start of its score history', async () => {
      const risk = await ctx.services.risks.createRisk(officer, riskInput(corporateId))
      assert.equal(risk.current.score, 16)
      assert.equal(risk.current.band, 'very_high')
      assert.equal(risk.aboveAppetite, true)
      assert.equal(risk.nextReviewDate, '2025-09-15')
      const reviews = await ctx.services.risks.listReviews(viewer, risk.id)
      assert.deepEqual(
        reviews.map((r) => [r.reviewedOn, r.likelihood, r.impact]),
        [['2025-06-15', 4, 4]],
      )
    })

    it('refuses scores outside the matrix and a reference already used, writing nothing', async () => {
      const before = await auditCount(ctx, org.id)
      await assert.rejects(
        ctx.services.risks.createRisk(
          officer,
          riskInput(corporateId, { reference: 'CR09', targetImpact: 6 }),
        ),
        (e: Invalid) => e instanceof Invalid && e.fields[0]?.field === 'targetImpact',
      )
      await assert.rejects(
        ctx.services.risks.createRisk(officer, riskInput(corporateId, { reference: 'cr01' })),
        /already the reference/,
      )
      assert.equal(await auditCount(ctx, org.id), before)
    })

    it('records reviews: the latest moves the current score, direction of travel follows', async () => {
      const risks = ctx.services.risks
      const risk = await risks.createRisk(officer, riskInput(corporateId, { reference: 'CR02' }))
      ctx.clock.advance(30 * DAY)
      const { risk: after } = await risks.recordReview(officer, risk.id, {
        reviewedOn: '2025-07-10',
        likelihood: 3,
        impact: 3,
        note: 'Savings plan agreed',
      })
      assert.equal(after.current.score, 9)
      assert.equal(after.aboveAppetite, false)
      assert.equal(after.nextReviewDate, '2025-10-10')
      // An earlier review fills in the history without moving the current score.
      await risks.recordReview(officer, risk.id, {
        reviewedOn: '2025-06-20',
        likelihood: 5,
        impact: 4,
        note: 'Late entry',
      })
      const detail = await risks.riskDetail(viewer, risk.id)
      assert.equal(detail.risk.current.score, 9)
      assert.deepEqual(
        detail.history.map((h) => [h.reviewedOn, h.score.score, h.direction]),
        [
          ['2025-06-15', 16, null],
          ['2025-06-20', 20, 'worsening'],
          ['2025-07-10', 9, 'improving'],
        ],
      )
      ctx.clock.now = new Date('2025-06-15T12:00:00Z')
    })

    it('refuses a review dated in the future or outside the matrix', async () => {
      const risks = ctx.services.risks
      const risk = await risks.createRisk(officer, riskInput(corporateId, { reference: 'CR03' }))
      const before = await auditCount(ctx, org.id)
      await assert.rejects(
        risks.recordReview(officer, risk.id, {
          reviewedOn: '2025-06-16',
          likelihood: 2,
          impact: 2,
          note: 'x',
        }),
        /today or in the past/,
      )
      await assert.rejects(
        risks.recordReview(officer, risk.id, {
          reviewedOn: '2025-06-15',
          likelihood: 6,
          impact: 2,
          note: 'x',
        }),
        /Likelihood must be a whole number from 1 to 5/,
      )
      assert.equal(await auditCount(ctx, org.id), before)
    })

    it('lets owners and managers over the unit record, and nobody else', async () => {
      const risks = ctx.services.risks
      const owned = await risks.createRisk(
        approver,
        riskInput(serviceId, { reference: 'WSS01', ownerId: viewer.personId }),
      )
      const review = { reviewedOn: '2025-06-15', likelihood: 2, impact: 2, note: 'Fine' }
      await risks.recordReview(viewer, owned.id, review)
      await risks.addAction(viewer, owned.id, {
        description: 'Hire vehicles',
        status: 'not_started',
      })
      const notOwned = await risks.createRisk(
        approver,
        riskInput(serviceId, { reference: 'WSS02' }),
      )
      await assert.rejects(risks.recordReview(viewer, notOwned.id, review), Forbidden)
      await assert.rejects(
        risks.createRisk(viewer, riskInput(serviceId, { reference: 'WSS09' })),
        Forbidden,
      )
      await assert.rejects(
        risks.createRisk(approver, riskInput(corporateId, { reference: 'CR99' })),
        Forbidden,
        'an approver over one directorate may not raise corporate risks',
      )
    })

    it('flags overdue actions and lists reviews due and risks above appetite', async () => {
      const risks = ctx.services.risks
      const risk = await risks.createRisk(
        officer,
        riskInput(corporateId, {
          reference: 'CR04',
          reviewFrequency: 'monthly',
          nextReviewDate: '2025-06-01',
        }),
      )
      const late = await risks.addAction(officer, risk.id, {
        description: 'Late',
        dueDate: '2025-06-01',
        status: 'in_progress',
      })
      const done = await risks.addAction(officer, risk.id, {
        description: 'Done',
        dueDate: '2025-06-01',
        status: 'completed',
      })
      assert.equal(late.overdue, true)
      assert.equal(done.overdue, false)
      const due = await risks.reviewsDue(viewer)
      assert.ok(due.overdue.some((r) => r.id === risk.id))
      const above = await risks.aboveAppetite(viewer)
      assert.ok(above.some((r) => r.reference === 'CR04'))
      assert.ok(above.every((r) => r.aboveAppetite))
    })

    it('escalates a service risk to the corporate register and back, with reasons', async () => {
      const risks = ctx.services.risks
      const risk = await risks.createRisk(approver, riskInput(serviceId, { reference: 'WSS03' }))
      const up = await risks.escalate(approver, risk.id, {
        toRegisterId: corporateId,
        reason: 'Needs Cabinet funding',
      })
      assert.equal(up.registerId, corporateId)
      assert.ok(up.escalatedFrom)
      assert.equal(up.escalatedFrom.registerId, serviceId)
      assert.equal(up.escalatedFrom.reason, 'Needs Cabinet funding')
      const service = await risks.registerDetail(viewer, serviceId)
      assert.ok(service.escalatedAway.some((e) => e.risk.id === risk.id))
      const corporate = await risks.registerDetail(viewer, corporateId)
      assert.ok(corporate.risks.some((r) => r.id === risk.id))
      // The approver no longer manages it on the corporate register; the officer does.
      await assert.rejects(risks.deEscalate(approver, risk.id, { reason: 'x' }), Forbidden)
      await assert.rejects(
        risks.escalate(officer, risk.id, { toRegisterId: serviceId, reason: 'Further' }),
        /cannot be escalated further/,
      )
      const down = await risks.deEscalate(officer, risk.id, { reason: 'Funding agreed' })
      assert.equal(down.registerId, serviceId)
      assert.equal(down.escalatedFrom, null)
      await assert.rejects(risks.deEscalate(approver, risk.id, { reason: 'x' }), Conflict)
    })

    it('refuses escalation to a register that is not higher', async () => {
      const risks = ctx.services.risks
      const sibling = await risks.createRegister(officer, {
        name: 'Care service',
        level: 'service',
        unitId: org.units.care,
      })
      const risk = await risks.createRisk(officer, riskInput(serviceId, { reference: 'WSS04' }))
      await assert.rejects(
        risks.escalate(officer, risk.id, { toRegisterId: sibling.id, reason: 'Sideways' }),
        (e: Invalid) => e instanceof Invalid && e.fields[0]?.field === 'toRegisterId',
      )
    })

    it('draws the heat map of a register’s open risks', async () => {
      const detail = await ctx.services.risks.registerDetail(viewer, corporateId)
      const placed = detail.heatMap.rows.flatMap((r) => r.cells.flatMap((c) => c.items))
      assert.equal(placed.length, detail.risks.filter((r) => r.status === 'open').length)
      const cell = detail.heatMap.rows.find((r) => r.likelihood === 4)?.cells[3]
      assert.ok(cell?.items.some((i) => i.reference === 'CR01'))
    })

    it('shows partners only the registers of the units they work with', async () => {
      const risks = ctx.services.risks
      const care = await risks.createRegister(officer, {
        name: 'Care partnership',
        level: 'programme',
        unitId: org.units.care,
      })
      const visible = await risks.listRegisters(partner)
      assert.deepEqual(
        visible.map((r) => r.id).filter((id) => id === care.id || id === corporateId),
        [care.id],
      )
      await assert.rejects(risks.getRegister(partner, corporateId), NotFound)
      assert.ok((await risks.listRisks(partner)).every((r) => r.registerId === care.id))
    })

    it('keeps the matrix to the organisation’s configurers and refuses one that breaks the rules', async () => {
      const risks = ctx.services.risks
      const matrix = await risks.matrix(viewer)
      assert.equal(matrix.configured, false)
      const input = {
        size: matrix.size,
        likelihood: [...matrix.likelihood],
        impact: [...matrix.impact],
        bands: [...matrix.bands],
        appetite: 8,
      }
      await assert.rejects(risks.updateMatrix(approver, input), Forbidden)
      await assert.rejects(
        risks.updateMatrix(officer, { ...input, appetite: 20 }),
        (e: Invalid) => e instanceof Invalid && e.fields[0]?.field === 'appetite',
      )
      await assert.rejects(
        risks.updateMatrix(officer, {
          ...input,
          size: 4,
          likelihood: input.likelihood.slice(0, 4),
          impact: input.impact.slice(0, 4),
          bands: input.bands.map((b) => ({
            ...b,
            from: { low: 1, medium: 4, high: 8, very_high: 12 }[b.key],
          })),
        }),
        /before making the matrix smaller/,
      )
      const saved = await risks.updateMatrix(officer, input)
      assert.equal(saved.configured, true)
      assert.equal((await risks.matrix(viewer)).appetite, 8)
      await risks.updateMatrix(officer, { ...input, appetite: 9 })
    })

    it('computes the share of corporate red risks mitigated within three months', async () => {
      const risks = ctx.services.risks
      const series = await risks.riskMitigationSeries(
        viewer,
        'quarterly',
        '2025-04-01',
        '2025-12-31',
      )
      assert.deepEqual(
        series.map((p) => p.period.label),
        ['2025/26 Q1', '2025/26 Q2', '2025/26 Q3'],
      )
      // Nothing is counted before its three months are up (today is 15 June 2025).
      assert.ok(series.every((p) => p.denominator === 0 && p.value === null))
      ctx.clock.now = new Date('2025-10-01T12:00:00Z')
      const later = await risks.riskMitigationSeries(
        viewer,
        'quarterly',
        '2025-04-01',
        '2025-12-31',
      )
      const q2 = later[1]
      assert.ok(
        q2 && q2.denominator > 0,
        'red corporate risks raised in June fall due in September',
      )
      assert.ok(q2.numerator >= 1, 'CR02 came down to 9 in July')
      assert.equal(q2.value, Math.round((q2.numerator / q2.denominator) * 1000) / 10)
      ctx.clock.now = new Date('2025-06-15T12:00:00Z')
    })

    it('finds nothing of another organisation and writes nothing there', async () => {
      const risks = ctx.services.risks
      const risk = (await risks.listRisks(officer))[0]
      assert.ok(risk)
      const before = await auditCount(ctx, other.id)
      await assert.rejects(risks.getRisk(outsider, risk.id), NotFound)
      await assert.rejects(
        risks.recordReview(outsider, risk.id, {
          reviewedOn: '2025-06-01',
          likelihood: 1,
          impact: 1,
          note: 'x',
        }),
        NotFound,
      )
      await assert.rejects(risks.getRegister(outsider, corporateId), NotFound)
      await assert.rejects(
        risks.createRisk(outsider, riskInput(corporateId, { reference: 'X1' })),
        (e: Invalid) => e instanceof Invalid && e.fields[0]?.field === 'registerId',
      )
      assert.equal(await auditCount(ctx, other.id), before)
    })

    it('links related items of kinds other features register, such as projects', async () => {
      const links = createLinkRegistry()
      const project = {
        id: '00000000-0000-4000-8000-000000000001',
        title: 'New fleet',
        href: '/projects/1',
        status: null,
        active: true,
      }
      links.register({
        kind: 'project',
        name: 'project',
        pluralName: 'projects',
        relation: 'delivering',
        statuses: [],
        list: async () => [project],
        find: async (_p, ids) => (ids.includes(project.id) ? [project] : []),
      })
      const risks = createRiskService({ db: ctx.database.db, clock: ctx.clock.read, links })
      const risk = (await risks.listRisks(officer)).find((r) => r.reference === 'CR01')
      assert.ok(risk)
      await assert.rejects(
        risks.linkRelated(officer, risk.id, { itemKind: 'saving', itemId: project.id }),
        Invalid,
      )
      const linked = await risks.linkRelated(officer, risk.id, {
        itemKind: 'project',
        itemId: project.id,
      })
      assert.equal(linked.item.title, 'New fleet')
      assert.deepEqual(
        (await risks.risksLinkedTo(viewer, 'project', project.id)).map((r) => r.reference),
        ['CR01'],
      )
      await risks.unlinkRelated(officer, risk.id, linked.linkId)
      assert.deepEqual(await risks.relatedItems(viewer, risk.id), [])
      // In the whole service the projects feature registers its kind, so risks link to projects.
      assert.deepEqual(
        ctx.services.risks.relatedKinds().map((k) => k.kind),
        ['project'],
      )
    })
  })
}
