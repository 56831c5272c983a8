import { headlineNote } from '../../core/measure-figure.ts'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { z } from 'zod'
import type { ExceptionReason } from '../../core/dashboards.ts'
import { Forbidden, Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { variationIcon } from '../../web/charts/spc-icons.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams } from '../../web/fields.ts'
import { formErrors, handleForm } from '../../web/forms.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import type { Principal } from '../../core/principal.ts'
import { canShapeFramework } from '../framework/index.ts'
import { formatValue } from '../measures/index.ts'
import { unitNames, unitSelectItems } from '../organisation/index.ts'
import type { MeasureTile, Section, Tile } from './dashboard-service.ts'
import { sparkline } from './dashboard-presenter.ts'
import {
  DashboardInput,
  ExceptionFilters,
  LIST_KINDS,
  LIST_NAMES,
  MoveInput,
  SettingsInput,
  TileInput,
} from './dashboard-schemas.ts'

const hide = { schema: { hide: true } }
const TileParams = IdParams.extend({ tileId: z.uuid() })
const AsAtQuery = z.object({ asAt: z.string().max(40).optional().catch(undefined) })
type Body = Record<string, unknown>

/** Empty form fields are absent, not blank strings. */
const present = (body: Body) =>
  Object.fromEntries(Object.entries(body).filter(([, v]) => v !== '' && v !== undefined))

/** What a tile needs to be drawn: formatted figures, the SPC icon and the trend line. */
function decorate(tile: Tile) {
  if (tile.kind !== 'measure') return tile
  const m: MeasureTile = tile
  return {
    ...m,
    valueText: formatValue(m.value, m),
    targetText: m.target === null ? 'none' : formatValue(m.target, m),
    approvalNote: headlineNote(m.approval, m.approvalPeriod),
    icon: variationIcon(m.variation.pointType, m.variation.improvement as never, {
      size: 28,
      decorative: true,
    }),
    spark: sparkline(m.trend),
    trend: m.trend.map((p) => ({ ...p, text: formatValue(p.value, m) })),
  }
}

function decorateContent<C extends { sections: readonly Section[]; contextual: readonly Tile[] }>(
  content: C,
) {
  return {
    ...content,
    sections: content.sections.map((s) => ({ ...s, tiles: s.tiles.map(decorate) })),
    contextual: content.contextual.map(decorate),
  }
}

const TONES: Record<ExceptionReason, string> = {
  red: 'red',
  amber: 'yellow',
  overdue: 'orange',
  special_cause_concern: 'orange',
  above_appetite: 'red',
  off_track: 'red',
  at_risk: 'yellow',
  milestones_slipping: 'yellow',
  savings_at_risk: 'yellow',
}
const SYMBOLS: Record<ExceptionReason, string> = {
  red: '✖',
  amber: '▲',
  overdue: '!',
  special_cause_concern: '◆',
  above_appetite: '▲',
  off_track: '✕',
  at_risk: '!',
  milestones_slipping: '→',
  savings_at_risk: '£',
}

export const dashboardRoutes: FastifyPluginAsync<{ services: Services }> = async (
  app,
  { services },
) => {
  const dashboards = services.dashboards

  /** Renders a dashboard page; a bad "as at" re-shows today's view with the error. */
  async function page(
    reply: FastifyReply,
    path: string,
    asAt: string | undefined,
    build: (asAt: string | undefined) => Promise<Record<string, unknown> & { content: object }>,
  ) {
    try {
      const context = await build(asAt)
      return await reply.view('dashboards/views/dashboard.njk', {
        path,
        asAtInput: asAt,
        ...context,
      })
    } catch (error) {
      if (!(error instanceof Invalid) || !error.fields.some((f) => f.field === 'asAt')) throw error
      const context = await build(undefined)
      return reply.code(400).view('dashboards/views/dashboard.njk', {
        path,
        asAtInput: asAt,
        ...context,
        ...formErrors(error),
      })
    }
  }

  app.get('/dashboards', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const all = await dashboards.list(principal)
    const units = await services.organisation.listUnits(principal)
    return reply.view('dashboards/views/index.njk', {
      title: 'Dashboards',
      start: await dashboards.startingPoints(principal),
      mine: all.filter((d) => d.kind === 'personal' && d.ownerId === principal.personId),
      shared: all.filter((d) => d.kind === 'personal' && d.ownerId !== principal.personId),
      themes: await dashboards.themes(principal),
      directorates: units.filter((u) => u.active && u.kind === 'directorate'),
      holders: await dashboards.portfolioHolders(principal),
      names: unitNames(units),
      canSetUpCorporate: canShapeFramework(principal),
    })
  })

  app.get('/dashboards/corporate', hide, async (request, reply) => {
    const corporate = await dashboards.corporate(requirePrincipal(request))
    return reply.redirect(corporate ? `/dashboards/${corporate.id}` : '/dashboards', 303)
  })

  app.get('/dashboards/exceptions', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const query = present(request.query as Body)
    const units = await services.organisation.listUnits(principal)
    const themes = await dashboards.themes(principal)
    const holders = await dashboards.portfolioHolders(principal)
    const chosen = query as Record<string, string | undefined>
    const context = {
      title: 'What needs attention',
      query: chosen,
      unitItems: unitSelectItems(units, { selected: chosen.unitId, emptyText: 'All units' }),
      themeItems: [
        { value: '', text: 'All themes' },
        ...themes.map((t) => ({ value: t.id, text: t.title, selected: t.id === chosen.nodeId })),
      ],
      holderItems: [
        { value: '', text: 'All portfolio holders' },
        ...holders.map((h) => ({ value: h.id, text: h.name, selected: h.id === chosen.holderId })),
      ],
      kindNames: {
        measure: 'Measure',
        project: 'Programme or project',
        risk: 'Risk',
        saving: 'Saving',
      },
      tones: TONES,
      symbols: SYMBOLS,
    }
    try {
      const result = await dashboards.exceptions(principal, parseInput(ExceptionFilters, query))
      // The filters again for the page links, without the page.
      const pageQuery = new URLSearchParams(
        Object.entries(chosen).flatMap(([k, v]) =>
          k === 'page' || v === undefined || v === '' ? [] : [[k, v]],
        ),
      ).toString()
      return await reply.view('dashboards/views/exceptions.njk', {
        ...context,
        result,
        lastPage: Math.max(1, Math.ceil(result.total / result.pageSize)),
        pageQuery: pageQuery === '' ? '' : `${pageQuery}&`,
      })
    } catch (error) {
      if (!(error instanceof Invalid)) throw error
      return reply
        .code(400)
        .view('dashboards/views/exceptions.njk', { ...context, result: null, ...formErrors(error) })
    }
  })

  app.get('/dashboards/units/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const { asAt } = AsAtQuery.parse(request.query)
    return page(reply, `/dashboards/units/${id}`, asAt, async (at) => {
      const content = await dashboards.unitContent(principal, id, at)
      return {
        title: `${content.unit.name} dashboard`,
        heading: content.unit.name,
        caption: 'Directorate and team dashboard',
        intro:
          'Everything owned by this unit and the units beneath it: measures, programmes and projects, and open risks of its registers.',
        asAtLabel: content.asAt?.label,
        crumbs: content.ancestors.map((u) => ({ href: `/dashboards/units/${u.id}`, text: u.name })),
        children: content.children.map((u) => ({
          href: `/dashboards/units/${u.id}`,
          text: u.name,
        })),
        exceptionsHref: `/dashboards/exceptions?unitId=${id}`,
        content: decorateContent(content),
      }
    })
  })

  app.get('/dashboards/themes/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const { asAt } = AsAtQuery.parse(request.query)
    return page(reply, `/dashboards/themes/${id}`, asAt, async (at) => {
      const content = await dashboards.themeContent(principal, id, at)
      return {
        title: `${content.node.title} dashboard`,
        heading: content.node.title,
        caption: content.node.planTitle,
        intro:
          'Following the golden thread down: what is linked to this and to everything beneath it.',
        asAtLabel: content.asAt?.label,
        crumbs: content.ancestors.map((n) => ({
          href: `/dashboards/themes/${n.id}`,
          text: n.title,
        })),
        children: [
          ...content.children.map((n) => ({ href: `/dashboards/themes/${n.id}`, text: n.title })),
          {
            href: `/nodes/${content.node.id}`,
            text: 'This on the golden thread',
          },
        ],
        exceptionsHref: `/dashboards/exceptions?nodeId=${id}`,
        content: { ...decorateContent(content), panels: [] },
      }
    })
  })

  app.get('/dashboards/portfolios/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const { asAt } = AsAtQuery.parse(request.query)
    return page(reply, `/dashboards/portfolios/${id}`, asAt, async (at) => {
      const content = await dashboards.portfolioContent(principal, id, at)
      return {
        title: `Portfolio of ${content.holder.name}`,
        heading: `Portfolio of ${content.holder.name}`,
        caption: content.holder.jobTitle ?? 'Portfolio holder',
        intro: 'The themes and outcomes this councillor holds, each with everything beneath it.',
        asAtLabel: content.asAt?.label,
        crumbs: [],
        children: content.nodes.map((n) => ({ href: `/dashboards/themes/${n.id}`, text: n.title })),
        exceptionsHref: `/dashboards/exceptions?holderId=${id}`,
        content: { ...decorateContent(content), panels: [] },
      }
    })
  })

  // Saved dashboards

  app.get('/dashboards/new', hide, async (request, reply) => {
    requirePrincipal(request)
    const kind = (request.query as Body).kind === 'corporate' ? 'corporate' : 'personal'
    return reply.view('dashboards/views/new.njk', {
      title: kind === 'corporate' ? 'Set up the corporate dashboard' : 'Create a dashboard',
      kind,
      values: { title: kind === 'corporate' ? 'Corporate dashboard' : '' },
    })
  })

  app.post('/dashboards/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const body = request.body as Body
    const kind = body.kind === 'corporate' ? 'corporate' : 'personal'
    return handleForm(
      reply,
      {
        template: 'dashboards/views/new.njk',
        context: { title: 'Create a dashboard', kind },
        values: body,
      },
      async () => {
        const { title } = parseInput(DashboardInput.pick({ title: true }), body)
        const created = await dashboards.create(principal, {
          title,
          kind,
          tiles: [],
          description: null,
          sharedUnitId: null,
        })
        return reply.redirect(`/dashboards/${created.id}/edit`, 303)
      },
    )
  })

  app.get('/dashboards/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const { asAt } = AsAtQuery.parse(request.query)
    return page(reply, `/dashboards/${id}`, asAt, async (at) => {
      const content = await dashboards.dashboardContent(principal, id, at)
      const d = content.dashboard
      return {
        title: d.title,
        heading: d.title,
        caption: d.kind === 'corporate' ? principal.organisationName : 'Personal dashboard',
        intro: d.description,
        asAtLabel: content.asAt?.label,
        crumbs: [],
        children: [],
        editHref: d.canEdit ? `/dashboards/${id}/edit` : null,
        exceptionsHref: '/dashboards/exceptions',
        content: decorateContent(content),
      }
    })
  })

  async function editContext(principal: Principal, id: string, values: Body = {}) {
    const dashboard = await dashboards.get(principal, id)
    if (!dashboard.canEdit) throw new Forbidden()
    const measures = await services.measures.linkable(principal)
    const projects = await services.projects.list(principal)
    const risks = await services.risks.listRisks(principal, { status: 'open' })
    type Choice = { text: string; kind: 'measure' | 'project' | 'risk' }
    const labels = new Map<string, Choice>([
      ...measures.map(
        (m) => [m.id, { text: `Measure ${m.hint}: ${m.title}`, kind: 'measure' }] as const,
      ),
      ...projects.map(
        (p) =>
          [
            p.id,
            {
              text: `${p.level === 'programme' ? 'Programme' : p.level === 'project' ? 'Project' : 'Action'}: ${p.title}`,
              kind: 'project',
            },
          ] as const,
      ),
      ...risks.map(
        (r) => [r.id, { text: `Risk ${r.reference}: ${r.title}`, kind: 'risk' }] as const,
      ),
    ])
    const units = await services.organisation.listUnits(principal)
    return {
      title: `Change ${dashboard.title}`,
      dashboard,
      values,
      tiles: dashboard.tiles.map((t) => ({
        ...t,
        label:
          t.kind === 'list'
            ? `List: ${t.listName}`
            : (labels.get(t.itemId ?? '')?.text ?? `A ${t.kind} you cannot see`),
      })),
      kindItems: (['measure', 'project', 'risk', 'list'] as const).map((k) => ({
        value: k,
        text: {
          measure: 'A measure',
          project: 'A programme or project',
          risk: 'A risk',
          list: 'A list',
        }[k],
        checked: values.kind === k,
      })),
      itemItems: [
        { value: '', text: 'Choose an item' },
        // The kind lets the page's script offer only the items of the kind chosen.
        ...[...labels].map(([value, { text, kind }]) => ({
          value,
          text,
          selected: values.itemId === value,
          attributes: { 'data-kind': kind },
        })),
      ],
      listItems: [
        { value: '', text: 'Choose a list' },
        ...LIST_KINDS.map((k) => ({ value: k, text: LIST_NAMES[k], selected: values.list === k })),
      ],
      unitItems: unitSelectItems(units, {
        selected: (values.sharedUnitId as string | undefined) ?? dashboard.sharedUnitId,
        emptyText: 'Not shared',
      }),
    }
  }

  app.get('/dashboards/:id/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const dashboard = await dashboards.get(principal, id)
    if (!dashboard.canEdit) return reply.redirect(`/dashboards/${id}`, 303)
    return reply.view('dashboards/views/edit.njk', await editContext(principal, id))
  })

  app.post('/dashboards/:id/tiles', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const body = request.body as Body
    return handleForm(
      reply,
      {
        template: 'dashboards/views/edit.njk',
        context: await editContext(principal, id, body),
        values: body,
      },
      async () => {
        await dashboards.addTile(principal, id, parseInput(TileInput, present(body)))
        return reply.redirect(`/dashboards/${id}/edit`, 303)
      },
    )
  })

  app.post('/dashboards/:id/tiles/:tileId/move', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, tileId } = parseParams(TileParams, request.params)
    await dashboards.get(principal, id)
    const { move } = parseInput(MoveInput, request.body)
    await dashboards.moveTile(principal, id, tileId, move)
    return reply.redirect(`/dashboards/${id}/edit`, 303)
  })

  app.post('/dashboards/:id/tiles/:tileId/remove', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, tileId } = parseParams(TileParams, request.params)
    await dashboards.removeTile(principal, id, tileId)
    return reply.redirect(`/dashboards/${id}/edit`, 303)
  })

  app.post('/dashboards/:id/settings', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const body = request.body as Body
    return handleForm(
      reply,
      {
        template: 'dashboards/views/edit.njk',
        context: await editContext(principal, id, body),
        values: body,
      },
      async () => {
        const input = parseInput(SettingsInput, body)
        const current = await dashboards.get(principal, id)
        await dashboards.update(principal, id, {
          version: current.version,
          title: input.title,
          sharedUnitId: input.sharedUnitId ?? null,
        })
        return reply.redirect(`/dashboards/${id}`, 303)
      },
    )
  })

  app.post('/dashboards/:id/delete', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    await dashboards.remove(principal, id)
    return reply.redirect('/dashboards', 303)
  })
}
