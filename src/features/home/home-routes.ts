import type { FastifyPluginAsync } from 'fastify'
import type { Services } from '../../services.ts'
import { requirePrincipal } from '../auth/authentication.ts'
import { unitNames } from '../organisation/unit-options.ts'

export const homeRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const hide = { schema: { hide: true } }

  app.get('/', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const units = await services.organisation.listUnits(principal)
    const people = await services.organisation.listPeople(principal, { page: 1, pageSize: 1 })
    return reply.view('home/views/home.njk', {
      title: 'Home',
      names: unitNames(units),
      unitCount: units.filter((u) => u.active).length,
      directorates: units.filter(
        (u) => u.active && u.kind === 'directorate' && u.parentId === null,
      ),
      peopleCount: people.total,
      start:
        principal.roles.length > 0 ? await services.dashboards.startingPoints(principal) : null,
      partnerships: await services.partnerships.list(principal),
    })
  })

  app.get('/accessibility', hide, async (_request, reply) =>
    reply.view('accessibility.njk', { title: 'Accessibility statement' }),
  )
}
