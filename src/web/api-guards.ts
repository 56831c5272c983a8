import type { FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { NotFound } from '../errors.ts'
import type { Principal } from '../core/principal.ts'
import { requirePrincipal } from './request-principal.ts'
import { IdParams } from './api-helpers.ts'

/**
 * A preValidation hook for an API route about an item: before the body is validated, the item
 * named in the path must exist for this person (`find` is the service's read, which answers 404
 * for a missing item or one they may not see, and may refuse with 403). So another
 * organisation's id is 404 whatever the body holds, and a 400 never tells an outsider that an
 * id is real. A path parameter that is not even well-formed names nothing: 404.
 *
 * `params` is the path's schema, `{ id }` when left out.
 */
export function existsFirst<P = z.output<typeof IdParams>>(
  find: (principal: Principal, params: P) => Promise<unknown>,
  params: z.ZodType<P> = IdParams as unknown as z.ZodType<P>,
): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const principal = requirePrincipal(request)
    const parsed = params.safeParse(request.params)
    if (!parsed.success) throw new NotFound()
    await find(principal, parsed.data)
  }
}
