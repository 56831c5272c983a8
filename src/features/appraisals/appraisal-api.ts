import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Services } from '../../services.ts'
import { existsFirst } from '../../web/api-guards.ts'
import { IdParams, PageQuerySchema, paginate } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { CycleInput, ObjectiveChanges, ObjectiveInput, ReviewInput } from './appraisal-schemas.ts'

const tags = ['Appraisals and objectives']
const ObjectiveParams = z.object({
  id: z.uuid({ error: 'Not a valid id' }),
  objectiveId: z.uuid({ error: 'Not a valid id' }),
})

export const appraisalApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const appraisals = services.appraisals
  // Another organisation's appraisal, or one not the reader's to see, is 404 before any body
  // is looked at.
  const guard = existsFirst((p, { id }) => appraisals.check(p, id))
  const cycleGuard = existsFirst((p, { id }) => appraisals.getCycle(p, id))

  app.get(
    '/appraisal-cycles',
    {
      schema: {
        tags,
        summary: 'Appraisal cycles, newest year first',
        querystring: PageQuerySchema,
      },
    },
    async (request) =>
      paginate(
        await appraisals.listCycles(requirePrincipal(request)),
        request.query.page,
        request.query.pageSize,
      ),
  )

  app.post(
    '/appraisal-cycles',
    {
      schema: {
        tags,
        summary:
          'Open a year’s cycle (performance team or HR): year (2026 for 2026/27) and the ' +
          'windows objectivesOpens/Closes, midYearOpens/Closes, yearEndOpens/Closes; every ' +
          'member of staff gets an appraisal',
        body: CycleInput,
      },
    },
    async (request, reply) =>
      reply.code(201).send(await appraisals.openCycle(requirePrincipal(request), request.body)),
  )

  app.get(
    '/appraisal-cycles/:id',
    { schema: { tags, summary: 'One appraisal cycle and its windows', params: IdParams } },
    async (request) => appraisals.getCycle(requirePrincipal(request), request.params.id),
  )

  app.get(
    '/appraisal-cycles/:id/summary',
    {
      schema: {
        tags,
        summary:
          'The cycle in figures (the council’s staff and members, not partners): objectives linked and stages on time, ' +
          'overall and by directorate; year-end ratings in aggregate, small numbers withheld',
        params: IdParams,
      },
    },
    async (request) => appraisals.cycleSummary(requirePrincipal(request), request.params.id),
  )

  app.get(
    '/appraisal-cycles/:id/export.csv',
    {
      schema: {
        tags,
        summary:
          'The cycle person by person as CSV for HR systems: stages, ratings and objectives ' +
          '(performance officers over the whole organisation; audited)',
        params: IdParams,
      },
    },
    async (request, reply) => {
      const file = await appraisals.exportCycle(requirePrincipal(request), request.params.id)
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .send(file.csv)
    },
  )

  app.post(
    '/appraisal-cycles/:id/joiners',
    {
      preValidation: cycleGuard,
      schema: { tags, summary: 'Bring staff who joined since into the cycle', params: IdParams },
    },
    async (request) => ({
      added: await appraisals.addJoiners(requirePrincipal(request), request.params.id),
    }),
  )

  app.get(
    '/appraisals',
    { schema: { tags, summary: 'Your own appraisals, one per year, newest first' } },
    async (request) => ({ items: await appraisals.mine(requirePrincipal(request)) }),
  )

  app.get(
    '/appraisals/team',
    {
      schema: {
        tags,
        summary:
          'Your direct reports in a cycle (the latest unless cycleId is given): stages, objectives, ' +
          'and the items of the team’s plans with who works on each',
        querystring: z.object({ cycleId: z.uuid({ error: 'Not a valid id' }).optional() }),
      },
    },
    async (request) => appraisals.team(requirePrincipal(request), request.query.cycleId),
  )

  app.get(
    '/appraisals/:id',
    {
      schema: {
        tags,
        summary:
          'One appraisal with its objectives, each with its path up the thread, and the reviews ' +
          '(only for the person, their line managers and the performance team; reads are audited)',
        params: IdParams,
      },
    },
    async (request) => appraisals.detail(requirePrincipal(request), request.params.id),
  )

  app.post(
    '/appraisals/:id/objectives',
    {
      preValidation: guard,
      schema: {
        tags,
        summary:
          'Add an objective: title, successMeasure, dueDate, nodeId (the plan item it serves), ' +
          'optionally measureId and projectId',
        params: IdParams,
        body: ObjectiveInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await appraisals.addObjective(requirePrincipal(request), request.params.id, request.body),
        ),
  )

  app.patch(
    '/appraisals/:id/objectives/:objectiveId',
    {
      preValidation: guard,
      schema: {
        tags,
        summary: 'Change an objective',
        params: ObjectiveParams,
        body: ObjectiveChanges,
      },
    },
    async (request) =>
      appraisals.updateObjective(
        requirePrincipal(request),
        request.params.id,
        request.params.objectiveId,
        request.body,
      ),
  )

  app.delete(
    '/appraisals/:id/objectives/:objectiveId',
    {
      preValidation: guard,
      schema: { tags, summary: 'Remove an objective', params: ObjectiveParams },
    },
    async (request, reply) => {
      await appraisals.removeObjective(
        requirePrincipal(request),
        request.params.id,
        request.params.objectiveId,
      )
      return reply.code(204).send()
    },
  )

  app.post(
    '/appraisals/:id/agree',
    {
      preValidation: guard,
      schema: { tags, summary: 'Agree the objectives (the line manager)', params: IdParams },
    },
    async (request) => {
      await appraisals.agree(requirePrincipal(request), request.params.id)
      return appraisals.detail(requirePrincipal(request), request.params.id)
    },
  )

  for (const [path, stage] of [
    ['mid-year', 'mid_year'],
    ['year-end', 'year_end'],
  ] as const) {
    app.put(
      `/appraisals/:id/${path}`,
      {
        preValidation: guard,
        schema: {
          tags,
          summary: `Write your ${path} review, as the person or their line manager: rating 1 (not met) to 4 (exceeded) and comment`,
          params: IdParams,
          body: ReviewInput,
        },
      },
      async (request) => {
        await appraisals.review(requirePrincipal(request), request.params.id, stage, request.body)
        return appraisals.detail(requirePrincipal(request), request.params.id)
      },
    )
  }

  app.post(
    '/appraisals/:id/sign-off',
    {
      preValidation: guard,
      schema: {
        tags,
        summary: 'Sign off the year (the line manager, never the person)',
        params: IdParams,
      },
    },
    async (request) => {
      await appraisals.signOff(requirePrincipal(request), request.params.id)
      return appraisals.detail(requirePrincipal(request), request.params.id)
    },
  )
}
