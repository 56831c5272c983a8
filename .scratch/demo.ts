import { freshDatabase } from '../test/helpers/database.ts'
import { buildDemoCouncil } from '../src/features/demo/demo-council.ts'
import { createServices } from '../src/services.ts'
import { testConfig } from '../test/helpers/context.ts'
import * as authRepo from '../src/features/auth/auth-repository.ts'
const database = await freshDatabase('pglite')
const t0 = Date.now()
const org = await buildDemoCouncil(database.db)
console.log('built in', Date.now() - t0, 'ms')
const services = createServices({ config: testConfig(), database, clock: () => new Date() })
const find = async (email: string) => {
  const p = await database.db.selectFrom('people').select('id').where('email', '=', email).executeTakeFirstOrThrow()
  return (await authRepo.loadPrincipal(database.db, p.id))!
}
const gareth = await find('approver@example-city.gov.uk')
const sam = await find('dataentry@example-city.gov.uk')
const priya = await find('performance@example-city.gov.uk')
console.log('gareth tasks', (await services.tasks.list(gareth)).filter(t => t.kind === 'appraisal').map(t => t.title + ' | ' + t.detail))
console.log('sam tasks', (await services.tasks.list(sam)).filter(t => t.kind === 'appraisal').map(t => t.title + ' | ' + t.detail))
const cycles = await services.appraisals.listCycles(priya)
for (const c of cycles) {
  const s = await services.appraisals.cycleSummary(priya, c.id)
  console.log(c.label, JSON.stringify(s.overall), JSON.stringify(s.ratings))
  for (const u of s.byUnit) console.log('  ', u.unitName, u.staff, u.objectivesLinked.value, u.midYearOnTime.value)
}
const team = await services.appraisals.team(gareth)
console.log('team', team.members.map(m => m.person.name + ' ' + m.objectives.length), team.plans.map(p => p.title + ': ' + p.items.map(i => i.title + '=' + i.people.join('/')).join('; ')))
const vals = await database.db.selectFrom('measure_values').innerJoin('measures', 'measures.id', 'measure_values.measure_id').select(['measures.code', 'period_start', 'value', 'numerator', 'denominator']).where('measures.computation', 'in', ['appraisals_on_time', 'staff_objectives_linked']).orderBy('code').orderBy('period_start').execute()
console.log(vals.map(v => `${v.code} ${v.period_start} ${v.value} (${v.numerator}/${v.denominator})`).join('\n'))
const n = await database.db.selectFrom('notifications').select(['kind']).where('kind', 'like', 'appraisal%').execute()
console.log('appraisal notifications', n.length)
await database.close()
