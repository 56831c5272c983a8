import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { AppError, Invalid, Unauthenticated } from '../errors.ts'
import { SESSION_COOKIE } from './request-principal.ts'

const pages: Record<number, { title: string; paragraphs: string[] }> = {
  400: {
    title: 'There is a problem with your request',
    paragraphs: ['Check what you entered and try again.'],
  },
  401: { title: 'Sign in to continue', paragraphs: ['You need to sign in to see this page.'] },
  403: {
    title: 'You do not have permission to see this page',
    paragraphs: ['If you think you should, ask your organisation’s Golden Thread administrator.'],
  },
  404: {
    title: 'Page not found',
    paragraphs: [
      'If you typed the web address, check it is correct.',
      'If you pasted the web address, check you copied the entire address.',
    ],
  },
  409: { title: 'That could not be done', paragraphs: [] },
  429: { title: 'Too many requests', paragraphs: ['Wait a few minutes, then try again.'] },
  500: {
    title: 'Sorry, there is a problem with the service',
    paragraphs: ['Try again later. If it keeps happening, contact your administrator.'],
  },
}

export function isApiRequest(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/')
}

interface Normalised {
  status: number
  id: string
  message: string
  details?: { field: string; message: string }[]
}

function normalise(error: FastifyError | Error): Normalised {
  if (error instanceof Invalid) {
    return {
      status: 400,
      id: error.id,
      message: error.message,
      details: error.fields.map((f) => ({ field: f.field, message: f.message })),
    }
  }
  if (error instanceof AppError)
    return { status: error.status, id: error.id, message: error.message }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const details = error.validation.map((v) => ({
      field: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
      message: v.message ?? 'Invalid value',
    }))
    return {
      status: 400,
      id: 'invalid',
      message: details.map((d) => (d.field ? `${d.field}: ${d.message}` : d.message)).join('; '),
      details,
    }
  }
  const fastifyError = error as Partial<FastifyError>
  if (typeof fastifyError.code === 'string' && fastifyError.code.startsWith('FST_CSRF')) {
    return {
      status: 403,
      id: 'csrf',
      message:
        'This form has expired or did not come from this service. Go back, reload the page and try again.',
    }
  }
  const status = fastifyError.statusCode
  if (status !== undefined && status >= 400 && status < 500) {
    return {
      status,
      id: fastifyError.code ?? 'bad_request',
      message: fastifyError.message ?? 'Bad request',
    }
  }
  return { status: 500, id: 'internal', message: 'Sorry, there is a problem with the service' }
}

/**
 * A multipart body that could not be read (no boundary, cut short, a broken part header): the
 * parser throws a bare Error while reading it, which is the sender's fault, not ours.
 */
function unreadableUpload(error: FastifyError | Error, request: FastifyRequest): Invalid | null {
  const multipart = /^multipart\//i.test(request.headers['content-type'] ?? '')
  const bare =
    !(error instanceof AppError) && (error as Partial<FastifyError>).statusCode === undefined
  if (!multipart || !bare) return null
  if (!/multipart|unexpected end|malformed|boundary/i.test(error.message)) return null
  return Invalid.field('file', `The upload could not be read (${error.message}): send it again`)
}

/**
 * Where to go back to after signing in. A form sent after the session ended goes back to the page
 * the form was on (its address is not a page), where the script puts back what was typed.
 */
function signInNext(request: FastifyRequest): string {
  if (request.method === 'GET' || request.method === 'HEAD') return request.url
  const referer = request.headers.referer
  if (!referer) return request.url
  try {
    const from = new URL(referer)
    return from.host === request.headers.host ? `${from.pathname}${from.search}` : request.url
  } catch {
    return request.url
  }
}

/** The one error handler: a GOV.UK error page, or `{error:{id,message,details?}}` under /api. */
export async function handleError(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const problem = normalise(unreadableUpload(error, request) ?? error)
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed')
  else request.log.info({ errorId: problem.id, status: problem.status }, problem.message)

  if (isApiRequest(request)) {
    return reply.code(problem.status).send({
      error: {
        id: problem.id,
        message: problem.message,
        ...(problem.details && { details: problem.details }),
      },
    })
  }
  if (error instanceof Unauthenticated) {
    const next = encodeURIComponent(signInNext(request))
    // A session cookie that no longer opens a session: it timed out (or was ended elsewhere).
    const expired = request.cookies[SESSION_COOKIE] ? '&expired=yes' : ''
    return reply.redirect(`/sign-in?next=${next}${expired}`, 303)
  }
  const page = pages[problem.status] ?? pages[400]
  const paragraphs =
    problem.status === 500 || problem.status === 404
      ? page?.paragraphs
      : [problem.message, ...(page?.paragraphs ?? [])]
  return reply
    .code(problem.status)
    .type('text/html; charset=utf-8')
    .view('error.njk', {
      title: page?.title ?? 'There is a problem',
      paragraphs: [...new Set(paragraphs)],
      requestId: problem.status === 500 ? request.id : null,
    })
}
