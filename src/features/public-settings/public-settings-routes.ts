import type { FastifyPluginAsync } from 'fastify'
import { Forbidden } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { handleForm } from '../../web/forms.ts'
import { parseInput } from '../../web/fields.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { isOrganisationAdministrator } from '../../core/roles.ts'
import { PublicSettingsInput } from '../public/index.ts'

const hide = { schema: { hide: true } }
const TEMPLATE = 'public-settings/views/settings.njk'
const TITLE = 'Public dashboard'

/** Signed-in administration of the public dashboard: whether to publish, and how. */
export const publicSettingsRoutes: FastifyPluginAsync<{ services: Services }> = async (
  app,
  { services },
) => {
  const publicData = services.publicDashboard

  app.get('/public-dashboard', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const settings = await publicData.settings(principal)
    return reply.view(TEMPLATE, {
      title: TITLE,
      settings,
      canChange: isOrganisationAdministrator(principal),
      saved: (request.query as Record<string, unknown> | undefined)?.saved === '1',
      values: {
        publishes: settings.publishes ? 'yes' : 'no',
        suppressBelow: String(settings.suppressBelow),
        showNames: settings.showNames ? 'yes' : 'no',
      },
    })
  })

  app.post('/public-dashboard', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    if (!isOrganisationAdministrator(principal)) throw new Forbidden()
    const body = (request.body ?? {}) as Record<string, unknown>
    const settings = await publicData.settings(principal)
    return handleForm(
      reply,
      { template: TEMPLATE, context: { title: TITLE, settings, canChange: true }, values: body },
      async () => {
        await publicData.updateSettings(principal, parseInput(PublicSettingsInput, body))
        return reply.redirect('/public-dashboard?saved=1', 303)
      },
    )
  })
}
