import { z } from 'zod'
import { Invalid, NotFound } from '../errors.ts'

const blankToNull = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? null : value

/** A required line of text; `what` completes "Enter …" as the Design System words it. */
export function requiredText(what: string, max = 200) {
  return z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, { error: `Enter ${what}` })
    .max(max, { error: `Must be ${max} characters or fewer` })
}

/** Optional text: an empty form field becomes null. */
export function optionalText(max = 2000) {
  return z.preprocess(
    blankToNull,
    z
      .string()
      .trim()
      .max(max, { error: `Must be ${max} characters or fewer` })
      .nullable()
      .optional(),
  )
}

/** An optional reference to another item: an empty select becomes null. */
export function optionalId(what: string) {
  return z.preprocess(
    blankToNull,
    z
      .uuid({ error: `Select ${what} from the list` })
      .nullable()
      .optional(),
  )
}

export function choice<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z.enum(values, { error: `Select ${what}` })
}

/** Zod issues as field errors for the GOV.UK error summary and the API's details. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw new Invalid(
    result.error.issues.map((issue) => ({
      field: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  )
}

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
})

/** Path parameters: an id that is not even well-formed names nothing, so the answer is 404. */
export function parseParams<S extends z.ZodType>(schema: S, params: unknown): z.output<S> {
  const result = schema.safeParse(params)
  if (!result.success) throw new NotFound()
  return result.data
}
