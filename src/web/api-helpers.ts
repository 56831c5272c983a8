import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { refuseHostile } from './fields.ts'

export const IdParams = z.object({ id: z.uuid({ error: 'Not a valid id' }) })

export const PageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
})

export function paginate<T>(all: readonly T[], page: number, pageSize: number) {
  return {
    items: all.slice((page - 1) * pageSize, page * pageSize),
    page,
    pageSize,
    total: all.length,
  }
}

export const ErrorResponse = z.object({
  error: z.object({
    id: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
})

/**
 * The type provider's validator with the edge checks in front: whatever a route's schema
 * allows, no control character, absurd number or deep nesting gets past validation (400).
 */
export const validatorCompiler: typeof zodValidatorCompiler = (route) => {
  const validate = zodValidatorCompiler(route)
  return (data) => {
    const refused = refuseHostile(data)
    return refused ? { error: refused } : validate(data)
  }
}
