// The filters' option lists in one statement give what listing the units and every page of
// people gives, partners seeing only the people of their units.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { everyone } from './organisation-link-kinds.ts'

for (const mode of testModes()) {
  describe(`option lists of units and people (${mode})`, () => {
    let ctx: TestContext
    before(async () => {
      ctx = await createTestContext(mode)
    })
    after(() => ctx.close())

    it('lists what listUnits and every page of listPeople list', async () => {
      const org = await ctx.organisation()
      const unitIds = Object.keys(org.units)
      const officer = await ctx.person(org, { role: 'performance_officer', name: 'Zed Officer' })
      for (const [i, unit] of unitIds.entries()) {
        await ctx.person(org, { role: 'viewer', unit, name: `Person ${i % 3} ${unit}` })
        await ctx.person(org, { role: null, unit, name: `Person ${i % 3} ${unit}` })
      }
      await ctx.person(org, { role: null, unit: null, name: 'Aaron Nobody' })
      const partner = await ctx.person(org, {
        role: 'partner',
        roleUnit: unitIds[0] ?? null,
        unit: unitIds[0] ?? null,
      })
      const org_ = ctx.services.organisation
      for (const principal of [officer, partner]) {
        const lists = await org_.optionLists(principal)
        assert.deepEqual(lists.units, await org_.listUnits(principal))
        assert.deepEqual(
          lists.people,
          (await everyone(org_, principal)).map((p) => ({
            id: p.id,
            name: p.name,
            active: p.active,
          })),
        )
      }
      const partnerPeople = (await org_.optionLists(partner)).people
      const officerPeople = (await org_.optionLists(officer)).people
      assert.ok(partnerPeople.length > 0 && partnerPeople.length < officerPeople.length)
    })
  })
}
