import type { FastifyReply } from 'fastify'
import { Invalid } from '../errors.ts'

export interface FormErrors {
  /** For the GOV.UK error summary. */
  readonly errors: { text: string; href: string }[]
  /** The first message per field, for inline error messages. */
  readonly fieldErrors: Record<string, { text: string }>
}

export function formErrors(invalid: Invalid): FormErrors {
  const fieldErrors: Record<string, { text: string }> = {}
  const errors = invalid.fields.map((f) => {
    const id = f.field ? f.field.replaceAll('.', '-') : 'main-content'
    if (f.field && !(f.field in fieldErrors)) fieldErrors[f.field] = { text: f.message }
    return { text: f.message, href: `#${id}` }
  })
  return { errors, fieldErrors }
}

/**
 * Runs a form's action; on invalid input re-renders the form with status 400, the error
 * summary and the values the person entered.
 */
export async function handleForm(
  reply: FastifyReply,
  form: { template: string; context: Record<string, unknown>; values: unknown },
  action: () => Promise<FastifyReply>,
): Promise<FastifyReply> {
  try {
    return await action()
  } catch (error) {
    if (!(error instanceof Invalid)) throw error
    return reply
      .code(400)
      .view(form.template, { ...form.context, values: form.values, ...formErrors(error) })
  }
}
