import type { FastifyReply } from 'fastify'
import { Invalid } from '../errors.ts'

export interface FormErrors {
  /** For the GOV.UK error summary. */
  readonly errors: { text: string; href: string }[]
  /** The first message per field, for inline error messages. */
  readonly fieldErrors: Record<string, { text: string }>
}

/**
 * `anchors` names, for a field that is a group of inputs (like a saving's years), the id of the
 * group's first input: an error summary link must move focus to something that takes it.
 * A field gets one message: the first problem found with it; the summary lists each message once.
 */
export function formErrors(invalid: Invalid, anchors: Record<string, string> = {}): FormErrors {
  const fieldErrors: Record<string, { text: string }> = {}
  const errors: { text: string; href: string }[] = []
  for (const f of invalid.fields) {
    if (f.field && f.field in fieldErrors) continue
    const id = f.field ? (anchors[f.field] ?? f.field.replaceAll('.', '-')) : 'main-content'
    if (f.field) fieldErrors[f.field] = { text: f.message }
    // The same words for several fields (each level of a matrix) are one line in the summary,
    // linked to the first of them; each field still shows its message.
    if (!errors.some((e) => e.text === f.message)) errors.push({ text: f.message, href: `#${id}` })
  }
  return { errors, fieldErrors }
}

/**
 * Runs a form's action; on invalid input re-renders the form with status 400, the error
 * summary and the values the person entered.
 */
export async function handleForm(
  reply: FastifyReply,
  form: {
    template: string
    context: Record<string, unknown>
    values: unknown
    anchors?: Record<string, string>
  },
  action: () => Promise<FastifyReply>,
): Promise<FastifyReply> {
  try {
    return await action()
  } catch (error) {
    if (!(error instanceof Invalid)) throw error
    return reply.code(400).view(form.template, {
      ...form.context,
      values: form.values,
      ...formErrors(error, form.anchors),
    })
  }
}
