import { z } from 'zod'
import { Invalid, NotFound, type FieldError } from '../errors.ts'

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

/** A schema without its create-time default (also inside nested objects), for a change. */
type WithoutDefault<T> =
  T extends z.ZodDefault<infer Inner>
    ? Inner
    : T extends z.ZodOptional<infer Inner>
      ? WithoutDefault<Inner>
      : T extends z.ZodObject<infer Shape>
        ? z.ZodObject<ChangesShape<Shape>>
        : T

export type ChangesShape<Shape extends z.ZodRawShape> = {
  [K in keyof Shape]: z.ZodOptional<WithoutDefault<Shape[K]>>
}

function withoutDefault(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodDefault) return withoutDefault(schema.unwrap() as z.ZodType)
  if (schema instanceof z.ZodOptional) return withoutDefault(schema.unwrap() as z.ZodType)
  if (schema instanceof z.ZodObject) return changesOf(schema)
  return schema
}

/**
 * The schema of a change (PATCH) made from the schema of a new item: every field optional and
 * no default anywhere, so a field that is not sent is left as it is. A default belongs to
 * creation only; on a change it would quietly reset what the person did not touch.
 */
export function changesOf<Shape extends z.ZodRawShape>(
  input: z.ZodObject<Shape>,
): z.ZodObject<ChangesShape<Shape>> {
  const shape = Object.fromEntries(
    Object.entries(input.shape).map(([key, field]) => [
      key,
      withoutDefault(field as z.ZodType).optional(),
    ]),
  )
  return z.object(shape) as unknown as z.ZodObject<ChangesShape<Shape>>
}

/** The largest magnitude any number may have: past every council figure, far from overflow. */
export const MAX_MAGNITUDE = 1e15
/** The largest whole number a count or version may have (a PostgreSQL integer). */
export const MAX_WHOLE = 2_147_483_647
const MAX_DEPTH = 16

// Tab, line feed and carriage return are text; every other C0 or C1 control character, and
// NUL above all (PostgreSQL refuses it in text), is not.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/

/**
 * What no field of any route may hold, whatever its schema says: control characters, numbers
 * that are not finite or past a sane magnitude, and nesting deeper than any input needs.
 * Applied at the edge (every API schema and every form), so no route meets such input.
 */
export function hostileInput(value: unknown, path: readonly string[] = []): FieldError[] {
  const field = path.join('.')
  if (path.length > MAX_DEPTH) return [{ field, message: 'The input is nested too deeply' }]
  if (typeof value === 'string') {
    return CONTROL_CHARACTER.test(value)
      ? [{ field, message: 'Remove the control characters (invisible characters) from the text' }]
      : []
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) <= MAX_MAGNITUDE
      ? []
      : [{ field, message: 'Enter a number between minus and plus 1,000,000,000,000,000' }]
  }
  if (Array.isArray(value)) {
    return value.flatMap((item: unknown, index) => hostileInput(item, [...path, String(index)]))
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) =>
      CONTROL_CHARACTER.test(key)
        ? [{ field, message: 'Remove the control characters from the field names' }]
        : hostileInput(item, [...path, key]),
    )
  }
  return []
}

/** The edge check as an error to throw or answer, naming at most the first 20 fields. */
export function refuseHostile(input: unknown): Invalid | null {
  const hostile = hostileInput(input)
  return hostile.length > 0 ? new Invalid(hostile.slice(0, 20)) : null
}

/** Text a form sends for a number becomes that number; nothing else is turned into one. */
const numericText = (value: unknown): unknown =>
  typeof value === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)\s*$/.test(value) ? Number(value) : value

/**
 * A whole number from JSON, or from a form field's text. Unlike `z.coerce`, `true`, `[]` or an
 * empty field is refused rather than read as 1 or 0.
 */
export function wholeNumber(message: string, min = 0, max = MAX_WHOLE) {
  return z.preprocess(
    numericText,
    z
      .number({ error: message })
      .int({ error: message })
      .min(min, { error: message })
      .max(max, { error: message }),
  )
}

/** The version of an item as the person last read it; a stale one is refused with 409. */
export function versionField(message = 'Send the version you changed, a whole number') {
  return wholeNumber(message, 1)
}

/** Zod issues as field errors for the GOV.UK error summary and the API's details. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const refused = refuseHostile(input)
  if (refused) throw refused
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
