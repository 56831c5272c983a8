import { plural } from '../../core/format.ts'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { requirePrincipal } from '../auth/authentication.ts'
import { acceptUploads, exportFilename, uploadedFile, XLSX } from './exchange-routes.ts'
import { ImportInvalid } from './exchange-service.ts'

const tags = ['Import and export']

export const exchangeApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  await acceptUploads(app)
  const { exchange } = services

  app.get(
    '/exports/workbook',
    {
      schema: {
        tags,
        summary:
          'Everything you may see as one .xlsx workbook: Measures, Targets, Values, Risks and Savings in the import layout (so it can be edited and imported again), and Projects to read',
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request)
      return reply
        .type(XLSX)
        .header('content-disposition', `attachment; filename="${exportFilename(principal)}"`)
        .send(await exchange.exportFile(principal))
    },
  )

  app.post(
    '/imports',
    {
      schema: {
        tags,
        summary:
          'Import measures, targets, values and risks: a multipart/form-data body with the .xlsx or .csv file in the "file" field. All or nothing; dryRun=true checks without writing.',
        querystring: z.object({ dryRun: z.enum(['true', 'false']).default('false') }),
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request)
      const file = uploadedFile(request.body)
      if (!file) throw Invalid.field('file', 'Send the file in a multipart "file" field')
      try {
        return await exchange.importFile(principal, file, {
          dryRun: request.query.dryRun === 'true',
        })
      } catch (error) {
        if (!(error instanceof ImportInvalid)) throw error
        return reply.code(400).send({
          error: {
            id: error.id,
            message: `Nothing was imported: the file has ${plural(error.rows.length, 'problem', 'problems')}`,
            details: error.rows,
          },
        })
      }
    },
  )
}
