import type { FastifyPluginAsync } from 'fastify'
import type { Services } from '../../services.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { unitNames } from '../organisation/index.ts'
import { groupTasks } from '../tasks/index.ts'

/** Tasks shown per group on the home page; the rest are on "Your tasks". */
const HOME_TASKS_PER_GROUP = 5

export const homeRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const hide = { schema: { hide: true } }

  app.get('/', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const units = await services.organisation.listUnits(principal)
    const people = await services.organisation.listPeople(principal, { page: 1, pageSize: 1 })
    const home = await services.home.home(principal)
    return reply.view('home/views/home.njk', {
      title: 'Home',
      names: unitNames(units),
      unitCount: units.filter((u) => u.active).length,
      directorates: units.filter(
        (u) => u.active && u.kind === 'directorate' && u.parentId === null,
      ),
      peopleCount: people.total,
      partnerships: await services.partnerships.list(principal),
      taskTotal: home.tasks.length,
      taskGroups: groupTasks(home.tasks).map((g) => ({
        ...g,
        more: Math.max(0, g.tasks.length - HOME_TASKS_PER_GROUP),
        tasks: g.tasks.slice(0, HOME_TASKS_PER_GROUP),
      })),
      glances: home.glances,
      start: home.start,
    })
  })

  app.get('/accessibility', hide, async (_request, reply) =>
    reply.view('accessibility.njk', { title: 'Accessibility statement' }),
  )
}
