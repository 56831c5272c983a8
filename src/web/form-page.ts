import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import type { Config } from '../config.ts'
import { Invalid } from '../errors.ts'
import type { Principal } from '../core/principal.ts'
import { setFlash } from './flash.ts'
import { requirePrincipal } from './request-principal.ts'
import { parseInput, parseParams } from './fields.ts'
import { formErrors } from './forms.ts'

/** A form's fields as the browser sent them (or as the page first shows them). */
export type FormValues = Record<string, unknown>

const hide = { schema: { hide: true } }

/** What every step of a form page is given: who asks, the path's parameters and what was loaded. */
export interface FormContext<P, M> {
  readonly principal: Principal
  readonly params: P
  readonly model: M
  readonly request: FastifyRequest
  readonly reply: FastifyReply
}

/** What `load` is given: the form's context before anything is loaded. */
export type LoadContext<P> = Omit<FormContext<P, never>, 'model'>

export interface FormPageSpec<P, M, I, R> {
  /** The page's path; the GET shows the form, the POST saves it. */
  readonly path: string
  /** The path's parameters; a malformed one names nothing (404). */
  readonly params?: z.ZodType<P>
  /**
   * What the page is about, read before anything else on both the GET and the POST: a service
   * call that answers 404 when the item is missing or not the person's to see, 403 when they may
   * not change it.
   */
  readonly load?: (ctx: LoadContext<P>) => Promise<M>
  readonly template: string
  /** Where the GET sends the person (303) instead, when the form has nothing to do; or null. */
  readonly elsewhere?: (ctx: FormContext<P, M>) => string | null
  /**
   * Everything the template is given but `values` and the errors (title, action, the items of
   * its selects and radios…), for the fields' values: the first ones on the GET, what was sent
   * when the form is shown again with its errors.
   */
  readonly view: (
    ctx: FormContext<P, M>,
    values: FormValues,
  ) => Promise<Record<string, unknown>> | Record<string, unknown>
  /** The fields' first values on the GET; none when left out. */
  readonly values?: (ctx: FormContext<P, M>) => Promise<FormValues> | FormValues
  /** What the POST's body must be. */
  readonly schema: z.ZodType<I>
  /** The body in the schema's shape, where the form's field names differ from its paths. */
  readonly input?: (body: FormValues, ctx: FormContext<P, M>) => unknown
  /** Field names for the errors, where the form's field names differ from the schema's paths. */
  readonly fields?: (invalid: Invalid, body: FormValues) => Invalid
  /** For a field that is a group of inputs, the id its error summary link goes to. */
  readonly anchors?: Record<string, string>
  /** Saves the valid input (the service: one transaction with its audit record). */
  readonly save: (ctx: FormContext<P, M>, input: I, body: FormValues) => Promise<R>
  /** What the form shows again of what was sent, when it is not all of it (never a password). */
  readonly again?: (body: FormValues) => FormValues
  /** Where to go after saving (303). */
  readonly redirect: (ctx: FormContext<P, M>, saved: R) => string
  /** The message the next page shows, if any. */
  readonly flash?: (ctx: FormContext<P, M>, saved: R) => string
}

/**
 * Registers a form page: its GET (the form with its first values) and its POST (the body
 * checked against the schema, then saved and redirected with 303; on invalid input, whether
 * the schema or the service refused it, the form again with status 400, the GOV.UK error
 * summary, each field's message and what the person entered). CSRF is checked for every unsafe
 * request before any handler runs (see authentication.ts).
 *
 *     const formPage = formPages(app, config)
 *     formPage({ path, params, load, template, view, values, schema, save, redirect, flash })
 */
export function formPages(app: FastifyInstance, config?: Config) {
  return function formPage<P = Record<string, never>, M = undefined, I = unknown, R = unknown>(
    spec: FormPageSpec<P, M, I, R>,
  ): void {
    if (spec.flash && !config) throw new Error(`${spec.path}: a flash needs formPages' config`)
    async function contextOf(request: FastifyRequest, reply: FastifyReply) {
      const principal = requirePrincipal(request)
      const params = (spec.params ? parseParams(spec.params, request.params) : {}) as P
      const base = { principal, params, request, reply }
      const model = (spec.load ? await spec.load(base) : undefined) as M
      return { ...base, model }
    }

    app.get(spec.path, hide, async (request, reply) => {
      const ctx = await contextOf(request, reply)
      const elsewhere = spec.elsewhere?.(ctx)
      if (elsewhere) return reply.redirect(elsewhere, 303)
      const values = spec.values ? await spec.values(ctx) : {}
      return reply.view(spec.template, { ...(await spec.view(ctx, values)), values })
    })

    app.post(spec.path, hide, async (request, reply) => {
      const ctx = await contextOf(request, reply)
      const body = (request.body ?? {}) as FormValues
      try {
        const input = parseInput(spec.schema, spec.input ? spec.input(body, ctx) : body)
        const saved = await spec.save(ctx, input, body)
        if (spec.flash && config) setFlash(reply, spec.flash(ctx, saved), config)
        return await reply.redirect(spec.redirect(ctx, saved), 303)
      } catch (error) {
        if (!(error instanceof Invalid)) throw error
        const invalid = spec.fields ? spec.fields(error, body) : error
        return reply.code(400).view(spec.template, {
          ...(await spec.view(ctx, body)),
          values: spec.again ? spec.again(body) : body,
          ...formErrors(invalid, spec.anchors),
        })
      }
    })
  }
}
